package org.fairrush.stall;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.ShiftedClock;
import org.fairrush.draw.SeedCommitment;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.convention.TestBean;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lottery nobody can steer: the organisers commit to the seed's SHA-256 before registration closes, the draw must
 * present the seed that hashes to it, and the published draw shows both.
 */
@FairrushTest
class StallSeedCommitmentTest {

    /** The server's clock: the test moves it past the registration's close instead of waiting for it. */
    static final ShiftedClock CLOCK = new ShiftedClock();

    @TestBean(name = "clock")
    Clock clock;

    static Clock clock() {
        return CLOCK;
    }

    static final String SEED = "works council, 1 May, dice rolled 3 5 2 6";

    @Autowired
    WebTestClient http;

    @LocalServerPort
    int port;

    FairApi api;

    @BeforeEach
    void setUp() {
        api = new FairApi(http, port);
    }

    private Map<String, Object> lotteryFair(Instant closesAt, String commitment) {
        Map<String, Object> fair = new java.util.LinkedHashMap<>(Fixtures.fair("LOTTERY", CLOCK.instant().minusSeconds(60), closesAt,
                List.of(Fixtures.fairCategory("FOOD", 1, 100))));
        fair.put("seedCommitment", commitment);
        return fair;
    }

    private WebTestClient.ResponseSpec commit(long fairId, String commitment) {
        return http.put().uri("/api/v1/fairs/{id}/seed-commitment", fairId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("seedCommitment", commitment)).exchange();
    }

    private Instant closesAt(long fairId) {
        return Instant.parse((String) api.fair(fairId).get("registrationClosesAt"));
    }

    @Test
    void aDrawWithAnotherSeedIsRefusedAndTheCommittedSeedDrawsAndIsShown() {
        String commitment = SeedCommitment.of(SEED).hex();
        long fairId = api.createFair(lotteryFair(CLOCK.instant().plus(StallLotteryTest.OPEN_FOR), commitment));
        api.registerNow(fairId, FairApi.merchant("entrant", 1), Fixtures.registration("FOOD", "Dumplings", false));

        CLOCK.advance(StallLotteryTest.OPEN_FOR.plusSeconds(1));
        assertThat(CLOCK.instant()).isAfter(closesAt(fairId));
        EntityExchangeResult<Map<String, Object>> steered = api.draw(fairId, "a seed chosen after seeing the entries");

        assertThat(steered.getStatus().value()).isEqualTo(409);
        assertThat(steered.getResponseBody()).containsEntry("code", "SEED_MISMATCH");
        Map<String, Object> draw = api.drawn(fairId, SEED);
        assertThat(draw).containsEntry("seed", SEED).containsEntry("seedCommitment", commitment);
        assertThat(api.draw(fairId, "a seed chosen after seeing the entries").getResponseBody()).containsEntry("code", "SEED_MISMATCH");
    }

    @Test
    void theCommitmentCanBeReplacedUntilRegistrationClosesAndNotAfter() {
        long fairId = api.createFair(lotteryFair(CLOCK.instant().plus(StallLotteryTest.OPEN_FOR), SeedCommitment.of("first idea").hex()));

        commit(fairId, SeedCommitment.of(SEED).hex().toUpperCase()).expectStatus().isOk()
                .expectBody().jsonPath("$.seedCommitment").isEqualTo(SeedCommitment.of(SEED).hex());
        CLOCK.advance(StallLotteryTest.OPEN_FOR.plusSeconds(1));
        assertThat(CLOCK.instant()).isAfter(closesAt(fairId));

        commit(fairId, SeedCommitment.of("late change").hex()).expectStatus().isEqualTo(409)
                .expectBody().jsonPath("$.code").isEqualTo("REGISTRATION_CLOSED");
        assertThat(api.drawn(fairId, SEED)).containsEntry("seedCommitment", SeedCommitment.of(SEED).hex());
    }

    @Test
    void aFirstComeFairHasNoSeedToCommitTo() {
        Map<String, Object> fair = new java.util.LinkedHashMap<>(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", 1, 100))));
        fair.put("seedCommitment", SeedCommitment.of(SEED).hex());

        http.post().uri("/api/v1/fairs").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(fair).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED");
    }

    @Test
    void refusesACommitmentThatIsNotSixtyFourHexDigits() {
        long fairId = api.createFair(lotteryFair(Instant.now().plusSeconds(600), SeedCommitment.of(SEED).hex()));

        commit(fairId, "not-a-hash").expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED");
    }
}
