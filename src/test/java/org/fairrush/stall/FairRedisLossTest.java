package org.fairrush.stall;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.ShiftedClock;
import org.fairrush.rush.RushProperties;
import org.fairrush.stall.FairApi.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import org.springframework.test.context.bean.override.convention.TestBean;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis loses a fair's state; the rebuild restores from Postgres exactly what merchants and staff saw before
 * (who holds which stall, who waits in which place, what is free), and the fair behaves as before afterwards:
 * a cancelled stall goes to the first in line, a merchant holding a stall cannot register twice.
 */
@FairrushTest
class FairRedisLossTest {

    /** The server's clock: the test moves it past the registration's close instead of waiting for it. */
    static final ShiftedClock CLOCK = new ShiftedClock();

    @TestBean(name = "clock")
    Clock clock;

    static Clock clock() {
        return CLOCK;
    }

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @Autowired
    WebTestClient http;
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

    @Test
    void firstComeFairIsRebuiltWithItsHoldersWaitingListAndFreeStalls() {
        long fairId = api.createFair(Fixtures.openFair("FIRST_COME", List.of(
                Fixtures.fairCategory("FOOD", 3, 15_000), Fixtures.fairCategory("CRAFT", 2, 10_000))));
        Map<String, Answer> food = new LinkedHashMap<>();
        for (int i = 0; i < 6; i++) {
            String merchant = FairApi.merchant("food", i);
            food.put(merchant, api.registerNow(fairId, merchant, Fixtures.registration("FOOD", "Dumplings " + i, i == 0)));
        }
        String crafter = FairApi.merchant("craft", 0);
        Answer craft = api.registerNow(fairId, crafter, Fixtures.registration("CRAFT", "Paper cuts", false));
        List<String> merchants = new ArrayList<>(food.keySet());
        // The second FOOD holder cancels (the first in line gets FOOD-02), and the crafter cancels (CRAFT-01 is free again).
        assertThat(api.cancel(fairId, food.get(merchants.get(1)).registrationId(), Fixtures.merchantToken(merchants.get(1))).block())
                .isEqualTo(204);
        assertThat(api.cancel(fairId, craft.registrationId(), Fixtures.merchantToken(crafter)).block()).isEqualTo(204);
        Map<String, Answer> everyone = new LinkedHashMap<>(food);
        everyone.put(crafter, craft);
        awaitStored(fairId, 7);
        Map<String, Map<String, Object>> before = views(fairId, everyone);
        Map<String, Object> fairBefore = api.fair(fairId);
        assertThat(before.get(merchants.get(3))).containsEntry("status", "CONFIRMED").containsEntry("stallNumber", "FOOD-02");
        assertThat(before.get(merchants.get(4))).containsEntry("status", "WAITLISTED").containsEntry("waitlistPosition", 1);
        assertThat(before.get(merchants.get(5))).containsEntry("waitlistPosition", 2);

        loseRedis(fairId);
        assertThat(categories(api.fair(fairId))).allSatisfy(category -> assertThat(category).containsEntry("stallsLeft", -1));
        rebuild(fairId);

        assertThat(api.fair(fairId)).isEqualTo(fairBefore);
        assertThat(views(fairId, everyone)).isEqualTo(before);
        Answer twice = api.registerNow(fairId, merchants.get(0), Fixtures.registration("CRAFT", "Dumplings 0", true));
        assertThat(twice.status()).isEqualTo(409);
        assertThat(twice.body()).containsEntry("code", "ALREADY_REGISTERED");
        Answer newcomer = api.registerNow(fairId, FairApi.merchant("craft", 1), Fixtures.registration("CRAFT", "Kites", false));
        assertThat(newcomer.body()).containsEntry("status", "CONFIRMED").containsEntry("stallNumber", "CRAFT-01");
        assertThat(api.cancel(fairId, food.get(merchants.get(0)).registrationId(), Fixtures.merchantToken(merchants.get(0))).block())
                .isEqualTo(204);
        assertThat(api.registration(fairId, food.get(merchants.get(4)).registrationId(), Fixtures.merchantToken(merchants.get(4))))
                .as("the first in line gets the cancelled stall").containsEntry("status", "CONFIRMED").containsEntry("stallNumber", "FOOD-01");
        assertThat(api.registration(fairId, food.get(merchants.get(5)).registrationId(), Fixtures.merchantToken(merchants.get(5))))
                .containsEntry("status", "WAITLISTED").containsEntry("waitlistPosition", 1);
        assertThat(api.cancel(fairId, craft.registrationId(), Fixtures.merchantToken(crafter)).block())
                .as("cancelling a cancelled registration again is answered as before").isEqualTo(204);
        awaitReconciled(fairId, 2);
    }

    @Test
    void drawnLotteryIsRebuiltInTheDrawsOrder() {
        Instant closesAt = CLOCK.instant().plus(StallLotteryTest.OPEN_FOR);
        long fairId = api.createFair(Fixtures.fair("LOTTERY", CLOCK.instant().minusSeconds(60), closesAt, List.of(
                Fixtures.fairCategory("FOOD", 2, 15_000), Fixtures.fairCategory("EMPTY", 3, 0))));
        Map<String, Answer> entries = new LinkedHashMap<>();
        for (int i = 0; i < 5; i++) {
            String merchant = FairApi.merchant("lottery", i);
            entries.put(merchant, api.registerNow(fairId, merchant, Fixtures.registration("FOOD", "Tea " + i, false)));
        }
        CLOCK.advance(StallLotteryTest.OPEN_FOR.plusSeconds(1));
        Map<String, Object> draw = api.drawn(fairId, StallLotteryTest.SEED);
        awaitStored(fairId, 5);
        Map<String, Map<String, Object>> before = views(fairId, entries);
        Map<String, Object> fairBefore = api.fair(fairId);
        String firstInLine = merchantAt(draw, 1);

        loseRedis(fairId);
        rebuild(fairId);

        assertThat(api.fair(fairId)).isEqualTo(fairBefore);
        assertThat(views(fairId, entries)).isEqualTo(before);
        assertThat(api.draw(fairId, StallLotteryTest.SEED).getResponseBody()).as("the published draw stands").isEqualTo(draw);
        String winner = before.entrySet().stream().filter(view -> "CONFIRMED".equals(view.getValue().get("status")))
                .map(Map.Entry::getKey).findFirst().orElseThrow();
        assertThat(api.cancel(fairId, entries.get(winner).registrationId(), Fixtures.merchantToken(winner)).block()).isEqualTo(204);
        assertThat(api.registration(fairId, entries.get(firstInLine).registrationId(), Fixtures.merchantToken(firstInLine)))
                .as("the draw's first in line gets the cancelled stall")
                .containsEntry("status", "CONFIRMED").containsEntry("stallNumber", before.get(winner).get("stallNumber"));
        awaitReconciled(fairId, 2);
    }

    @Test
    void rebuildOfAnUnknownFairIsNotFound() {
        http.post().uri("/api/v1/fairs/{id}/rebuild", 99999999).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isNotFound()
                .expectBody().jsonPath("$.code").isEqualTo("FAIR_NOT_FOUND");
    }

    /** Waits until Postgres holds every registration (its list is read from there) and the pools reconcile. */
    private void awaitStored(long fairId, int registrations) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.registrations(fairId)).hasSize(registrations));
        awaitReconciled(fairId, 2);
    }

    private void awaitReconciled(long fairId, int pools) {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.reconciliation(fairId)).hasSize(pools)
                .allSatisfy(pool -> assertThat(pool).containsEntry("ok", true)));
    }

    /** Each merchant's registration as the merchant reads it. */
    private Map<String, Map<String, Object>> views(long fairId, Map<String, Answer> registrations) {
        Map<String, Map<String, Object>> views = new LinkedHashMap<>();
        registrations.forEach((merchant, answer) -> views.put(merchant,
                api.registration(fairId, answer.registrationId(), Fixtures.merchantToken(merchant))));
        return views;
    }

    private void loseRedis(long fairId) {
        long deleted = redis.scan(ScanOptions.scanOptions().match(rush.keyPrefix() + ":{f:" + fairId + "}:*").build())
                .flatMap(redis::unlink).reduce(0L, Long::sum).block();
        assertThat(deleted).isPositive();
    }

    @SuppressWarnings("unchecked")
    private void rebuild(long fairId) {
        Map<String, Object> rebuilt = http.post().uri("/api/v1/fairs/{id}/rebuild", fairId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
        assertThat(rebuilt).containsEntry("fairId", (int) fairId).containsEntry("ok", true);
        assertThat((List<Map<String, Object>>) rebuilt.get("pools")).hasSize(2)
                .allSatisfy(pool -> assertThat(pool).containsEntry("ok", true).containsEntry("difference", 0));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> categories(Map<String, Object> fair) {
        return (List<Map<String, Object>>) fair.get("categories");
    }

    @SuppressWarnings("unchecked")
    private static String merchantAt(Map<String, Object> draw, int waitlistPosition) {
        return ((List<Map<String, Object>>) draw.get("categories")).stream()
                .flatMap(category -> ((List<Map<String, Object>>) category.get("order")).stream())
                .filter(place -> Integer.valueOf(waitlistPosition).equals(place.get("waitlistPosition")))
                .map(place -> (String) place.get("merchantId")).findFirst().orElseThrow();
    }
}
