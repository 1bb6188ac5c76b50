package org.fairrush.voucher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The flash sale as it happens: 10,000 grabs from 3,000 members (each several times, some replaying a
 * key) on a stock of 1,000 with limit 1, fired concurrently over HTTP; then Postgres after the drain.
 */
@FairrushTest
class GrabRushTest {

    private static final int STOCK = 1_000;
    private static final int MEMBERS = 3_000;
    private static final int GRABS = 10_000;

    @LocalServerPort
    int port;
    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    private final JsonMapper json = JsonMapper.builder().build();

    record Attempt(String memberId, String key, boolean replay) {
    }

    record Answer(Attempt attempt, int status, String voucherId, String code) {
    }

    @Test
    void tenThousandGrabsNeverSellMoreThanTheStockOrTwoToOneMember() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(STOCK, 1));
        List<Attempt> attempts = attempts();
        Map<String, String> tokens = new ConcurrentHashMap<>();
        WebClient client = WebClient.create("http://127.0.0.1:" + port);

        List<Answer> answers = Flux.fromIterable(attempts)
                .flatMap(attempt -> client.post().uri("/api/v1/campaigns/{id}/grabs", campaignId)
                        .headers(h -> h.setBearerAuth(tokens.computeIfAbsent(attempt.memberId(), Fixtures::memberToken)))
                        .header("Idempotency-Key", attempt.key())
                        .exchangeToMono(response -> response.bodyToMono(String.class)
                                .map(body -> answer(attempt, response.statusCode().value(), body))), 128)
                .collectList()
                .block(Duration.ofMinutes(5));

        assertThat(answers).hasSize(GRABS);
        assertThat(answers).extracting(Answer::status).allMatch(status -> status == 201 || status == 409 || status == 503);
        List<Answer> granted = answers.stream().filter(a -> a.status() == 201 && !a.attempt().replay()).toList();
        assertThat(granted).hasSize(STOCK);
        assertThat(granted.stream().map(a -> a.attempt().memberId()).distinct()).as("nobody holds two").hasSize(STOCK);
        Map<String, String> voucherByKey = new HashMap<>();
        granted.forEach(a -> voucherByKey.put(a.attempt().key(), a.voucherId()));
        answers.stream().filter(a -> a.status() == 201 && a.attempt().replay()).forEach(replay ->
                assertThat(replay.voucherId()).as("a replay returns the first voucher").isEqualTo(voucherByKey.get(replay.attempt().key())));
        assertThat(((Number) new Api(http).campaign(campaignId).get("remaining")).longValue()).isZero();

        Set<String> acknowledged = new HashSet<>(voucherByKey.values());
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(storedVoucherIds(campaignId)).containsExactlyInAnyOrderElementsOf(acknowledged));
        assertThat(storedCodes(campaignId)).containsExactlyInAnyOrderElementsOf(granted.stream().map(Answer::code).toList());
    }

    /** Each member tries 3 or 4 times with fresh keys; one attempt in ten replays the member's previous key. */
    private static List<Attempt> attempts() {
        Random random = new Random(42);
        Map<String, String> lastKey = new HashMap<>();
        List<Attempt> attempts = new ArrayList<>();
        for (int i = 0; i < GRABS; i++) {
            String member = "rush-" + (i % MEMBERS);
            String previous = lastKey.get(member);
            if (previous != null && random.nextInt(10) == 0) {
                attempts.add(new Attempt(member, previous, true));
            } else {
                String key = UUID.randomUUID().toString();
                lastKey.put(member, key);
                attempts.add(new Attempt(member, key, false));
            }
        }
        // Replays must come after their original: shuffle only within windows that keep each member's order.
        List<Attempt> firstRound = new ArrayList<>(attempts.subList(0, MEMBERS));
        Collections.shuffle(firstRound, random);
        List<Attempt> ordered = new ArrayList<>(firstRound);
        ordered.addAll(attempts.subList(MEMBERS, GRABS));
        return ordered;
    }

    private Answer answer(Attempt attempt, int status, String body) {
        if (status != 201) {
            return new Answer(attempt, status, null, null);
        }
        Map<?, ?> voucher = json.readValue(body, Map.class);
        return new Answer(attempt, status, (String) voucher.get("voucherId"), (String) voucher.get("code"));
    }

    private List<String> storedVoucherIds(long campaignId) {
        return db.sql("select id::text as id from voucher where campaign_id = :c").bind("c", campaignId)
                .map(row -> row.get("id", String.class)).all().collectList().block();
    }

    private List<String> storedCodes(long campaignId) {
        return db.sql("select code from voucher where campaign_id = :c").bind("c", campaignId)
                .map(row -> row.get("code", String.class)).all().collectList().block();
    }
}
