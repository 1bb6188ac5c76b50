package org.fairrush.stall;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.ShiftedClock;
import org.fairrush.stall.FairApi.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.context.bean.override.convention.TestBean;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A lottery fair: merchants enter during the window, an admin draws after it with a seed, and anyone can
 * recompute the published result from the published seed and entries.
 */
@FairrushTest
class StallLotteryTest {

    /** The server's clock: the test moves it past the registration's close instead of waiting for it. */
    static final ShiftedClock CLOCK = new ShiftedClock();

    @TestBean(name = "clock")
    Clock clock;

    static Clock clock() {
        return CLOCK;
    }

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };
    static final Map<String, Integer> STALLS = Map.of("FOOD", 2, "CRAFT", 1, "SERVICE", 1);
    /** How long a test fair takes entries, by the server clock. */
    static final Duration OPEN_FOR = Duration.ofMinutes(2);
    static final String SEED = "2026-05-01 union lottery, witnessed by the works council";

    @Autowired
    WebTestClient http;

    @LocalServerPort
    int port;

    FairApi api;

    @BeforeEach
    void setUp() {
        api = new FairApi(http, port);
    }

    record Entrant(String merchant, String category) {
    }

    @Test
    void theDrawIsReproducibleAndRecomputableFromThePublishedDataAlone() {
        Instant closesAt = clock.instant().plus(OPEN_FOR);
        long fairA = api.createFair(lotteryFair(closesAt));
        long fairB = api.createFair(lotteryFair(closesAt));
        List<Entrant> entrants = entrants();
        Map<String, Answer> entriesA = enter(fairA, entrants);
        enter(fairB, reversed(entrants));
        assertThat(entriesA.values()).allSatisfy(answer -> assertThat(answer.body()).containsEntry("status", "ENTERED"));
        assertThat(api.draw(fairA, SEED).getStatus().value()).isEqualTo(409);

        CLOCK.advance(OPEN_FOR.plusSeconds(1));
        Map<String, Object> drawA = api.drawn(fairA, SEED);
        Map<String, Object> drawB = api.drawn(fairB, SEED);

        assertThat(drawA.get("entriesDigest")).isEqualTo(drawB.get("entriesDigest"));
        assertThat(withoutRegistrationIds(drawA)).isEqualTo(withoutRegistrationIds(drawB));
        assertThat(recomputed(drawA)).isEqualTo(withoutRegistrationIds(drawA));
        assertThat(drawA.get("entriesDigest")).isEqualTo(recomputedDigest(drawA));
    }

    @Test
    void winnersHoldTheirStallsTheOthersWaitInDrawOrderAndASecondDrawIsRefused() {
        Instant closesAt = clock.instant().plus(OPEN_FOR);
        long fairId = api.createFair(lotteryFair(closesAt));
        Map<String, Answer> entries = enter(fairId, entrants());

        CLOCK.advance(OPEN_FOR.plusSeconds(1));
        Map<String, Object> draw = api.drawn(fairId, SEED);

        for (Map<String, Object> category : (List<Map<String, Object>>) draw.get("categories")) {
            for (Map<String, Object> place : (List<Map<String, Object>>) category.get("order")) {
                String merchant = (String) place.get("merchantId");
                Map<String, Object> registration = api.registration(fairId, entries.get(merchant).registrationId(),
                        Fixtures.merchantToken(merchant));
                if (place.get("stallNumber") != null) {
                    assertThat(registration).containsEntry("status", "CONFIRMED").containsEntry("stallNumber", place.get("stallNumber"));
                } else {
                    assertThat(registration).containsEntry("status", "WAITLISTED")
                            .containsEntry("waitlistPosition", place.get("waitlistPosition"));
                }
            }
        }
        EntityExchangeResult<Map<String, Object>> again = api.draw(fairId, SEED);
        assertThat(again.getStatus().value()).isEqualTo(200);
        assertThat(again.getResponseBody()).isEqualTo(draw);
        EntityExchangeResult<Map<String, Object>> otherSeed = api.draw(fairId, "another seed");
        assertThat(otherSeed.getStatus().value()).isEqualTo(409);
        assertThat(otherSeed.getResponseBody()).containsEntry("code", "ALREADY_DRAWN");
        assertThat(publishedDraw(fairId)).isEqualTo(draw);
        assertThat(api.fair(fairId)).containsEntry("status", "DRAWN");
        Answer late = api.registerNow(fairId, "late-merchant", Fixtures.registration("FOOD", "Late", false));
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.body()).containsEntry("code", "REGISTRATION_CLOSED");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(api.registrations(fairId))
                .filteredOn(r -> r.get("status").equals("CONFIRMED")).hasSize(4));
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(api.reconciliation(fairId)).hasSize(4)
                .allSatisfy(pool -> assertThat(pool).containsEntry("ok", true).containsEntry("difference", 0)));
    }

    private static Map<String, Object> lotteryFair(Instant closesAt) {
        return Fixtures.fair("LOTTERY", CLOCK.instant().minusSeconds(60), closesAt, List.of(
                Fixtures.fairCategory("FOOD", 2, 15_000), Fixtures.fairCategory("CRAFT", 1, 10_000),
                Fixtures.fairCategory("SERVICE", 1, 0), Fixtures.fairCategory("EMPTY", 3, 0)));
    }

    private static List<Entrant> entrants() {
        List<Entrant> entrants = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            entrants.add(new Entrant(FairApi.merchant("food", i), "FOOD"));
        }
        for (int i = 0; i < 3; i++) {
            entrants.add(new Entrant(FairApi.merchant("craft", i), "CRAFT"));
        }
        entrants.add(new Entrant(FairApi.merchant("service", 0), "SERVICE"));
        return entrants;
    }

    private static List<Entrant> reversed(List<Entrant> entrants) {
        List<Entrant> copy = new ArrayList<>(entrants);
        java.util.Collections.reverse(copy);
        return copy;
    }

    private Map<String, Answer> enter(long fairId, List<Entrant> entrants) {
        return entrants.stream().collect(Collectors.toMap(Entrant::merchant, entrant -> api.registerNow(fairId, entrant.merchant(),
                Fixtures.registration(entrant.category(), "Stall of " + entrant.merchant(), false))));
    }

    private Map<String, Object> publishedDraw(long fairId) {
        return http.get().uri("/api/v1/fairs/{id}/draw", fairId).headers(h -> h.setBearerAuth(Fixtures.merchantToken("anyone")))
                .exchange().expectStatus().isOk().expectBody(JSON).returnResult().getResponseBody();
    }

    /** The published order per category, as category -> [merchantId, stallNumber or "wait:n"]. */
    private static Map<String, List<String>> withoutRegistrationIds(Map<String, Object> draw) {
        return ((List<Map<String, Object>>) draw.get("categories")).stream().collect(Collectors.toMap(c -> (String) c.get("code"),
                c -> ((List<Map<String, Object>>) c.get("order")).stream()
                        .map(p -> p.get("merchantId") + " " + (p.get("stallNumber") != null ? p.get("stallNumber") : "wait:" + p.get("waitlistPosition")))
                        .toList()));
    }

    // The recomputation below uses the published JSON and the JDK only, as README.md "Lottery draw" describes it.

    private static String recomputedDigest(Map<String, Object> draw) {
        StringBuilder text = new StringBuilder();
        sortedEntries(draw).forEach(e -> text.append(e.get("category")).append(',').append(e.get("merchantId")).append('\n'));
        return sha256(text.toString());
    }

    private static Map<String, List<String>> recomputed(Map<String, Object> draw) {
        String seed = (String) draw.get("seed");
        Map<String, List<String>> result = new java.util.HashMap<>();
        for (String category : List.of("FOOD", "CRAFT", "SERVICE", "EMPTY")) {
            List<String> ordered = sortedEntries(draw).stream().filter(e -> e.get("category").equals(category))
                    .map(e -> e.get("merchantId"))
                    .sorted(Comparator.comparing((String m) -> sha256(seed + "\n" + category + "\n" + m)).thenComparing(m -> m))
                    .toList();
            int stalls = STALLS.getOrDefault(category, 3);
            List<String> places = new ArrayList<>();
            for (int i = 0; i < ordered.size(); i++) {
                places.add(ordered.get(i) + " " + (i < stalls ? String.format("%s-%02d", category, i + 1) : "wait:" + (i - stalls + 1)));
            }
            result.put(category, places);
        }
        return result;
    }

    private static List<Map<String, String>> sortedEntries(Map<String, Object> draw) {
        return ((List<Map<String, String>>) draw.get("entries")).stream()
                .sorted(Comparator.comparing((Map<String, String> e) -> e.get("category")).thenComparing(e -> e.get("merchantId")))
                .toList();
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
