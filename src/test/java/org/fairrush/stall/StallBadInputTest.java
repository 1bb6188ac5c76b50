package org.fairrush.stall;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.stall.FairApi.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets problem+json with a stable code and changes nothing (docs/design.md section 3, invariant 7). */
@FairrushTest
class StallBadInputTest {

    @Autowired
    WebTestClient http;

    @LocalServerPort
    int port;

    FairApi api;
    long fairId;

    @BeforeEach
    void setUp() {
        api = new FairApi(http, port);
        fairId = api.createFair(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", 2, 15_000),
                Fixtures.fairCategory("CRAFT", 2, 10_000))));
    }

    private void assertNothingChanged() {
        assertThat((List<Map<String, Object>>) api.fair(fairId).get("categories")).allSatisfy(category -> assertThat(category)
                .containsEntry("stallsLeft", 2).containsEntry("waiting", 0));
    }

    private WebTestClient.ResponseSpec register(String token, String key, Object body) {
        return http.post().uri("/api/v1/fairs/{id}/registrations", fairId)
                .headers(h -> {
                    h.setBearerAuth(token);
                    if (key != null) {
                        h.set("Idempotency-Key", key);
                    }
                })
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange();
    }

    private static void isProblem(WebTestClient.ResponseSpec response, int status, String code) {
        response.expectStatus().isEqualTo(status)
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo(code);
    }

    @Test
    void refusesAnUnknownCategory() {
        isProblem(register(Fixtures.merchantToken("bad-1"), Fixtures.idempotencyKey(),
                Fixtures.registration("TOYS", "Toy stall", false)), 400, "VALIDATION_FAILED");
        assertNothingChanged();
    }

    @Test
    void refusesARegistrationBeforeTheWindowOpens() {
        Instant later = Instant.now().plus(Duration.ofHours(1));
        long upcoming = api.createFair(Fixtures.fair("FIRST_COME", later, later.plus(Duration.ofHours(1)),
                List.of(Fixtures.fairCategory("FOOD", 2, 100))));

        Answer answer = api.registerNow(upcoming, "early-bird", Fixtures.registration("FOOD", "Early", false));

        assertThat(answer.status()).isEqualTo(409);
        assertThat(answer.body()).containsEntry("code", "REGISTRATION_CLOSED");
        assertThat((List<Map<String, Object>>) api.fair(upcoming).get("categories"))
                .allSatisfy(category -> assertThat(category).containsEntry("stallsLeft", 2));
    }

    @Test
    void refusesASecondRegistrationAtTheSameFairEvenInAnotherCategory() {
        Answer first = api.registerNow(fairId, "twice-1", Fixtures.registration("FOOD", "Dumplings", false));

        Answer second = api.registerNow(fairId, "twice-1", Fixtures.registration("CRAFT", "Dumplings again", false));

        assertThat(first.status()).isEqualTo(201);
        assertThat(second.status()).isEqualTo(409);
        assertThat(second.body()).containsEntry("code", "ALREADY_REGISTERED");
        Map<String, Object> craft = ((List<Map<String, Object>>) api.fair(fairId).get("categories")).get(1);
        assertThat(craft).containsEntry("code", "CRAFT").containsEntry("stallsLeft", 2);
    }

    @Test
    void aMemberMayNotRegister() {
        isProblem(register(Fixtures.memberToken("member-1"), Fixtures.idempotencyKey(),
                Fixtures.registration("FOOD", "Not a merchant", false)), 403, "FORBIDDEN");
        assertNothingChanged();
    }

    @Test
    void aMerchantMayNotCreateAFairNorListItsRegistrationsNorDraw() {
        isProblem(http.post().uri("/api/v1/fairs").headers(h -> h.setBearerAuth(Fixtures.merchantToken("m-1")))
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", 1, 0)))).exchange(), 403, "FORBIDDEN");
        isProblem(http.get().uri("/api/v1/fairs/{id}/registrations", fairId).headers(h -> h.setBearerAuth(Fixtures.merchantToken("m-1")))
                .exchange(), 403, "FORBIDDEN");
        isProblem(http.post().uri("/api/v1/fairs/{id}/draw", fairId).headers(h -> h.setBearerAuth(Fixtures.merchantToken("m-1")))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("seed", "s")).exchange(), 403, "FORBIDDEN");
    }

    @Test
    void refusesASpecialOfferThatIsNeitherYesNoNorText() {
        isProblem(register(Fixtures.merchantToken("offer-1"), Fixtures.idempotencyKey(),
                Map.of("category", "FOOD", "merchantName", "Numbers", "specialOffer", 42)), 400, "VALIDATION_FAILED");
        assertNothingChanged();
    }

    @Test
    void requiresAnIdempotencyKey() {
        isProblem(register(Fixtures.merchantToken("nokey-1"), null, Fixtures.registration("FOOD", "No key", false)),
                400, "VALIDATION_FAILED");
        assertNothingChanged();
    }

    @Test
    void answersFairNotFoundForAnUnknownFair() {
        Answer answer = api.registerNow(999_999_999L, "lost-1", Fixtures.registration("FOOD", "Lost", false));

        assertThat(answer.status()).isEqualTo(404);
        assertThat(answer.body()).containsEntry("code", "FAIR_NOT_FOUND");
    }

    @Test
    void refusesAFairWithDatesOutOfOrderOrTwiceTheSameCategory() {
        Map<String, Object> body = new java.util.HashMap<>(Fixtures.openFair("FIRST_COME",
                List.of(Fixtures.fairCategory("FOOD", 1, 0), Fixtures.fairCategory("FOOD", 2, 0))));
        body.put("endsAt", body.get("startsAt"));

        http.post().uri("/api/v1/fairs").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(body).exchange()
                .expectStatus().isBadRequest()
                .expectBody()
                .jsonPath("$.code").isEqualTo("VALIDATION_FAILED")
                .jsonPath("$.errors[?(@.field == 'endsAt')]").exists()
                .jsonPath("$.errors[?(@.field == 'categories')]").exists();
    }

    @Test
    void refusesADrawOnAFirstComeFair() {
        isProblem(http.post().uri("/api/v1/fairs/{id}/draw", fairId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("seed", "s")).exchange(), 400, "VALIDATION_FAILED");
    }

    @Test
    void anotherMerchantMayNotReadARegistrationThatIsNotTheirs() {
        Answer mine = api.registerNow(fairId, "owner-1", Fixtures.registration("FOOD", "Mine", false));

        isProblem(http.get().uri("/api/v1/fairs/{id}/registrations/{rid}", fairId, mine.registrationId())
                .headers(h -> h.setBearerAuth(Fixtures.merchantToken("curious-1"))).exchange(), 403, "FORBIDDEN");
        isProblem(http.get().uri("/api/v1/fairs/{id}/registrations/{rid}", fairId, java.util.UUID.randomUUID())
                .headers(h -> h.setBearerAuth(Fixtures.merchantToken("curious-1"))).exchange(), 404, "NOT_FOUND");
    }
}
