package org.fairrush.web;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A token's subject becomes the member id stored with every voucher: a subject Postgres cannot hold (NUL), that
 * would come back altered (a lone surrogate) or that is too long must not get a grab acknowledged.
 */
@FairrushTest
class UnusableSubjectTest {

    @Autowired
    WebTestClient http;

    @ParameterizedTest
    @ValueSource(strings = { "m-\u0000-1", "m-\u0085-2", "m-\u202e-3", "m-\t-4", "" })
    void refusesATokenWhoseSubjectCannotBeStoredAndTakesNothing(String subject) {
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(5, 1));

        http.post().uri("/api/v1/campaigns/{id}/grabs", campaignId)
                .headers(h -> h.setBearerAuth(Fixtures.memberToken(subject)))
                .header("Idempotency-Key", Fixtures.idempotencyKey())
                .exchange()
                .expectStatus().isUnauthorized()
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo("UNAUTHENTICATED");
        assertThat(api.campaign(campaignId).get("remaining")).isEqualTo(5);
    }

    @ParameterizedTest
    @ValueSource(ints = { 128, 129 })
    void boundsTheSubjectAt128Characters(int length) {
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(5, 1));

        int status = api.grab("m".repeat(length), campaignId, Fixtures.idempotencyKey())
                .returnResult(String.class).getStatus().value();

        assertThat(status).isEqualTo(length <= 128 ? 201 : 401);
    }
}
