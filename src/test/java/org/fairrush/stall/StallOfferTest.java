package org.fairrush.stall;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.ShiftedClock;
import org.fairrush.rush.RushProperties;
import org.fairrush.stall.FairApi.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.bean.override.convention.TestBean;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A fair whose waiting list is OFFER: a freed stall is offered to the first in line until the hold ends, by the
 * server's clock (moved by the test, never waited for); accepted it is theirs, declined or expired it passes on.
 */
@FairrushTest
class StallOfferTest {

    private static final Duration HOLD = Duration.ofMinutes(1);

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    static final ShiftedClock CLOCK = new ShiftedClock();

    @TestBean(name = "clock")
    Clock clock;

    static Clock clock() {
        return CLOCK;
    }
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RushProperties rush;
    @LocalServerPort
    int port;

    FairApi api;

    @BeforeEach
    void setUp() {
        api = new FairApi(http, port);
    }

    private record Registered(String merchant, String id) {

        String token() {
            return Fixtures.merchantToken(merchant);
        }
    }

    private long offeringFair(int stalls) {
        Instant now = clock.instant();
        Map<String, Object> body = new LinkedHashMap<>(Fixtures.fair("FIRST_COME", now.minusSeconds(60), now.plus(Duration.ofHours(1)),
                List.of(Fixtures.fairCategory("FOOD", stalls, 15_000))));
        body.put("waitlist", Map.of("mode", "OFFER", "holdFor", HOLD.toString()));
        return api.createFair(body);
    }

    private List<Registered> register(long fairId, String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> {
            String merchant = FairApi.merchant(prefix, i);
            return new Registered(merchant, api.registerNow(fairId, merchant, Fixtures.registration("FOOD", "Stall " + i, false))
                    .registrationId());
        }).toList();
    }

    private Map<String, Object> view(long fairId, Registered registered) {
        return api.registration(fairId, registered.id(), registered.token());
    }

    private void cancel(long fairId, Registered registered) {
        assertThat(api.cancel(fairId, registered.id(), registered.token()).block()).isEqualTo(204);
    }

    @Test
    void aFreedStallIsOfferedToTheFirstInLineWhoAcceptsIt() {
        long fairId = offeringFair(1);
        Registered holder = register(fairId, "holder", 1).get(0);
        List<Registered> line = register(fairId, "line", 2);
        assertThat(api.fair(fairId)).containsEntry("waitlist", Map.of("mode", "OFFER", "holdFor", "PT1M"));
        Instant cancelledAt = clock.instant();

        cancel(fairId, holder);

        Map<String, Object> offered = view(fairId, line.get(0));
        assertThat(offered).containsEntry("status", "OFFERED").containsEntry("stallNumber", "FOOD-01").doesNotContainKey("waitlistPosition");
        assertThat(Instant.parse((String) offered.get("offerExpiresAt"))).isBetween(cancelledAt.plus(HOLD).minusMillis(1), clock.instant().plus(HOLD));
        assertThat(view(fairId, line.get(1))).containsEntry("status", "WAITLISTED").containsEntry("waitlistPosition", 1);
        assertThat(category(fairId)).containsEntry("stallsLeft", 0).containsEntry("waiting", 1);

        Answer accepted = api.answerOffer(fairId, line.get(0).id(), line.get(0).token(), "accept");
        Answer again = api.answerOffer(fairId, line.get(0).id(), line.get(0).token(), "accept");

        assertThat(accepted.status()).isEqualTo(200);
        assertThat(accepted.body()).containsEntry("status", "CONFIRMED").containsEntry("stallNumber", "FOOD-01").doesNotContainKey("offerExpiresAt");
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.body()).containsEntry("status", "CONFIRMED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedStatuses(fairId))
                .containsEntry(holder.id(), "RELEASED").containsEntry(line.get(0).id(), "HELD FOOD-01").containsEntry(line.get(1).id(), "WAITING"));
    }

    @Test
    void aDeclinedOfferPassesToTheNextInLineAndTheLastDeclineFreesTheStall() {
        long fairId = offeringFair(1);
        Registered holder = register(fairId, "holder", 1).get(0);
        List<Registered> line = register(fairId, "line", 2);
        cancel(fairId, holder);

        Answer declined = api.answerOffer(fairId, line.get(0).id(), line.get(0).token(), "decline");

        assertThat(declined.status()).isEqualTo(200);
        assertThat(declined.body()).containsEntry("status", "DECLINED");
        assertThat(view(fairId, line.get(1))).containsEntry("status", "OFFERED").containsEntry("stallNumber", "FOOD-01");
        assertThat(api.answerOffer(fairId, line.get(0).id(), line.get(0).token(), "decline").status()).as("declining again").isEqualTo(200);

        assertThat(api.answerOffer(fairId, line.get(1).id(), line.get(1).token(), "decline").body()).containsEntry("status", "DECLINED");
        assertThat(category(fairId)).containsEntry("stallsLeft", 1).containsEntry("waiting", 0);
        Answer accept = api.answerOffer(fairId, line.get(0).id(), line.get(0).token(), "accept");
        assertThat(accept.status()).isEqualTo(409);
        assertThat(accept.body()).containsEntry("code", "OFFER_NOT_OPEN");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedStatuses(fairId))
                .containsEntry(line.get(0).id(), "RELEASED DECLINED").containsEntry(line.get(1).id(), "RELEASED DECLINED"));
    }

    @Test
    void anOfferExpiresByTheServersClockAndPassesToTheNextInLine() {
        long fairId = offeringFair(1);
        Registered holder = register(fairId, "holder", 1).get(0);
        List<Registered> line = register(fairId, "line", 2);
        cancel(fairId, holder);

        CLOCK.advance(HOLD.plusSeconds(1));

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(view(fairId, line.get(0))).containsEntry("status", "EXPIRED"));
        assertThat(view(fairId, line.get(1))).containsEntry("status", "OFFERED").containsEntry("stallNumber", "FOOD-01");
        Answer late = api.answerOffer(fairId, line.get(0).id(), line.get(0).token(), "accept");
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body()).containsEntry("code", "OFFER_EXPIRED");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedStatuses(fairId))
                .containsEntry(line.get(0).id(), "RELEASED EXPIRED").containsEntry(line.get(1).id(), "OFFERED FOOD-01"));
    }

    @Test
    void anAnswerAfterTheHoldExpiresTheOfferEvenBeforeTheExpiryPass() {
        long fairId = offeringFair(1);
        Registered holder = register(fairId, "holder", 1).get(0);
        Registered offered = register(fairId, "line", 1).get(0);
        cancel(fairId, holder);
        CLOCK.advance(HOLD.plusSeconds(1));

        Answer late = api.answerOffer(fairId, offered.id(), offered.token(), "decline");

        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body()).containsEntry("code", "OFFER_EXPIRED");
        assertThat(view(fairId, offered)).containsEntry("status", "EXPIRED");
        assertThat(category(fairId)).containsEntry("stallsLeft", 1);
    }

    @Test
    void onlyTheOfferedMerchantMayAnswerAndOnlyAnOpenOffer() {
        long fairId = offeringFair(1);
        Registered holder = register(fairId, "holder", 1).get(0);
        List<Registered> line = register(fairId, "line", 2);
        cancel(fairId, holder);

        Answer someoneElse = api.answerOffer(fairId, line.get(0).id(), line.get(1).token(), "accept");
        Answer admin = api.answerOffer(fairId, line.get(0).id(), Fixtures.adminToken(), "accept");
        Answer waiting = api.answerOffer(fairId, line.get(1).id(), line.get(1).token(), "accept");

        assertThat(someoneElse.status()).isEqualTo(403);
        assertThat(someoneElse.body()).containsEntry("code", "FORBIDDEN");
        assertThat(admin.status()).isEqualTo(403);
        assertThat(waiting.status()).isEqualTo(409);
        assertThat(waiting.body()).containsEntry("code", "OFFER_NOT_OPEN").containsEntry("type", "https://fairrush.org/problems/offer-not-open");
        assertThat(view(fairId, line.get(0))).containsEntry("status", "OFFERED");
    }

    @Test
    void aFairThatConfirmsAtOnceHasNoOffersToAnswer() {
        Instant now = clock.instant();
        long fairId = api.createFair(Fixtures.fair("FIRST_COME", now.minusSeconds(60), now.plus(Duration.ofHours(1)),
                List.of(Fixtures.fairCategory("FOOD", 1, 15_000))));
        Registered holder = register(fairId, "holder", 1).get(0);
        Registered next = register(fairId, "line", 1).get(0);
        cancel(fairId, holder);

        assertThat(view(fairId, next)).containsEntry("status", "CONFIRMED");
        Answer accept = api.answerOffer(fairId, next.id(), next.token(), "accept");
        assertThat(accept.status()).isEqualTo(409);
        assertThat(accept.body()).containsEntry("code", "OFFER_NOT_OPEN");
        assertThat(api.fair(fairId)).containsEntry("waitlist", Map.of("mode", "AUTO_CONFIRM"));
    }

    @Test
    void leavingTheWaitingListKeepsTheOrderOfTheOthers() {
        long fairId = offeringFair(1);
        register(fairId, "holder", 1);
        List<Registered> line = register(fairId, "line", 4);

        cancel(fairId, line.get(1));

        assertThat(view(fairId, line.get(1))).containsEntry("status", "CANCELLED");
        assertThat(List.of(view(fairId, line.get(0)), view(fairId, line.get(2)), view(fairId, line.get(3))))
                .extracting(registration -> registration.get("waitlistPosition")).containsExactly(1, 2, 3);
    }

    /**
     * Two offers are due when a third stall is freed; at once the offered merchants answer too late or cancel, a
     * waiting merchant leaves and the expiry pass runs: each stall ends with one holder or one open offer (or free
     * with nobody waiting), each merchant has at most one active registration, and Postgres ends as Redis.
     */
    @Test
    void offersExpiringWhileCancellationsRaceNeverGiveAStallTwiceNorLoseOne() {
        int stalls = 3;
        long fairId = offeringFair(stalls);
        List<Registered> holders = register(fairId, "holder", stalls);
        List<Registered> line = register(fairId, "line", 8);
        cancel(fairId, holders.get(0));
        cancel(fairId, holders.get(1));
        assertThat(view(fairId, line.get(0))).containsEntry("status", "OFFERED");
        assertThat(view(fairId, line.get(1))).containsEntry("status", "OFFERED");
        CLOCK.advance(HOLD.plusSeconds(1));

        List<Mono<?>> race = new ArrayList<>();
        race.add(api.cancel(fairId, holders.get(2).id(), holders.get(2).token()));
        race.add(api.offerAnswer(fairId, line.get(0).id(), line.get(0).token(), "accept"));
        race.add(api.cancel(fairId, line.get(1).id(), line.get(1).token()));
        race.add(api.cancel(fairId, line.get(5).id(), Fixtures.adminToken()));
        race.add(api.offerAnswer(fairId, line.get(2).id(), line.get(2).token(), "decline"));
        Collections.shuffle(race, new Random(5));
        Flux.fromIterable(race).flatMap(call -> call, race.size()).blockLast(Duration.ofSeconds(60));

        List<String> ids = new ArrayList<>();
        holders.forEach(r -> ids.add(r.id()));
        line.forEach(r -> ids.add(r.id()));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(live(fairId, ids))
                .noneMatch(r -> "OFFERED".equals(r.get("status")) && !Instant.parse((String) r.get("offerExpiresAt")).isAfter(clock.instant())));
        List<Map<String, Object>> live = live(fairId, ids);
        List<Object> placed = live.stream().filter(r -> List.of("CONFIRMED", "OFFERED").contains(r.get("status")))
                .map(r -> r.get("stallNumber")).toList();
        Map<String, Object> food = category(fairId);
        int stallsLeft = ((Number) food.get("stallsLeft")).intValue();
        int waiting = ((Number) food.get("waiting")).intValue();
        assertThat(placed).doesNotHaveDuplicates();
        assertThat(placed.size() + stallsLeft).isEqualTo(stalls);
        if (waiting > 0) {
            assertThat(stallsLeft).isZero();
        }
        assertThat(live.stream().filter(r -> "WAITLISTED".equals(r.get("status")))).hasSize(waiting);
        assertThat(live.stream().filter(r -> "EXPIRED".equals(r.get("status")))).as("the late accept expired its offer").isNotEmpty();
        assertThat(view(fairId, line.get(1)).get("status")).as("cancelled, unless the pass expired it first").isIn("CANCELLED", "EXPIRED");
        assertThat(view(fairId, line.get(5))).containsEntry("status", "CANCELLED");

        Map<String, String> expected = live.stream().collect(Collectors.toMap(r -> (String) r.get("registrationId"), StallOfferTest::asStored));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedStatuses(fairId)).isEqualTo(expected));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.reconciliation(fairId)).singleElement()
                .satisfies(pool -> assertThat(pool).containsEntry("ok", true)));
    }

    @Test
    void aRebuildFromPostgresKeepsAnOpenOfferAndItsExpiry() {
        long fairId = offeringFair(1);
        Registered holder = register(fairId, "holder", 1).get(0);
        List<Registered> line = register(fairId, "line", 2);
        cancel(fairId, holder);
        Map<String, Object> offeredBefore = view(fairId, line.get(0));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedStatuses(fairId))
                .containsEntry(line.get(0).id(), "OFFERED FOOD-01"));
        Map<String, Object> fairBefore = api.fair(fairId);

        long deleted = redis.scan(ScanOptions.scanOptions().match(rush.keyPrefix() + ":{f:" + fairId + "}:*").build())
                .flatMap(redis::unlink).reduce(0L, Long::sum).block();
        assertThat(deleted).isPositive();
        http.post().uri("/api/v1/fairs/{id}/rebuild", fairId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.ok").isEqualTo(true);

        assertThat(view(fairId, line.get(0))).isEqualTo(offeredBefore);
        assertThat(api.fair(fairId)).isEqualTo(fairBefore);
        CLOCK.advance(HOLD.plusSeconds(1));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(view(fairId, line.get(1)))
                .containsEntry("status", "OFFERED").containsEntry("stallNumber", "FOOD-01"));
        assertThat(view(fairId, line.get(0))).containsEntry("status", "EXPIRED");
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> category(long fairId) {
        return ((List<Map<String, Object>>) api.fair(fairId).get("categories")).get(0);
    }

    private List<Map<String, Object>> live(long fairId, List<String> ids) {
        return ids.stream().map(id -> api.registration(fairId, id, Fixtures.adminToken())).toList();
    }

    /** A live registration as its row in Postgres must read: status, then the stall or how its offer ended. */
    private static String asStored(Map<String, Object> registration) {
        return switch ((String) registration.get("status")) {
            case "CONFIRMED" -> "HELD " + registration.get("stallNumber");
            case "OFFERED" -> "OFFERED " + registration.get("stallNumber");
            case "WAITLISTED" -> "WAITING";
            case "CANCELLED" -> "RELEASED";
            default -> "RELEASED " + registration.get("status");
        };
    }

    /** Registration id -> "status stall" of a placed row, "RELEASED outcome" of an ended offer, read from Postgres itself. */
    private Map<String, String> storedStatuses(long fairId) {
        Map<String, String> stored = new HashMap<>();
        db.sql("select id, status, stall_number, offer_outcome, offer_expires_at from registration where fair_id = :fair").bind("fair", fairId)
                .map(row -> Map.entry(row.get("id", java.util.UUID.class).toString(), switch (row.get("status", String.class)) {
                    case "HELD", "OFFERED" -> row.get("status", String.class) + " " + row.get("stall_number", String.class);
                    case "RELEASED" -> row.get("offer_outcome", String.class) == null ? "RELEASED" : "RELEASED " + row.get("offer_outcome", String.class);
                    default -> row.get("status", String.class);
                }))
                .all().doOnNext(entry -> stored.put(entry.getKey(), entry.getValue())).blockLast(Duration.ofSeconds(10));
        return stored;
    }
}
