package org.fairrush.stall;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.stall.FairApi.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The first registration day: 64 merchants rush 30 stalls in 3 categories at once over HTTP, some of them
 * sending their request twice at the same moment, replaying it afterwards, or trying a second registration.
 */
@FairrushTest
class StallRushTest {

    static final Map<String, Integer> STALLS = Map.of("FOOD", 12, "CRAFT", 10, "SERVICE", 8);
    static final Map<String, Integer> MERCHANTS = Map.of("FOOD", 26, "CRAFT", 20, "SERVICE", 18);

    @Autowired
    WebTestClient http;

    @Autowired
    DatabaseClient db;

    @LocalServerPort
    int port;

    FairApi api;

    @BeforeEach
    void setUp() {
        api = new FairApi(http, port);
    }

    record Merchant(String id, String category, String key, int index) {
    }

    @Test
    void sixtyFourMerchantsRushThirtyStallsAndPostgresAgreesAfterTheDrain() {
        long fairId = api.createFair(Fixtures.openFair("FIRST_COME", List.of(
                Fixtures.fairCategory("FOOD", 12, 15_000), Fixtures.fairCategory("CRAFT", 10, 10_000),
                Fixtures.fairCategory("SERVICE", 8, 5_000))));
        List<Merchant> merchants = merchants();

        Map<Merchant, List<Answer>> answers = rush(fairId, merchants);

        Map<Merchant, Answer> first = new LinkedHashMap<>();
        answers.forEach((merchant, list) -> {
            assertThat(list).allMatch(answer -> answer.status() == 201);
            assertThat(list).extracting(Answer::registrationId).containsOnly(list.get(0).registrationId());
            assertThat(list).extracting(Answer::registrationStatus).containsOnly(list.get(0).registrationStatus());
            assertThat(list.stream().filter(answer -> !answer.replayed())).hasSize(1);
            first.put(merchant, list.stream().filter(answer -> !answer.replayed()).findFirst().orElseThrow());
        });
        List<Answer> confirmed = first.values().stream().filter(a -> a.registrationStatus().equals("CONFIRMED")).toList();
        List<Answer> waitlisted = first.values().stream().filter(a -> a.registrationStatus().equals("WAITLISTED")).toList();
        assertThat(confirmed).hasSize(30);
        assertThat(waitlisted).hasSize(34);
        assertThat(confirmed.stream().map(a -> a.body().get("stallNumber")).collect(Collectors.toSet())).hasSize(30);
        assertThat(first.values().stream().map(Answer::registrationId).collect(Collectors.toSet())).hasSize(64);
        STALLS.forEach((category, stalls) -> {
            List<Answer> ofCategory = first.values().stream().filter(a -> a.body().get("category").equals(category)).toList();
            assertThat(ofCategory.stream().filter(a -> a.registrationStatus().equals("CONFIRMED")).map(a -> a.body().get("stallNumber")))
                    .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, stalls)
                            .mapToObj(n -> String.format("%s-%02d", category, n)).toList());
            // The waiting list is in arrival order: positions 1..n, each taken once.
            assertThat(ofCategory.stream().filter(a -> a.registrationStatus().equals("WAITLISTED"))
                    .map(a -> ((Number) a.body().get("waitlistPosition")).intValue()))
                    .containsExactlyInAnyOrderElementsOf(IntStream.rangeClosed(1, MERCHANTS.get(category) - stalls).boxed().toList());
        });

        assertThat(secondRegistrationsOf(fairId, merchants.subList(0, 5)))
                .allSatisfy(answer -> {
                    assertThat(answer.status()).isEqualTo(409);
                    assertThat(answer.body()).containsEntry("code", "ALREADY_REGISTERED");
                });

        Map<String, Object> fair = api.fair(fairId);
        assertThat((List<Map<String, Object>>) fair.get("categories")).allSatisfy(category -> {
            assertThat(((Number) category.get("stallsLeft")).intValue()).isZero();
            String code = (String) category.get("code");
            assertThat(((Number) category.get("waiting")).intValue()).isEqualTo(MERCHANTS.get(code) - STALLS.get(code));
        });

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<Map<String, Object>> stored = api.registrations(fairId);
            assertThat(stored).hasSize(64);
            Map<String, Map<String, Object>> byId = stored.stream()
                    .collect(Collectors.toMap(r -> (String) r.get("registrationId"), r -> r));
            first.values().forEach(answer -> {
                Map<String, Object> row = byId.get(answer.registrationId());
                assertThat(row).isNotNull();
                assertThat(row.get("status")).isEqualTo(answer.registrationStatus());
                assertThat(row.get("stallNumber")).isEqualTo(answer.body().get("stallNumber"));
                assertThat(row.get("waitlistPosition")).isEqualTo(answer.body().get("waitlistPosition"));
            });
        });
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(api.reconciliation(fairId)).hasSize(3)
                .allSatisfy(pool -> assertThat(pool).containsEntry("ok", true).containsEntry("difference", 0)));
        assertThat(rowsPerMerchant(fairId)).hasSize(64).containsOnly(1L);
        assertThat(distinctHeldStalls(fairId)).isEqualTo(30L);
    }

    private static List<Merchant> merchants() {
        List<Merchant> merchants = new ArrayList<>();
        MERCHANTS.forEach((category, count) -> IntStream.range(0, count).forEach(i ->
                merchants.add(new Merchant(FairApi.merchant("rush-" + category.toLowerCase(), i), category, Fixtures.idempotencyKey(),
                        merchants.size()))));
        java.util.Collections.shuffle(merchants, new java.util.Random(64));
        return merchants;
    }

    /**
     * Every merchant registers at once; every fourth sends the same request twice concurrently, every fifth
     * replays it once its first answer came back. Each merchant's answers are collected.
     */
    private Map<Merchant, List<Answer>> rush(long fairId, List<Merchant> merchants) {
        Map<Merchant, List<Answer>> answers = new java.util.concurrent.ConcurrentHashMap<>();
        Flux.fromIterable(merchants)
                .flatMap(merchant -> {
                    Map<String, Object> body = Fixtures.registration(merchant.category(), "Stall of " + merchant.id(),
                            merchant.index() % 7 == 0);
                    Mono<Answer> once = api.register(fairId, merchant.id(), merchant.key(), body);
                    Flux<Answer> attempts = merchant.index() % 4 == 0 ? Flux.merge(once, once) : once.flux();
                    Flux<Answer> all = merchant.index() % 5 == 0 ? attempts.concatWith(once) : attempts;
                    return all.doOnNext(answer -> answers.computeIfAbsent(merchant, m -> new java.util.concurrent.CopyOnWriteArrayList<>())
                            .add(answer));
                }, 64)
                .blockLast(Duration.ofSeconds(60));
        assertThat(answers).hasSize(64);
        return answers;
    }

    private List<Answer> secondRegistrationsOf(long fairId, List<Merchant> merchants) {
        return Flux.fromIterable(merchants)
                .flatMap(merchant -> api.register(fairId, merchant.id(), Fixtures.idempotencyKey(),
                        Fixtures.registration("SERVICE", "Second try", false)))
                .collectList().block(Duration.ofSeconds(30));
    }

    private List<Long> rowsPerMerchant(long fairId) {
        return db.sql("select count(*) as n from registration where fair_id = :fair group by merchant_id").bind("fair", fairId)
                .map(row -> row.get("n", Long.class)).all().collectList().block();
    }

    private Long distinctHeldStalls(long fairId) {
        return db.sql("select count(distinct stall_number) as n from registration where fair_id = :fair and status = 'HELD'")
                .bind("fair", fairId).map(row -> row.get("n", Long.class)).one().block();
    }
}
