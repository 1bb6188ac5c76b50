package org.fairrush.voucher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.rush.Buckets;
import org.fairrush.rush.recovery.Reconciliation;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A campaign whose stock is split over 8 buckets (docs/design.md section 11, note 33), grabbed over HTTP by more members
 * than it has units, each trying more than the limit allows and replaying keys: exactly the stock is granted, nobody
 * passes the limit, and every granted voucher is stored in Postgres once; the reconciliation of the whole stock holds.
 * (The same rush on a Redis Cluster, where the buckets live on different primaries: BucketsOnRedisClusterTest.)
 */
@FairrushTest
class BucketedGrabRushTest {

    private static final int BUCKETS = 8;

    @LocalServerPort
    int port;
    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    @Autowired
    Reconciliation reconciliation;
    private final JsonMapper json = JsonMapper.builder().build();

    record Attempt(String memberId, String key) {
    }

    record Answer(Attempt attempt, int status, String voucherId) {
    }

    @Test
    void grantsExactlyTheStockOfEightBucketsAndStoresEveryVoucherOnce() {
        rush(160, 1, 400);
    }

    @Test
    void grantsExactlyTheStockOfEightBucketsWithALimitOfThree() {
        rush(130, 3, 100);
    }

    /**
     * Once the instance knows the stock is gone, a grab is answered before the rate limits (note 51), after a look
     * whether its key made a claim: in the member's home bucket, which holds their idempotency records. Every winner's
     * replay still gets their own voucher, whichever bucket is their home; a new key is refused.
     */
    @Test
    void replaysAfterTheStockIsGoneGetTheirVouchersFromEveryHomeBucket() {
        int stock = 2 * BUCKETS;
        Map<String, Object> body = Fixtures.openCampaign(stock, 1);
        body.put("buckets", BUCKETS);
        long campaignId = new Api(http).createCampaign(body);
        WebClient client = WebClient.create("http://127.0.0.1:" + port);
        Map<String, String> tokens = new ConcurrentHashMap<>();
        List<Attempt> winners = IntStream.range(0, stock).mapToObj(i -> new Attempt("bucket-replay-" + i, UUID.randomUUID().toString())).toList();

        List<Answer> first = Flux.fromIterable(winners).concatMap(attempt -> grabUntilAnswered(client, campaignId, attempt, tokens))
                .collectList().block(Duration.ofMinutes(1));
        Answer late = grabUntilAnswered(client, campaignId, new Attempt("bucket-replay-late", UUID.randomUUID().toString()), tokens)
                .block(Duration.ofMinutes(1));
        List<Answer> replays = Flux.fromIterable(winners).concatMap(attempt -> grabUntilAnswered(client, campaignId, attempt, tokens))
                .collectList().block(Duration.ofMinutes(1));

        assertThat(first).extracting(Answer::status).as("the whole stock, one each").containsOnly(201);
        assertThat(late.status()).as("the stock is gone").isEqualTo(409);
        assertThat(winners.stream().map(member -> Buckets.home(member.memberId(), BUCKETS)).distinct().count())
                .as("the winners' home buckets").isGreaterThan(1);
        assertThat(replays).extracting(Answer::voucherId).as("each replay gets its own voucher")
                .containsExactlyElementsOf(first.stream().map(Answer::voucherId).toList());
    }

    private void rush(int stock, int limit, int members) {
        Map<String, Object> body = Fixtures.openCampaign(stock, limit);
        body.put("buckets", BUCKETS);
        long campaignId = new Api(http).createCampaign(body);
        List<Attempt> attempts = new ArrayList<>();
        for (int member = 0; member < members; member++) {
            for (int attempt = 0; attempt <= limit; attempt++) {
                Attempt one = new Attempt("bucket-rush-" + member, UUID.randomUUID().toString());
                attempts.add(one);
                attempts.add(one);
            }
        }
        Collections.shuffle(attempts, new Random(16));
        Map<String, String> tokens = new ConcurrentHashMap<>();
        WebClient client = WebClient.create("http://127.0.0.1:" + port);

        List<Answer> answers = Flux.fromIterable(attempts)
                .flatMap(attempt -> grabUntilAnswered(client, campaignId, attempt, tokens), 64)
                .collectList()
                .block(Duration.ofMinutes(5));

        assertThat(answers).extracting(Answer::status).allMatch(status -> status == 201 || status == 409);
        Map<String, List<String>> vouchersByKey = answers.stream().filter(answer -> answer.status() == 201)
                .collect(Collectors.groupingBy(answer -> answer.attempt().key(), Collectors.mapping(Answer::voucherId, Collectors.toList())));
        vouchersByKey.values().forEach(vouchers -> assertThat(vouchers.stream().distinct()).as("a replay returns the first voucher").hasSize(1));
        List<String> granted = vouchersByKey.values().stream().map(vouchers -> vouchers.get(0)).distinct().toList();
        assertThat(granted).as("exactly the stock granted").hasSize(stock);
        assertThat(((Number) new Api(http).campaign(campaignId).get("remaining")).longValue()).isZero();

        await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                assertThat(storedVoucherIds(campaignId)).as("every granted voucher stored once").containsExactlyInAnyOrderElementsOf(granted));
        assertThat(vouchersPerMember(campaignId)).as("nobody over the limit").allSatisfy(count -> assertThat(count).isBetween(1L, (long) limit));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            Reconciliation.PoolReport report = reconciliation.stock(Campaigns.pool(campaignId), BUCKETS).block();
            assertThat(report.total()).isEqualTo(stock);
            assertThat(report.ok()).as("the whole stock reconciles: " + report).isTrue();
        });
    }

    /** A client retries a 503 (units on their way between buckets, or the first request with the key still in flight). */
    private Mono<Answer> grabUntilAnswered(WebClient client, long campaignId, Attempt attempt, Map<String, String> tokens) {
        return Mono.defer(() -> client.post().uri("/api/v1/campaigns/{id}/grabs", campaignId)
                        .headers(h -> h.setBearerAuth(tokens.computeIfAbsent(attempt.memberId(), Fixtures::memberToken)))
                        .header("Idempotency-Key", attempt.key())
                        .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                                .map(body -> answer(attempt, response.statusCode().value(), body))))
                .flatMap(answer -> answer.status() == 503 || answer.status() == 409 && answer.voucherId() != null
                        ? Mono.<Answer>error(new IllegalStateException("retry")) : Mono.just(answer))
                .retryWhen(Retry.fixedDelay(200, Duration.ofMillis(20)));
    }

    private Answer answer(Attempt attempt, int status, String body) {
        if (status == 201) {
            return new Answer(attempt, status, (String) json.readValue(body, Map.class).get("voucherId"));
        }
        // REQUEST_IN_PROGRESS: the first request with this key is still waiting for Kafka; ask again like a client.
        boolean inProgress = status == 409 && body.contains("REQUEST_IN_PROGRESS");
        return new Answer(attempt, status, inProgress ? "in-progress" : null);
    }

    private List<String> storedVoucherIds(long campaignId) {
        return db.sql("select id::text as id from voucher where campaign_id = :c").bind("c", campaignId)
                .map(row -> row.get("id", String.class)).all().collectList().block();
    }

    private List<Long> vouchersPerMember(long campaignId) {
        return db.sql("select count(*) as n from voucher where campaign_id = :c group by member_id").bind("c", campaignId)
                .map(row -> row.get("n", Long.class)).all().collectList().block();
    }
}
