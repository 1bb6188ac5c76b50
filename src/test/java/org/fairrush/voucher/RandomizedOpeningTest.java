package org.fairrush.voucher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.ShiftedClock;
import org.fairrush.draw.SeedCommitment;
import org.fairrush.draw.SeededRanking;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.context.bean.override.convention.TestBean;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A randomized opening on the real stack: grabs in the opening window are entries (202), one per member and idempotent;
 * at the result time the entries are drawn with the committed seed, the selected ones get their vouchers through the
 * claims' durable path, the others NOT_SELECTED, and what is left goes first come, first served. The published draw
 * recomputes from its seed and entries. Time moves by the test's clock, not by waiting.
 */
@FairrushTest
class RandomizedOpeningTest {

    static final String SEED = "union board, 1 May, dice 4-1-6";
    static final ShiftedClock CLOCK = new ShiftedClock();
    /** Long enough that a slow machine never closes it by itself while a test enters; the test's clock closes it. */
    static final Duration WINDOW = Duration.ofMinutes(2);

    @TestBean(name = "clock")
    Clock clock;

    static Clock clock() {
        return CLOCK;
    }

    @Autowired
    WebTestClient http;
    @Autowired
    AutomaticDraws automaticDraws;
    @Autowired
    DatabaseClient db;

    Api api;

    @BeforeEach
    void setUp() {
        api = new Api(http);
    }

    private long randomizedCampaign(int stock, String seedCommitment) {
        Instant now = CLOCK.instant();
        Map<String, Object> body = Fixtures.campaign(stock, 1, now.minusSeconds(1), now.plus(Duration.ofHours(2)), now.minusSeconds(1),
                now.plus(Duration.ofDays(7)), 2000, 3000);
        body.put("allocation", "RANDOMIZED_OPENING");
        body.put("openingWindow", WINDOW.toString());
        if (seedCommitment != null) {
            body.put("seedCommitment", seedCommitment);
        }
        return api.createCampaign(body);
    }

    private EntityExchangeResult<Map<String, Object>> draw(long campaignId, String seed) {
        return http.post().uri("/api/v1/campaigns/{id}/draw", campaignId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("seed", seed)).exchange()
                .expectBody(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() { }).returnResult();
    }

    /** Draws once the entries are stored (the draw answers 503 BUSY until then). */
    private Map<String, Object> drawOnceStored(long campaignId, String seed) {
        List<EntityExchangeResult<Map<String, Object>>> last = new ArrayList<>(List.of(draw(campaignId, seed)));
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            if (last.get(0).getStatus().value() == 503) {
                last.set(0, draw(campaignId, seed));
            }
            return last.get(0).getStatus().value() != 503;
        });
        assertThat(last.get(0).getStatus().value()).isIn(200, 201);
        return last.get(0).getResponseBody();
    }

    private Map<String, Object> publishedDraw(long campaignId) {
        return http.get().uri("/api/v1/campaigns/{id}/draw", campaignId).headers(h -> h.setBearerAuth(Fixtures.memberToken("reader")))
                .exchange().expectStatus().isOk()
                .expectBody(new org.springframework.core.ParameterizedTypeReference<Map<String, Object>>() { }).returnResult().getResponseBody();
    }

    private static String key(String member) {
        return "key-of-" + member;
    }

    private List<String> enter(long campaignId, int members) {
        List<String> entrants = IntStream.range(0, members).mapToObj(i -> "c" + campaignId + "-member-" + i).toList();
        entrants.forEach(member -> api.grab(member, campaignId, key(member)).expectStatus().isAccepted()
                .expectHeader().valueEquals("Idempotent-Replayed", "false")
                .expectBody().jsonPath("$.status").isEqualTo("ENTERED").jsonPath("$.resultAt").exists());
        return entrants;
    }

    private long vouchersStored(long campaignId) {
        return db.sql("select count(*) as n from voucher where campaign_id = :id").bind("id", campaignId)
                .map(row -> row.get("n", Long.class)).one().block();
    }

    @Test
    void entriesAreDrawnWithTheCommittedSeedAndReplaysAnswerTheResult() {
        long campaignId = randomizedCampaign(3, SeedCommitment.of(SEED).hex());
        List<String> entrants = enter(campaignId, 8);
        String first = entrants.get(0);

        api.grab(first, campaignId, key(first)).expectStatus().isAccepted().expectHeader().valueEquals("Idempotent-Replayed", "true");
        api.grab(first, campaignId, "another-key-0001").expectStatus().isAccepted().expectBody().jsonPath("$.status").isEqualTo("ENTERED");
        assertThat(draw(campaignId, SEED).getResponseBody()).containsEntry("code", "OPENING_NOT_OVER");

        CLOCK.advance(WINDOW);
        api.grab("c" + campaignId + "-latecomer", campaignId, "late-key-0001").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("NOT_STARTED");
        assertThat(draw(campaignId, "a seed chosen after seeing the entries").getResponseBody()).containsEntry("code", "SEED_MISMATCH");
        Map<String, Object> drawn = drawOnceStored(campaignId, SEED);

        assertThat(drawn).containsEntry("status", "DRAWN").containsEntry("seed", SEED).containsEntry("selected", 3);
        Set<String> winners = ((List<Map<String, Object>>) drawn.get("order")).stream().filter(place -> (Boolean) place.get("selected"))
                .map(place -> (String) place.get("memberId")).collect(Collectors.toSet());
        assertThat(winners).hasSize(3).isSubsetOf(entrants);
        for (String member : entrants) {
            if (winners.contains(member)) {
                api.grab(member, campaignId, key(member)).expectStatus().isCreated()
                        .expectBody().jsonPath("$.memberId").isEqualTo(member).jsonPath("$.code").exists();
            } else {
                api.grab(member, campaignId, key(member)).expectStatus().isEqualTo(409)
                        .expectBody().jsonPath("$.code").isEqualTo("NOT_SELECTED");
            }
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> vouchersStored(campaignId) == 3);
        String winner = winners.iterator().next();
        assertThat(api.wallet(winner)).extracting(voucher -> ((Number) voucher.get("campaignId")).longValue()).containsExactly(campaignId);
        api.grab("c" + campaignId + "-latecomer", campaignId, "late-key-0002").expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("SOLD_OUT");
    }

    @Test
    void thePublishedDrawRecomputesFromItsSeedAndEntries() {
        long campaignId = randomizedCampaign(2, SeedCommitment.of(SEED).hex());
        List<String> entrants = enter(campaignId, 6);
        CLOCK.advance(WINDOW);
        drawOnceStored(campaignId, SEED);

        Map<String, Object> published = publishedDraw(campaignId);

        String seed = (String) published.get("seed");
        List<String> entries = (List<String>) published.get("entries");
        assertThat(SeededRanking.sha256Hex(seed)).isEqualTo(published.get("seedCommitment"));
        assertThat(entries).containsExactlyInAnyOrderElementsOf(entrants);
        assertThat(SeededRanking.sha256Hex(entries.stream().map(member -> member + "\n").collect(Collectors.joining())))
                .isEqualTo(published.get("entriesDigest"));
        List<String> recomputed = entries.stream()
                .sorted(Comparator.comparing((String member) -> SeededRanking.sha256Hex(seed + "\n" + member))).toList();
        List<Map<String, Object>> order = (List<Map<String, Object>>) published.get("order");
        assertThat(order.stream().map(place -> (String) place.get("memberId")).toList()).isEqualTo(recomputed);
        assertThat(order.stream().map(place -> (Boolean) place.get("selected")).toList())
                .containsExactly(true, true, false, false, false, false);
    }

    @Test
    void aCampaignWithoutACommittedSeedDrawsItselfAndLeftoverStockGoesFirstCome() {
        long campaignId = randomizedCampaign(4, null);
        String commitment = (String) ((Map<?, ?>) api.campaign(campaignId).get("opening")).get("seedCommitment");
        List<String> entrants = enter(campaignId, 2);
        assertThat(publishedDraw(campaignId)).containsEntry("status", "PENDING").containsEntry("seedCommitment", commitment)
                .doesNotContainKey("seed");

        CLOCK.advance(WINDOW);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            automaticDraws.onePass().block();
            return "DRAWN".equals(publishedDraw(campaignId).get("status"));
        });

        Map<String, Object> published = publishedDraw(campaignId);
        assertThat(SeededRanking.sha256Hex((String) published.get("seed"))).isEqualTo(commitment);
        entrants.forEach(member -> api.grab(member, campaignId, key(member)).expectStatus().isCreated());
        api.grabbed("c" + campaignId + "-after-1", campaignId);
        api.grabbed("c" + campaignId + "-after-2", campaignId);
        api.grab("c" + campaignId + "-after-3", campaignId, Fixtures.idempotencyKey()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("SOLD_OUT");
        await().atMost(Duration.ofSeconds(30)).until(() -> vouchersStored(campaignId) == 4);
    }

    @Test
    void refusesAnOpeningWindowOnAFirstComeCampaignAWindowPastTheGrabWindowAndOneOverAnHour() {
        Instant now = CLOCK.instant();
        Map<String, Object> firstCome = Fixtures.campaign(5, 1, now, now.plus(Duration.ofHours(1)), now, now.plus(Duration.ofDays(1)), 2000, 3000);
        firstCome.put("openingWindow", "PT10S");
        Map<String, Object> tooLong = Fixtures.campaign(5, 1, now, now.plusSeconds(30), now, now.plus(Duration.ofDays(1)), 2000, 3000);
        tooLong.put("allocation", "RANDOMIZED_OPENING");
        tooLong.put("openingWindow", "PT30S");
        Map<String, Object> unbounded = Fixtures.campaign(5, 1, now, now.plus(Duration.ofDays(1)), now, now.plus(Duration.ofDays(2)), 2000, 3000);
        unbounded.put("allocation", "RANDOMIZED_OPENING");
        unbounded.put("openingWindow", "PT2H");

        for (Map<String, Object> body : List.of(firstCome, tooLong, unbounded)) {
            http.post().uri("/api/v1/campaigns").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                    .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED")
                    .jsonPath("$.errors[0].field").isEqualTo("openingWindow");
        }
    }
}
