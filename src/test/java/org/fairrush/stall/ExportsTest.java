package org.fairrush.stall;

import java.time.Duration;
import java.util.ArrayList;
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
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The organisers' exports and lists: safe in a spreadsheet, live after a cancellation, paginated with a cursor. */
@FairrushTest
class ExportsTest {

    private static final ParameterizedTypeReference<List<Map<String, Object>>> LIST = new ParameterizedTypeReference<>() {
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

    private String csv(long fairId) {
        return http.get().uri("/api/v1/fairs/{id}/registrations", fairId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .accept(MediaType.parseMediaType("text/csv"))
                .exchange().expectStatus().isOk()
                .expectHeader().contentTypeCompatibleWith("text/csv")
                .expectBody(String.class).returnResult().getResponseBody();
    }

    private void awaitStored(long fairId, int registrations) {
        await().atMost(Duration.ofSeconds(20)).until(() -> api.registrations(fairId).size() == registrations);
    }

    @Test
    void everyCellIsQuotedAndNoneRunsAsAFormulaEvenAfterSpaces() {
        List<String> names = List.of("  =HYPERLINK(\"http://x\")", "+cmd", " -2+3", "@SUM(A1)", "\uFF1D1+1", "a;=b", "Plain tea");
        long fairId = api.createFair(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", 10, 100))));
        for (int i = 0; i < names.size(); i++) {
            api.registerNow(fairId, FairApi.merchant("csv-safe", i), Fixtures.registration("FOOD", names.get(i), false));
        }
        awaitStored(fairId, names.size());

        List<String> lines = csv(fairId).lines().toList();

        assertThat(lines).hasSize(names.size() + 1);
        for (String line : lines) {
            assertThat(line).as("every field quoted").matches("^\"([^\"]|\"\")*\"(,\"([^\"]|\"\")*\")*$");
        }
        assertThat(String.join("\n", lines))
                .contains(",\"'  =HYPERLINK(\"\"http://x\"\")\",")
                .contains(",\"'+cmd\",").contains(",\"' -2+3\",").contains(",\"'@SUM(A1)\",").contains(",\"'\uFF1D1+1\",")
                .contains(",\"a;=b\",").contains(",\"Plain tea\",");
    }

    @Test
    void rightAfterACancellationTheExportShowsTheNewHolder() {
        long fairId = api.createFair(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", 1, 100))));
        Answer holder = api.registerNow(fairId, FairApi.merchant("live", 1), Fixtures.registration("FOOD", "First", false));
        Answer waiting = api.registerNow(fairId, FairApi.merchant("live", 2), Fixtures.registration("FOOD", "Second", false));
        awaitStored(fairId, 2);

        assertThat(api.cancel(fairId, holder.registrationId(), Fixtures.adminToken()).block()).isEqualTo(204);
        String export = csv(fairId);

        assertThat(export.lines().filter(line -> line.contains(holder.registrationId())).findFirst().orElseThrow())
                .contains("CANCELLED");
        assertThat(export.lines().filter(line -> line.contains(waiting.registrationId())).findFirst().orElseThrow())
                .contains("CONFIRMED").contains("FOOD-01");
    }

    @Test
    void theOrganisersListPagesWithACursorInTheNextLink() {
        long fairId = api.createFair(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", 2, 100),
                Fixtures.fairCategory("CRAFT", 2, 100))));
        List<String> made = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(api.registerNow(fairId, FairApi.merchant("pages", i),
                    Fixtures.registration(i % 2 == 0 ? "FOOD" : "CRAFT", "Stall " + i, false)).registrationId());
        }
        awaitStored(fairId, 5);

        List<Object> seen = new ArrayList<>();
        String next = "/api/v1/fairs/" + fairId + "/registrations?limit=2";
        int pages = 0;
        while (next != null) {
            EntityExchangeResult<List<Map<String, Object>>> page = http.get().uri(next).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                    .accept(MediaType.APPLICATION_JSON).exchange().expectStatus().isOk().expectBody(LIST).returnResult();
            assertThat(page.getResponseBody()).hasSizeLessThanOrEqualTo(2);
            page.getResponseBody().forEach(registration -> seen.add(registration.get("registrationId")));
            String link = page.getResponseHeaders().getFirst("Link");
            next = link == null ? null : link.substring(link.indexOf('<') + 1, link.indexOf('>'));
            pages++;
        }

        assertThat(pages).isEqualTo(3);
        assertThat(seen).containsExactlyInAnyOrderElementsOf(made);
    }

    @Test
    void refusesALimitOrCursorItCannotRead() {
        for (String query : List.of("limit=0", "limit=1001", "limit=abc", "cursor=%21%21", "cursor=bm90LWEtY3Vyc29y", "limit=2&cursor=")) {
            WebTestClient.ResponseSpec answer = http.get().uri("/api/v1/fairs/1/registrations?" + query)
                    .headers(h -> h.setBearerAuth(Fixtures.adminToken())).accept(MediaType.APPLICATION_JSON).exchange();
            if (query.endsWith("cursor=")) {
                answer.expectStatus().value(status -> assertThat(status).isIn(200, 404));
                continue;
            }
            answer.expectStatus().isBadRequest().expectBody().jsonPath("$.code").isEqualTo("VALIDATION_FAILED");
        }
        http.get().uri("/api/v1/campaigns?cursor=MjAyNi0wMS0wMVQwMDowMDowMFofeA")
                .headers(h -> h.setBearerAuth(Fixtures.memberToken("m-cursor"))).exchange()
                .expectStatus().isBadRequest().expectBody().jsonPath("$.errors[0].field").isEqualTo("cursor");
    }

    @Test
    void theCampaignListPagesWithoutRepeatingOrSkipping() {
        List<Long> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(new org.fairrush.Api(http).createCampaign(Fixtures.openCampaign(5, 1)));
        }
        List<Long> seen = new ArrayList<>();
        String next = "/api/v1/campaigns?limit=2";
        while (next != null) {
            EntityExchangeResult<List<Map<String, Object>>> page = http.get().uri(next).headers(h -> h.setBearerAuth(Fixtures.memberToken("m-pages")))
                    .exchange().expectStatus().isOk().expectBody(LIST).returnResult();
            page.getResponseBody().forEach(campaign -> seen.add(((Number) campaign.get("id")).longValue()));
            String link = page.getResponseHeaders().getFirst("Link");
            next = link == null ? null : link.substring(link.indexOf('<') + 1, link.indexOf('>'));
        }
        assertThat(seen).doesNotHaveDuplicates().containsAll(made);
    }
}
