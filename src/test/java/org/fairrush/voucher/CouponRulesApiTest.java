package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.IntStream;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.SettableClock;
import org.fairrush.rush.RushProperties;
import org.fairrush.voucher.domain.RedeemHours;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Coupon rules through the API on the real stack, with the application's clock set to the moments that matter
 * (midnight in the campaign's zone): daily caps exact under concurrent grabs and across midnight, Retry-After until
 * the next day, validity from the grab, redeem hours in the zone, and a rebuild that keeps today's counters.
 */
@FairrushTest
@Import(SettableClock.Configuration.class)
class CouponRulesApiTest {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RushProperties rush;
    @Autowired
    SettableClock clock;
    @LocalServerPort
    int port;

    private final JsonMapper json = JsonMapper.builder().build();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private Api api;

    @BeforeEach
    void setUp() {
        api = new Api(http);
    }

    @AfterEach
    void runTheClock() {
        clock.run();
    }

    /** The next midnight in Shanghai: a moment of the test's choosing close to the real time (see SettableClock). */
    private static Instant nextMidnight() {
        return LocalDate.now(SHANGHAI).plusDays(1).atStartOfDay(SHANGHAI).toInstant();
    }

    /** A campaign whose windows are open from an hour before {@code at} for days, with the given coupon rules. */
    private long campaign(Instant at, int stock, int perMemberLimit, Map<String, Object> rules) {
        Map<String, Object> body = Fixtures.campaign(stock, perMemberLimit, at.minus(Duration.ofHours(1)), at.plus(Duration.ofDays(2)),
                at.minus(Duration.ofHours(1)), at.plus(Duration.ofDays(3)), 2000, 3000);
        body.putAll(rules);
        return api.createCampaign(body);
    }

    record Answer(String member, int status, String code, String retryAfter) {
    }

    /** Every member grabs once with a fresh key, all at once over HTTP. */
    private List<Answer> grabAtOnce(long campaignId, List<String> members) {
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        return Flux.fromIterable(members)
                .flatMap(member -> client.post().uri("/api/v1/campaigns/{id}/grabs", campaignId)
                        .headers(h -> h.setBearerAuth(tokens.computeIfAbsent(member, Fixtures::memberToken)))
                        .header("Idempotency-Key", Fixtures.idempotencyKey())
                        .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("{}")
                                .map(body -> new Answer(member, response.statusCode().value(),
                                        String.valueOf(json.readValue(body, Map.class).get("code")),
                                        response.headers().asHttpHeaders().getFirst("Retry-After")))), 64)
                .collectList()
                .block(Duration.ofMinutes(3));
    }

    private static long count(List<Answer> answers, Predicate<Answer> which) {
        return answers.stream().filter(which).count();
    }

    private static List<String> members(String prefix, int n) {
        return IntStream.range(0, n).mapToObj(i -> prefix + "-" + i).toList();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> campaignView(long campaignId) {
        return (Map<String, Object>) api.campaign(campaignId);
    }

    private long stored(long campaignId) {
        return db.sql("select count(*) from voucher where campaign_id = :c").bind("c", campaignId)
                .map(row -> row.get(0, Long.class)).one().block();
    }

    @Test
    void dailyStockIsExactUnderManyConcurrentGrabs() {
        Instant noon = nextMidnight().plus(Duration.ofHours(12));
        clock.freezeAt(noon);
        long campaignId = campaign(noon, 100, 1, Map.of("dailyStock", 20));

        List<Answer> answers = grabAtOnce(campaignId, members("daily", 150));

        assertThat(count(answers, a -> a.status() == 201)).isEqualTo(20);
        assertThat(count(answers, a -> a.status() == 409 && a.code().equals("DAILY_SOLD_OUT"))).isEqualTo(130);
        assertThat(campaignView(campaignId)).containsEntry("remaining", 80).containsEntry("status", "OPEN")
                .containsEntry("dailyStock", 20).containsEntry("zone", "Asia/Shanghai");
        await().atMost(Duration.ofSeconds(60)).until(() -> stored(campaignId) == 20);
    }

    @Test
    void perMemberDailyLimitIsExactForOneMembersConcurrentGrabs() {
        Instant noon = nextMidnight().plus(Duration.ofHours(12));
        clock.freezeAt(noon);
        long campaignId = campaign(noon, 100, 10, Map.of("perMemberDailyLimit", 3));

        List<Answer> answers = grabAtOnce(campaignId, java.util.Collections.nCopies(40, "eager"));

        assertThat(count(answers, a -> a.status() == 201)).isEqualTo(3);
        assertThat(count(answers, a -> a.status() == 409 && a.code().equals("DAILY_LIMIT_REACHED"))).isEqualTo(37);
    }

    @Test
    void eachDaysQuotaIsExactForGrabsJustBeforeAndAfterMidnightInTheZone() {
        Instant midnight = nextMidnight();
        clock.freezeAt(midnight.minusMillis(1));
        long campaignId = campaign(midnight, 1_000, 2, Map.of("dailyStock", 25, "perMemberDailyLimit", 1));

        List<Answer> lastMillisecond = grabAtOnce(campaignId, members("night", 80));
        clock.freezeAt(midnight);
        List<String> firstMillisecondGrabbers = new java.util.ArrayList<>(members("morning", 80));
        lastMillisecond.stream().filter(a -> a.status() == 201).forEach(a -> firstMillisecondGrabbers.add(a.member()));
        List<Answer> firstMillisecond = grabAtOnce(campaignId, firstMillisecondGrabbers);

        assertThat(count(lastMillisecond, a -> a.status() == 201)).isEqualTo(25);
        assertThat(count(firstMillisecond, a -> a.status() == 201)).isEqualTo(25);
        assertThat(count(firstMillisecond, a -> a.status() == 409 && !a.code().equals("DAILY_SOLD_OUT"))).isZero();
        await().atMost(Duration.ofSeconds(60)).until(() -> stored(campaignId) == 50);
        Map<String, Long> byDay = db.sql("select (grabbed_at at time zone 'Asia/Shanghai')::date::text as day, count(*) as n "
                        + "from voucher where campaign_id = :c group by 1")
                .bind("c", campaignId).map(row -> Map.entry(row.get("day", String.class), row.get("n", Long.class)))
                .all().collectMap(Map.Entry::getKey, Map.Entry::getValue).block();
        assertThat(byDay).containsOnly(Map.entry(LocalDate.ofInstant(midnight.minusMillis(1), SHANGHAI).toString(), 25L),
                Map.entry(LocalDate.ofInstant(midnight, SHANGHAI).toString(), 25L));
    }

    @Test
    void dailyRefusalsAskToRetryWhenTheNextDayStartsInTheZone() {
        Instant midnight = nextMidnight();
        clock.freezeAt(midnight.minusSeconds(30));
        long campaignId = campaign(midnight, 10, 5, Map.of("dailyStock", 2, "perMemberDailyLimit", 1));
        api.grab("early", campaignId, Fixtures.idempotencyKey()).expectStatus().isCreated();

        api.grab("early", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectHeader().valueEquals("Retry-After", "30")
                .expectBody().jsonPath("$.code").isEqualTo("DAILY_LIMIT_REACHED");
        api.grab("second", campaignId, Fixtures.idempotencyKey()).expectStatus().isCreated();
        clock.freezeAt(midnight.minusMillis(29_500));
        api.grab("third", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectHeader().valueEquals("Retry-After", "30")
                .expectHeader().contentType("application/problem+json")
                .expectBody().jsonPath("$.code").isEqualTo("DAILY_SOLD_OUT");
    }

    @Test
    void aDaysQuotaGoneIsNotTheCampaignSoldOut() {
        Instant midnight = nextMidnight();
        clock.freezeAt(midnight.minusSeconds(10));
        long campaignId = campaign(midnight, 3, 3, Map.of("dailyStock", 2));
        grabAtOnce(campaignId, members("first-day", 2));
        api.grab("late", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("DAILY_SOLD_OUT");
        assertThat(campaignView(campaignId)).containsEntry("status", "OPEN").containsEntry("remaining", 1);

        clock.freezeAt(midnight);
        api.grab("late", campaignId, Fixtures.idempotencyKey()).expectStatus().isCreated();
        api.grab("later", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("SOLD_OUT");
    }

    @Test
    void aVoucherIsValidForItsDaysFromTheGrabAndNeverPastRedeemEndsAt() {
        Instant grab = nextMidnight().plus(Duration.ofHours(12));
        clock.freezeAt(grab);
        long oneDay = campaign(grab, 10, 2, Map.of("validity", Map.of("days", 1)));
        long tenDays = campaign(grab, 10, 2, Map.of("validity", Map.of("days", 10)));

        Map<?, ?> first = api.grabbed("holder", oneDay);
        Map<?, ?> second = api.grabbed("holder", oneDay);
        assertThat(first.get("validUntil")).isEqualTo(grab.plus(Duration.ofDays(1)).toString());
        assertThat(api.grabbed("holder", tenDays).get("validUntil")).as("capped at redeemEndsAt")
                .isEqualTo(grab.plus(Duration.ofDays(3)).toString());
        await().atMost(Duration.ofSeconds(60)).until(() -> api.wallet("holder").size() == 3);

        clock.freezeAt(grab.plus(Duration.ofDays(1)).minusSeconds(1));
        api.redeem("stall-1", Fixtures.idempotencyKey(), (String) first.get("code"), 5000).expectStatus().isCreated();
        clock.freezeAt(grab.plus(Duration.ofDays(1)));
        api.redeem("stall-1", Fixtures.idempotencyKey(), (String) second.get("code"), 5000).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("VOUCHER_EXPIRED")
                .jsonPath("$.validUntil").isEqualTo(grab.plus(Duration.ofDays(1)).toString());
        assertThat(api.wallet("holder")).extracting(v -> v.get("campaignId") + " " + v.get("status") + " " + v.get("validUntil"))
                .containsExactlyInAnyOrder(oneDay + " REDEEMED " + grab.plus(Duration.ofDays(1)),
                        oneDay + " EXPIRED " + grab.plus(Duration.ofDays(1)), tenDays + " ISSUED " + grab.plus(Duration.ofDays(3)));
    }

    @Test
    void redeemHoursAreTheCampaignsZonesHours() {
        ZoneId berlin = ZoneId.of("Europe/Berlin");
        LocalDate day = LocalDate.ofInstant(nextMidnight(), berlin).plusDays(1);
        Instant tenInBerlin = day.atTime(LocalTime.of(10, 0)).atZone(berlin).toInstant();
        clock.freezeAt(tenInBerlin.minusSeconds(1));
        String dayName = RedeemHours.DAY_NAMES.get(day.getDayOfWeek().getValue() - 1);
        long campaignId = campaign(tenInBerlin, 10, 2, Map.of("zone", "Europe/Berlin",
                "redeemHours", List.of(Map.of("days", List.of(dayName), "from", "10:00", "to", "22:00"))));
        String code = (String) api.grabbed("shopper", campaignId).get("code");
        await().atMost(Duration.ofSeconds(60)).until(() -> api.wallet("shopper").size() == 1);

        api.redeem("stall-2", Fixtures.idempotencyKey(), code, 5000).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("OUTSIDE_REDEEM_HOURS")
                .jsonPath("$.zone").isEqualTo("Europe/Berlin")
                .jsonPath("$.redeemHours[0].from").isEqualTo("10:00");
        clock.freezeAt(tenInBerlin);
        api.redeem("stall-2", Fixtures.idempotencyKey(), code, 5000).expectStatus().isCreated();
    }

    @Test
    void aRebuildAfterRedisLostTheCampaignKeepsTodaysCounters() {
        Instant noon = nextMidnight().plus(Duration.ofHours(12));
        clock.freezeAt(noon);
        long campaignId = campaign(noon, 10, 2, Map.of("dailyStock", 3, "perMemberDailyLimit", 1));
        api.grabbed("before-1", campaignId);
        api.grabbed("before-2", campaignId);
        await().atMost(Duration.ofSeconds(60)).until(() -> stored(campaignId) == 2);

        redis.scan(ScanOptions.scanOptions().match(rush.keyPrefix() + ":{c:" + campaignId + "}:*").build())
                .flatMap(redis::unlink).blockLast();
        http.post().uri("/api/v1/campaigns/{id}/rebuild", campaignId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk().expectBody().jsonPath("$.ok").isEqualTo(true);

        api.grab("before-1", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("DAILY_LIMIT_REACHED");
        api.grab("after-1", campaignId, Fixtures.idempotencyKey()).expectStatus().isCreated();
        api.grab("after-2", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("DAILY_SOLD_OUT");
    }
}
