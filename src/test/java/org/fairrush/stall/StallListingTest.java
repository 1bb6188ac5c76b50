package org.fairrush.stall;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.stall.FairApi.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A merchant's own registrations, the organisers' list and CSV, fees, and the fair list. */
@FairrushTest
class StallListingTest {

    private static final ParameterizedTypeReference<Map<String, Object>> JSON = new ParameterizedTypeReference<>() {
    };

    @Autowired
    WebTestClient http;

    @LocalServerPort
    int port;

    FairApi api;

    @BeforeEach
    void setUp() {
        api = new FairApi(http, port);
    }

    @Test
    void aMerchantSeesTheirRegistrationsAtEveryFairWithTheFeeDue() {
        String merchant = FairApi.merchant("lister", 1);
        long spring = api.createFair(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", 1, 15_000))));
        long autumn = api.createFair(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("CRAFT", 1, 10_000))));
        Answer paying = api.registerNow(spring, merchant, Fixtures.registration("FOOD", "Noodles", false));
        Answer specialOffer = api.registerNow(autumn, merchant, Fixtures.registration("CRAFT", "Paper cuts", true));
        Answer described = api.registerNow(spring, FairApi.merchant("lister", 2),
                Map.of("category", "FOOD", "merchantName", "Dumplings", "specialOffer", "10% off for members"));
        assertThat(described.body()).containsEntry("specialOffer", true).containsEntry("feeCents", 0);
        assertThat(paying.body()).containsEntry("feeCents", 15_000);
        assertThat(specialOffer.body()).containsEntry("feeCents", 0);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(mine(merchant))
                .extracting(r -> r.get("registrationId"))
                .containsExactlyInAnyOrder(paying.registrationId(), specialOffer.registrationId()));
        assertThat(mine("somebody-else")).isEmpty();
    }

    @Test
    void theOrganisersGetTheRegistrationsAsCsv() {
        long fairId = api.createFair(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", 1, 15_000))));
        api.registerNow(fairId, FairApi.merchant("csv", 1), Fixtures.registration("FOOD", "Tea, \"fine\" & cakes", true));
        api.registerNow(fairId, FairApi.merchant("csv", 2), Fixtures.registration("FOOD", "=cmd()", false));

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String csv = http.get().uri("/api/v1/fairs/{id}/registrations", fairId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                    .accept(org.springframework.http.MediaType.parseMediaType("text/csv"))
                    .exchange().expectStatus().isOk()
                    .expectHeader().contentTypeCompatibleWith("text/csv")
                    .expectBody(String.class).returnResult().getResponseBody();
            List<String> lines = csv.lines().toList();
            assertThat(lines).hasSize(3);
            assertThat(lines.get(0) + "\r\n").isEqualTo(RegistrationCsv.header());
            assertThat(lines.get(1)).contains(",\"FOOD\",").contains("\"Tea, \"\"fine\"\" & cakes\"")
                    .contains(",\"CONFIRMED\",\"FOOD-01\",\"\",\"0\",");
            assertThat(lines.get(2)).contains(",\"'=cmd()\",").contains(",\"WAITLISTED\",\"\",\"1\",\"15000\",");
        });
    }

    @Test
    void anyRoleSeesTheFairsWithStallsLeftAndWaiting() {
        long fairId = api.createFair(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", 1, 15_000))));
        api.registerNow(fairId, FairApi.merchant("live", 1), Fixtures.registration("FOOD", "One", false));
        api.registerNow(fairId, FairApi.merchant("live", 2), Fixtures.registration("FOOD", "Two", false));

        List<Map<String, Object>> fairs = http.get().uri("/api/v1/fairs").headers(h -> h.setBearerAuth(Fixtures.memberToken("member-9")))
                .exchange().expectStatus().isOk().expectBodyList(JSON).returnResult().getResponseBody();

        Map<String, Object> fair = fairs.stream().filter(f -> ((Number) f.get("id")).longValue() == fairId).findFirst().orElseThrow();
        assertThat(fair).containsEntry("status", "OPEN").containsEntry("allocation", "FIRST_COME");
        assertThat(((List<Map<String, Object>>) fair.get("categories")).get(0))
                .containsEntry("stalls", 1).containsEntry("stallsLeft", 0).containsEntry("waiting", 1);
    }

    private List<Map<String, Object>> mine(String merchant) {
        return http.get().uri("/api/v1/me/registrations").headers(h -> h.setBearerAuth(Fixtures.merchantToken(merchant)))
                .exchange().expectStatus().isOk().expectBodyList(JSON).returnResult().getResponseBody();
    }
}
