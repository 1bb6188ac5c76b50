package org.fairrush.stall;

import java.text.Normalizer;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.GeneratedText;
import org.fairrush.stall.FairApi.Answer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A merchant name is free text that travels with the claim to Postgres: whatever the API acknowledges must be
 * stored, as acknowledged (invariant 2), and whatever it cannot store must be refused up front (invariant 7).
 */
@FairrushTest
class StorableMerchantNameTest {

    @Autowired
    WebTestClient http;

    @Autowired
    DatabaseClient db;

    @LocalServerPort
    int port;

    FairApi api;
    long fairId;

    @BeforeEach
    void setUp() {
        api = new FairApi(http, port);
        fairId = api.createFair(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", 200, 100))));
    }

    @Test
    void storesEveryAcknowledgedRegistrationWhateverItsGeneratedMerchantName() {
        Map<String, String> acknowledged = new LinkedHashMap<>();
        int refused = 0;
        for (String name : GeneratedText.strings(20261130L, 120, 140)) {
            Answer answer = api.registerNow(fairId, "gen-" + UUID.randomUUID(), Fixtures.registration("FOOD", name, false));
            if (answer.status() == 201) {
                acknowledged.put(answer.registrationId(), Normalizer.normalize(name, Normalizer.Form.NFC));
            } else {
                assertThat(answer.status()).as("answer to %s", name).isEqualTo(400);
                assertThat(answer.body()).containsEntry("code", "VALIDATION_FAILED");
                refused++;
            }
        }

        assertThat(acknowledged).as("some generated names are fine").isNotEmpty();
        assertThat(refused).as("some generated names are not").isPositive();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedNames()).containsAllEntriesOf(acknowledged));
        assertThat(storedNames()).hasSameSizeAs(acknowledged);
    }

    @Test
    void refusesANameWithANulCharacterAndTakesNoStall() {
        Answer answer = api.registerNow(fairId, "nul-1", Fixtures.registration("FOOD", "Tea\u0000House", false));

        assertThat(answer.status()).isEqualTo(400);
        assertThat(answer.body()).containsEntry("code", "VALIDATION_FAILED");
        assertThat((List<Map<String, Object>>) api.fair(fairId).get("categories"))
                .singleElement().satisfies(category -> assertThat(category).containsEntry("stallsLeft", 200));
    }

    @Test
    void storesANameInComposedForm() {
        Answer answer = api.registerNow(fairId, "nfc-1", Fixtures.registration("FOOD", "Cafe\u0301 Rene\u0301e", false));

        assertThat(answer.status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(storedNames())
                .containsEntry(answer.registrationId(), "Caf\u00e9 Ren\u00e9e"));
    }

    private Map<String, String> storedNames() {
        Map<String, String> names = new LinkedHashMap<>();
        db.sql("select id, merchant_name from registration where fair_id = :fair").bind("fair", fairId)
                .map(row -> Map.entry(row.get("id", UUID.class).toString(), row.get("merchant_name", String.class)))
                .all().doOnNext(entry -> names.put(entry.getKey(), entry.getValue())).blockLast(Duration.ofSeconds(10));
        return names;
    }
}
