package org.fairrush.stall;

import java.util.List;
import java.util.Map;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.core.ParameterizedTypeReference;
import org.springframework.http.MediaType;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** The local profile's demo fair: open for registration from start-up, three categories. */
@FairrushTest
@ActiveProfiles({"test", "local"})
class DemoFairTest {

    @Autowired
    WebTestClient http;

    @Test
    void theDemoFairIsOpenAndAMerchantCanRegister() {
        List<Map<String, Object>> fairs = http.get().uri("/api/v1/fairs").headers(h -> h.setBearerAuth(Fixtures.merchantToken("demo-1")))
                .exchange().expectStatus().isOk()
                .expectBodyList(new ParameterizedTypeReference<Map<String, Object>>() {
                }).returnResult().getResponseBody();
        Map<String, Object> demo = fairs.stream().filter(f -> DemoFair.NAME.equals(f.get("name"))).findFirst().orElseThrow();
        assertThat(demo).containsEntry("status", "OPEN");
        assertThat((List<Map<String, Object>>) demo.get("categories")).extracting(c -> c.get("code"))
                .containsExactly("FOOD", "CRAFT", "SERVICE");

        http.post().uri("/api/v1/fairs/{id}/registrations", demo.get("id"))
                .headers(h -> {
                    h.setBearerAuth(Fixtures.merchantToken("demo-merchant"));
                    h.set("Idempotency-Key", Fixtures.idempotencyKey());
                })
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Fixtures.registration("SERVICE", "Legal aid desk", true))
                .exchange().expectStatus().isCreated()
                .expectBody().jsonPath("$.status").isEqualTo("CONFIRMED").jsonPath("$.feeCents").isEqualTo(0);
    }
}
