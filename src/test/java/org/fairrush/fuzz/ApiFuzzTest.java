package org.fairrush.fuzz;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.Invariants;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.util.UriComponentsBuilder;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A schema-based fuzzer driven by the service's own OpenAPI document ({@code /v3/api-docs}): for every documented
 * operation it sends valid requests and broken ones (path and query values of the wrong kind, bodies with fields
 * missing, unknown, of the wrong type, huge or full of control characters and odd Unicode, bad headers), with the
 * tokens of every role, no token or a forged one, against the real stack. It asserts that the service never answers
 * 5xx, that every 4xx is problem+json with a {@code code}, and that the invariants of the campaign and the fair it
 * rushed still hold afterwards.
 * <p>
 * {@code ./mvnw verify} runs a short seeded run; a long one: {@code ./mvnw -B test -Dtest=ApiFuzzTest
 * -Dfuzz.requests=20000 -Dfuzz.seed=7} (docs/security.md).
 */
@FairrushTest
class ApiFuzzTest {

    private static final Logger log = LoggerFactory.getLogger(ApiFuzzTest.class);
    private static final int REQUESTS = Integer.getInteger("fuzz.requests", 1000);
    private static final int CONCURRENCY = Integer.getInteger("fuzz.concurrency", 4);
    private static final long SEED = Long.getLong("fuzz.seed", 20261130L);
    private static final int STOCK = 40;
    private static final int LIMIT = 2;

    @Autowired
    WebTestClient http;

    @Autowired
    DatabaseClient db;

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    /** One request to send and what it was meant to exercise. */
    record Probe(HttpMethod method, String uri, Map<String, String> headers, byte[] body, String operation) {
    }

    /** What the fixtures give a valid request: ids that exist, and the tokens of each role. */
    record World(long campaignId, long fairId, List<String> registrationIds, Map<String, List<String>> tokens) {
    }

    @Test
    void neverAnswers5xxAlwaysAnswersProblemsAndKeepsTheInvariants() {
        // A patient client: this machine may be busy, and the document is larger than the service's request limit.
        http = http.mutate().responseTimeout(Duration.ofMinutes(1))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(8 * 1024 * 1024)).build();
        JsonNode document = json.readTree(http
                .get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody());
        World world = world();
        Random random = new Random(SEED);
        Probes probes = new Probes(document, world, new SchemaValues(document, random), random, json);
        WebClient client = WebClient.builder().baseUrl("http://localhost:" + port)
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024)).build();

        Map<String, AtomicInteger> statuses = new java.util.concurrent.ConcurrentSkipListMap<>();
        List<String> failures = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> granted = java.util.Collections.synchronizedList(new ArrayList<>());
        AtomicInteger sent = new AtomicInteger();
        Flux.range(0, REQUESTS).map(i -> probes.next())
                .flatMap(probe -> send(client, probe).doOnNext(answer -> {
                    sent.incrementAndGet();
                    statuses.computeIfAbsent(answer.status() / 100 + "xx " + probe.operation(), key -> new AtomicInteger()).incrementAndGet();
                    String fault = fault(answer);
                    if (fault != null && failures.size() < 50) {
                        failures.add(fault + " <- " + probe.method() + " " + abbreviate(probe.uri()) + " " + abbreviate(text(probe.body())));
                    }
                    if (answer.status() == 201 && probe.operation().endsWith("/grabs")) {
                        grantedVoucher(answer).ifPresent(granted::add);
                    }
                }), CONCURRENCY)
                .blockLast(Duration.ofMinutes(30));

        log.info("fuzzed {} requests (seed {}): {}", sent.get(), SEED, statuses);
        assertThat(failures).as("answers that break the contract").isEmpty();
        assertThat(sent.get()).as("requests answered").isGreaterThanOrEqualTo(REQUESTS * 9 / 10);
        Invariants.assertCampaignHolds(http, db, world.campaignId(), STOCK, LIMIT, granted);
        assertFairHolds(world.fairId());
    }

    /** A status, content type and body, or a client-side refusal to send (a header value the client will not write). */
    record Answer(int status, String contentType, String body) {
    }

    private Mono<Answer> send(WebClient client, Probe probe) {
        return Mono.defer(() -> client.method(probe.method()).uri(java.net.URI.create("http://localhost:" + port + probe.uri()))
                .headers(headers -> probe.headers().forEach(headers::set))
                .body(probe.body() == null ? org.springframework.web.reactive.function.BodyInserters.empty()
                        : org.springframework.web.reactive.function.BodyInserters.fromValue(probe.body()))
                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("").map(body -> new Answer(
                        response.statusCode().value(), String.valueOf(response.headers().contentType().orElse(null)), body)))
                .timeout(Duration.ofSeconds(30)))
                .onErrorResume(IllegalArgumentException.class, unsendable -> Mono.empty());
    }

    private String fault(Answer answer) {
        if (answer.status() >= 500) {
            return answer.status() + " " + abbreviate(answer.body());
        }
        if (answer.status() >= 400) {
            if (!answer.contentType().startsWith(MediaType.APPLICATION_PROBLEM_JSON_VALUE)) {
                return answer.status() + " not problem+json but " + answer.contentType();
            }
            JsonNode body = json.readTree(answer.body());
            if (!body.path("code").isString() || body.path("code").asString().isEmpty()) {
                return answer.status() + " without a code: " + abbreviate(answer.body());
            }
        }
        return null;
    }

    private java.util.Optional<String> grantedVoucher(Answer answer) {
        JsonNode body = json.readTree(answer.body());
        return body.path("voucherId").isString() ? java.util.Optional.of(body.get("voucherId").asString()) : java.util.Optional.empty();
    }

    private World world() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(STOCK, LIMIT));
        Map<String, Object> fair = Fixtures.openFair("FIRST_COME",
                List.of(Fixtures.fairCategory("FOOD", 3, 1000), Fixtures.fairCategory("CRAFT", 2, 500)));
        Map<?, ?> created = http.post().uri("/api/v1/fairs").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(fair).exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        long fairId = ((Number) created.get("id")).longValue();
        List<String> registrations = new ArrayList<>();
        for (int merchant = 0; merchant < 2; merchant++) {
            int i = merchant;
            Map<?, ?> registered = http.post().uri("/api/v1/fairs/{id}/registrations", fairId)
                    .headers(h -> h.setBearerAuth(Fixtures.merchantToken("fuzz-merchant-" + i)))
                    .header("Idempotency-Key", Fixtures.idempotencyKey())
                    .contentType(MediaType.APPLICATION_JSON).bodyValue(Map.of("category", "FOOD", "merchantName", "Fixture " + i, "specialOffer", false))
                    .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
            registrations.add((String) registered.get("registrationId"));
        }
        Map<String, List<String>> tokens = new ConcurrentHashMap<>();
        tokens.put("MEMBER", List.of(Fixtures.memberToken("fuzz-member-1"), Fixtures.memberToken("fuzz-member-2"), Fixtures.memberToken("fuzz-member-3")));
        tokens.put("MERCHANT", List.of(Fixtures.merchantToken("fuzz-merchant-0"), Fixtures.merchantToken("fuzz-merchant-1"),
                Fixtures.merchantToken("fuzz-merchant-9")));
        tokens.put("ADMIN", List.of(Fixtures.adminToken()));
        return new World(campaignId, fairId, registrations, tokens);
    }

    /** Invariant 4 and 3 for the fuzzed fair: one holder per stall, one stall per merchant, and its pools reconcile. */
    @SuppressWarnings("unchecked")
    private void assertFairHolds(long fairId) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            Map<String, Object> report = http.get().uri("/api/v1/ops/reconciliation").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                    .exchange().expectStatus().isOk().expectBody(Map.class).returnResult().getResponseBody();
            List<Map<String, Object>> pools = ((List<Map<String, Object>>) report.get("pools")).stream()
                    .filter(pool -> "f".equals(pool.get("kind")) && String.valueOf(fairId).equals(pool.get("scope"))).toList();
            assertThat(pools).isNotEmpty().allSatisfy(pool -> assertThat(pool).containsEntry("ok", true));
        });
        Long doubleHeld = db.sql("select count(*) from (select stall_number from registration where fair_id = :f and status = 'HELD' "
                + "group by stall_number having count(*) > 1) twice").bind("f", fairId).map(row -> row.get(0, Long.class)).one().block();
        Long twoStalls = db.sql("select count(*) from (select merchant_id from registration where fair_id = :f and status = 'HELD' "
                + "group by merchant_id having count(*) > 1) twice").bind("f", fairId).map(row -> row.get(0, Long.class)).one().block();
        assertThat(doubleHeld).as("a stall held by two merchants").isZero();
        assertThat(twoStalls).as("a merchant holding two stalls").isZero();
    }

    static String abbreviate(String text) {
        return text == null ? "" : text.length() > 300 ? text.substring(0, 300) + "..." : text;
    }

    private static String text(byte[] body) {
        return body == null ? "" : new String(body, StandardCharsets.UTF_8);
    }

    static String uri(String path, Map<String, String> query) {
        UriComponentsBuilder builder = UriComponentsBuilder.fromPath(path);
        query.forEach((name, value) -> builder.queryParam(name, value));
        return builder.encode().build().toUriString();
    }

    static String randomKey(Random random) {
        return UUID.nameUUIDFromBytes(Long.toString(random.nextLong()).getBytes(StandardCharsets.UTF_8)).toString();
    }
}
