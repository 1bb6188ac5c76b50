package org.fairrush;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fairrush.devstack.DevStack;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RushProperties;
import org.fairrush.rush.WatchedPools;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.bean.override.convention.TestBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Pools have a lifetime (docs/operations.md, "Retention"): once a sale is over and stored, its keys leave Redis
 * after the retention, and every read answers what it answered before, now from Postgres. The key prefix, topics and
 * consumer group are this class's own, so the retirement loop sees no other test's pools.
 *
 * <p>Windows and the retention run on the server's clock, which the tests move past them instead of waiting. The
 * Idempotency-Keys are the one thing that leaves Redis on Redis' own clock (a key TTL): where a test needs one gone
 * it waits for Redis to expire it (a short TTL here); elsewhere it checks the TTL Redis reports, which is what makes
 * the key leave by itself.
 */
@FairrushTest
class RetirementTest {

    /** The server's clock: the tests move it past a window's close and the retention. */
    static final ShiftedClock CLOCK = new ShiftedClock();

    @TestBean(name = "clock")
    Clock clock;

    static Clock clock() {
        return CLOCK;
    }

    /** Redis' own answer for a key's time to live: milliseconds left, -1 for a key that never expires, -2 for none. */
    private static final RedisScript<Long> PTTL = RedisScript.of("return redis.call('PTTL', KEYS[1])", Long.class);

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };
    private static final ParameterizedTypeReference<List<Map<String, Object>>> JSON_LIST = new ParameterizedTypeReference<>() {
    };

    @DynamicPropertySource
    static void shortRetention(DynamicPropertyRegistry registry) {
        Map<String, Object> stack = DevStack.forTests().properties();
        registry.add("fairrush.rush.key-prefix", () -> stack.get("fairrush.rush.key-prefix") + "-retire");
        // Topics and persisters of its own too: another context's events are cleared under that context's key prefix.
        registry.add("fairrush.rush.topic-prefix", () -> stack.get("fairrush.rush.topic-prefix") + "retire.");
        registry.add("fairrush.rush.persister.group-id", () -> stack.get("fairrush.rush.persister.group-id") + "-retire");
        registry.add("fairrush.rush.retention", () -> "PT6S");
        // Short, on Redis' clock: the replay test waits for its key to expire. Long enough for that test's replay
        // after the window closed to find the key still there on a slow machine.
        registry.add("fairrush.rush.idempotency-ttl", () -> "PT5S");
        registry.add("fairrush.rush.retire-interval", () -> "PT1S");
    }

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RushProperties rush;
    @Autowired
    List<WatchedPools> watches;

    @Test
    void aSoldOutCampaignIsRetiredOnceStoredAndEveryReadAnswersTheSameFromPostgres() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(closingSoon(3));
        List<String> acknowledged = new ArrayList<>();
        acknowledged.add((String) api.grabbed("m-1", campaignId).get("voucherId"));
        acknowledged.add((String) api.grabbed("m-1", campaignId).get("voucherId"));
        acknowledged.add((String) api.grabbed("m-2", campaignId).get("voucherId"));
        api.grab("m-3", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("SOLD_OUT");
        Invariants.assertCampaignHolds(http, db, campaignId, 3, 2, acknowledged);
        closeWindowOf(api, campaignId);

        Map<?, ?> campaign = api.campaign(campaignId);
        Map<String, Object> listed = listedCampaign(campaignId);
        List<Map> wallet = api.wallet("m-1");
        assertThat(keysOf("c", campaignId)).as("still live in Redis when read before").isNotEmpty();
        assertThat(campaign.get("remaining")).isEqualTo(0);

        passRetentionOf(campaign);
        awaitRetired("c", campaignId);

        assertThat(api.campaign(campaignId)).isEqualTo(campaign);
        assertThat(listedCampaign(campaignId)).isEqualTo(listed);
        assertThat(api.wallet("m-1")).isEqualTo(wallet);
        assertThat(Invariants.storedIds(db, campaignId)).containsExactlyInAnyOrderElementsOf(acknowledged);
        assertThat(registry()).noneMatch(pool -> pool.startsWith("c|" + campaignId + "|"));
        assertThat(watched()).as("the live board no longer reads it").doesNotContain(PoolRef.single("c", Long.toString(campaignId)));
    }

    @Test
    void aGrabOnARetiredCampaignIsAnsweredAsOnAClosedWindow() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(closingSoon(5));
        api.grabbed("m-1", campaignId);
        passRetentionOf(closeWindowOf(api, campaignId));
        awaitRetired("c", campaignId);
        List<String> left = keysOf("c", campaignId);

        api.grab("m-2", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("ENDED");
        http.post().uri("/api/v1/campaigns/{id}/pause", campaignId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk();
        assertThat(api.campaign(campaignId).get("remaining")).isEqualTo(4);
        // Only m-1's Idempotency-Key may still be there (until Redis expires it), nothing new.
        assertThat(keysOf("c", campaignId)).as("a refused grab or a pause leaves nothing in Redis").isSubsetOf(left);
    }

    @Test
    void aReplayedIdempotencyKeyAfterRetirementChangesNothingAndIsAnsweredAsAClosedWindow() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(closingSoon(5));
        String key = Fixtures.idempotencyKey();
        Map<?, ?> first = api.grab("m-1", campaignId, key).expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        Map<?, ?> ended = closeWindowOf(api, campaignId);
        api.grab("m-1", campaignId, key).expectStatus().isCreated()
                .expectHeader().valueEquals("Idempotent-Replayed", "true")
                .expectBody().jsonPath("$.voucherId").isEqualTo(first.get("voucherId"));
        passRetentionOf(ended);
        awaitRetired("c", campaignId);

        // The key expires on Redis' clock (its TTL is at most the retention, so in production it is gone by the time the
        // pool is retired): once it has, the retry is a new grab on a closed window.
        await().atMost(Duration.ofSeconds(60)).until(() -> keysOf("c", campaignId).isEmpty());
        api.grab("m-1", campaignId, key).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("ENDED");
        assertThat(Invariants.storedIds(db, campaignId)).containsExactly((String) first.get("voucherId"));
        assertThat(api.wallet("m-1")).extracting(voucher -> voucher.get("voucherId")).contains(first.get("voucherId"));
        assertThat(keysOf("c", campaignId)).isEmpty();
    }

    @Test
    void aFairIsRetiredAfterItsLastDayAndItsRegistrationsAndWaitingListReadTheSame() {
        long fairId = createFair(1);
        String held = register(fairId, "mer-1");
        String second = register(fairId, "mer-2");
        String third = register(fairId, "mer-3");
        advancePast(instantOf(get("/api/v1/fairs/" + fairId).get("registrationClosesAt")));
        await().atMost(Duration.ofSeconds(90)).until(() -> storedRegistrations(fairId) == 3 && "CLOSED".equals(get("/api/v1/fairs/" + fairId).get("status")));

        Map<String, Object> fair = get("/api/v1/fairs/" + fairId);
        List<Map<String, Object>> organisers = getList("/api/v1/fairs/" + fairId + "/registrations");
        List<Map<String, Object>> views = List.of(get("/api/v1/fairs/" + fairId + "/registrations/" + held),
                get("/api/v1/fairs/" + fairId + "/registrations/" + second), get("/api/v1/fairs/" + fairId + "/registrations/" + third));
        List<Map<String, Object>> own = getList("/api/v1/me/registrations", Fixtures.merchantToken("mer-3"));
        assertThat(views.get(2)).containsEntry("status", "WAITLISTED").containsEntry("waitlistPosition", 2);
        assertThat(keysOf("f", fairId)).as("still live in Redis when read before").isNotEmpty();

        // A fair's pools live until its last day.
        advancePast(instantOf(fair.get("endsAt")).plus(rush.retention()));
        awaitRetired("f", fairId);

        assertThat(get("/api/v1/fairs/" + fairId)).isEqualTo(fair);
        assertThat(getList("/api/v1/fairs/" + fairId + "/registrations")).isEqualTo(organisers);
        assertThat(List.of(get("/api/v1/fairs/" + fairId + "/registrations/" + held),
                get("/api/v1/fairs/" + fairId + "/registrations/" + second), get("/api/v1/fairs/" + fairId + "/registrations/" + third)))
                .isEqualTo(views);
        assertThat(getList("/api/v1/me/registrations", Fixtures.merchantToken("mer-3"))).isEqualTo(own);
        assertThat(registry()).noneMatch(pool -> pool.startsWith("f|" + fairId + "|"));
        assertThat(watched()).as("the live board no longer reads it").doesNotContain(new PoolRef("f", Long.toString(fairId), "FOOD"));
    }

    /** A campaign open now (by the server's clock) whose grab window closes when the test moves the clock. */
    private static Map<String, Object> closingSoon(int stock) {
        Instant now = CLOCK.instant();
        return Fixtures.campaign(stock, 2, now.minusSeconds(60), now.plus(Duration.ofMinutes(5)), now.minusSeconds(60),
                now.plus(Duration.ofDays(7)), 2000, 3000);
    }

    /** Moves the server's clock past the campaign's grab window; returns the campaign as then read, ENDED. */
    private Map<?, ?> closeWindowOf(Api api, long campaignId) {
        advancePast(instantOf(api.campaign(campaignId).get("grabEndsAt")));
        Map<?, ?> ended = api.campaign(campaignId);
        assertThat(ended.get("status")).isEqualTo("ENDED");
        return ended;
    }

    /** Moves the server's clock past the retention after the campaign's grab window (its pool's life). */
    private void passRetentionOf(Map<?, ?> campaign) {
        advancePast(instantOf(campaign.get("grabEndsAt")).plus(rush.retention()));
    }

    /** An instant as the API answers it (an offset date-time). */
    private static Instant instantOf(Object answered) {
        return OffsetDateTime.parse((String) answered).toInstant();
    }

    private static void advancePast(Instant instant) {
        Duration ahead = Duration.between(CLOCK.instant(), instant);
        CLOCK.advance(ahead.isNegative() ? Duration.ZERO : ahead.plusSeconds(1));
    }

    /**
     * Retired: every key of the scope is gone from Redis but its Idempotency-Keys, which retire.lua leaves to expire
     * on their own. Each has the TTL Redis reports, at most the configured one (itself at most the retention), so
     * none outlives the pool in production and none stays for ever.
     */
    private void awaitRetired(String kind, long id) {
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(keysOf(kind, id))
                .as("keys of " + kind + ":" + id + " besides Idempotency-Keys").allMatch(key -> key.contains("}:idem:")));
        for (String key : keysOf(kind, id)) {
            long ttl = redis.execute(PTTL, List.of(key)).next().block();
            if (ttl != -2) {
                assertThat(ttl).as("time to live of " + key + " (ms)").isPositive().isLessThanOrEqualTo(rush.idempotencyTtl().toMillis());
            }
        }
    }

    private List<String> keysOf(String kind, long id) {
        return redis.scan(ScanOptions.scanOptions().match(rush.keyPrefix() + ":{" + kind + ":" + id + "}:*").count(1000).build())
                .collectList().block();
    }

    /** The pools the live board reads at the server's time. */
    private List<PoolRef> watched() {
        return Flux.fromIterable(watches).concatMap(watch -> watch.watched(CLOCK.instant(), 1000)).map(WatchedPools.WatchedPool::ref)
                .collectList().block();
    }

    private List<String> registry() {
        return redis.opsForSet().members(rush.keyPrefix() + ":pools").collectList().block();
    }

    private Map<String, Object> listedCampaign(long campaignId) {
        return getList("/api/v1/campaigns").stream().filter(c -> ((Number) c.get("id")).longValue() == campaignId).findFirst().orElseThrow();
    }

    /** A fair taking registrations now (by the server's clock) until the test moves the clock past their close. */
    private long createFair(int stalls) {
        Instant now = CLOCK.instant();
        Instant closes = now.plus(Duration.ofMinutes(5));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "Short fair");
        body.put("theme", "Food");
        body.put("venue", "Hall 1");
        body.put("startsAt", closes.plusSeconds(1).toString());
        body.put("endsAt", closes.plusSeconds(2).toString());
        body.put("registrationOpensAt", now.minusSeconds(60).toString());
        body.put("registrationClosesAt", closes.toString());
        body.put("allocation", "FIRST_COME");
        body.put("categories", List.of(Map.of("code", "FOOD", "name", "Food", "stalls", stalls, "feeCents", 15_000)));
        Map<String, Object> fair = http.post().uri("/api/v1/fairs").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body)
                .exchange().expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody();
        return ((Number) fair.get("id")).longValue();
    }

    private String register(long fairId, String merchant) {
        Map<String, Object> registered = http.post().uri("/api/v1/fairs/{id}/registrations", fairId)
                .headers(h -> {
                    h.setBearerAuth(Fixtures.merchantToken(merchant));
                    h.set("Idempotency-Key", Fixtures.idempotencyKey());
                })
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("category", "FOOD", "merchantName", merchant, "specialOffer", false))
                .exchange().expectStatus().isCreated().expectBody(JSON).returnResult().getResponseBody();
        return (String) registered.get("registrationId");
    }

    private long storedRegistrations(long fairId) {
        return db.sql("select count(*) from registration where fair_id = :f").bind("f", fairId).map(row -> row.get(0, Long.class)).one().block();
    }

    private Map<String, Object> get(String uri) {
        return http.get().uri(uri).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    private List<Map<String, Object>> getList(String uri) {
        return getList(uri, Fixtures.adminToken());
    }

    private List<Map<String, Object>> getList(String uri, String token) {
        return http.get().uri(uri).headers(h -> h.setBearerAuth(token)).accept(MediaType.APPLICATION_JSON)
                .exchange().expectStatus().isOk().expectBody(JSON_LIST).returnResult().getResponseBody();
    }
}
