package org.fairrush.web;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.search.Search;
import org.awaitility.Awaitility;
import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpHeaders;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.EntityExchangeResult;
import org.springframework.test.web.reactive.server.WebTestClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The lean rush path answers a grab exactly as the API's security chain and annotated route do: the same status,
 * headers, problem codes and bodies for a grant, a replay, a refusal, a missing key, a wrong role, a bad token and an
 * unknown campaign. A browser's request (an {@code Origin} header) always takes the full path, so each request is sent
 * once as a phone sends it (lean) and once as a browser does (full), and the two answers are compared; the counter of
 * the lean path shows which way each went.
 */
@FairrushTest
@TestPropertySource(properties = "fairrush.web.allowed-origins=https://app.example")
class LeanRushPathTest {

    private static final String ORIGIN = "https://app.example";
    /** What only a browser's answer carries (CORS), and what differs between any two answers. */
    private static final Set<String> NOT_COMPARED = Set.of("access-control-allow-origin", "access-control-expose-headers", "vary",
            "date", "content-length");

    @Autowired
    WebTestClient http;
    @Autowired
    LeanRushPath lean;
    @Autowired
    JsonMapper json;
    @Autowired
    MeterRegistry meters;

    private Api api;

    @BeforeEach
    void api() {
        api = new Api(http);
    }

    private EntityExchangeResult<byte[]> grab(boolean browser, long campaignId, String key, Consumer<HttpHeaders> headers) {
        long before = lean.served();
        EntityExchangeResult<byte[]> result = http.post().uri("/api/v1/campaigns/{id}/grabs", campaignId)
                .headers(h -> {
                    if (key != null) {
                        h.set("Idempotency-Key", key);
                    }
                    if (browser) {
                        h.setOrigin(ORIGIN);
                    }
                    headers.accept(h);
                })
                .exchange().expectBody().returnResult();
        assertThat(lean.served() - before).as("served by the lean path").isEqualTo(browser ? 0 : 1);
        return result;
    }

    private static Consumer<HttpHeaders> member(String id) {
        return h -> h.setBearerAuth(Fixtures.memberToken(id));
    }

    private Map<?, ?> body(EntityExchangeResult<byte[]> result) {
        return json.readValue(result.getResponseBody(), Map.class);
    }

    private static Set<String> headerNames(EntityExchangeResult<byte[]> result) {
        Set<String> names = new TreeSet<>();
        result.getResponseHeaders().headerNames().forEach(name -> names.add(name.toLowerCase()));
        names.removeAll(NOT_COMPARED);
        return names;
    }

    /** Same status, the same headers with the same values (but those that name the request), the same body keys. */
    private void assertSameAnswer(EntityExchangeResult<byte[]> phone, EntityExchangeResult<byte[]> browser) {
        assertThat(phone.getStatus()).isEqualTo(browser.getStatus());
        assertThat(headerNames(phone)).isEqualTo(headerNames(browser));
        for (String name : headerNames(phone)) {
            assertThat(phone.getResponseHeaders().get(name)).as(name).isEqualTo(browser.getResponseHeaders().get(name));
        }
        assertThat(body(phone).keySet()).isEqualTo(body(browser).keySet());
        assertThat(browser.getResponseHeaders().getFirst("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    }

    private void assertSameProblem(EntityExchangeResult<byte[]> phone, EntityExchangeResult<byte[]> browser, int status, String code) {
        assertSameAnswer(phone, browser);
        assertThat(phone.getStatus().value()).isEqualTo(status);
        Map<?, ?> lean = body(phone);
        assertThat(lean.get("code")).isEqualTo(code);
        assertThat(lean).isEqualTo(body(browser));
    }

    @Test
    void grantsAndReplaysAnswerAlike() {
        long campaignId = api.createCampaign(Fixtures.openCampaign(10, 1));
        String phoneKey = Fixtures.idempotencyKey();
        String browserKey = Fixtures.idempotencyKey();
        EntityExchangeResult<byte[]> phone = grab(false, campaignId, phoneKey, member("lean-phone"));
        EntityExchangeResult<byte[]> browser = grab(true, campaignId, browserKey, member("lean-browser"));
        assertSameAnswer(phone, browser);
        assertThat(phone.getStatus().value()).isEqualTo(201);
        assertThat(phone.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("false");
        assertThat(body(phone).get("memberId")).isEqualTo("lean-phone");

        // Each replays the other's way: the same voucher again, marked replayed.
        EntityExchangeResult<byte[]> phoneAgain = grab(true, campaignId, phoneKey, member("lean-phone"));
        EntityExchangeResult<byte[]> browserAgain = grab(false, campaignId, browserKey, member("lean-browser"));
        assertSameAnswer(browserAgain, phoneAgain);
        assertThat(phoneAgain.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(body(phoneAgain)).isEqualTo(body(phone));
        assertThat(body(browserAgain)).isEqualTo(body(browser));

        // Over the limit of one, either way.
        assertSameProblem(grab(false, campaignId, Fixtures.idempotencyKey(), member("lean-phone")),
                grab(true, campaignId, Fixtures.idempotencyKey(), member("lean-browser")), 409, "LIMIT_REACHED");
        assertThat(api.campaign(campaignId).get("remaining")).isEqualTo(8);
    }

    @Test
    void refusalsAndBadRequestsAnswerAlike() {
        long campaignId = api.createCampaign(Fixtures.openCampaign(1, 1));
        api.grabbed("lean-first", campaignId);

        assertSameProblem(grab(false, campaignId, Fixtures.idempotencyKey(), member("lean-late")),
                grab(true, campaignId, Fixtures.idempotencyKey(), member("lean-late")), 409, "SOLD_OUT");
        assertSameProblem(grab(false, campaignId, null, member("lean-late")),
                grab(true, campaignId, null, member("lean-late")), 400, "VALIDATION_FAILED");
        assertSameProblem(grab(false, campaignId, "short", member("lean-late")),
                grab(true, campaignId, "short", member("lean-late")), 400, "VALIDATION_FAILED");
        Consumer<HttpHeaders> merchant = h -> h.setBearerAuth(Fixtures.merchantToken("lean-merchant"));
        assertSameProblem(grab(false, campaignId, Fixtures.idempotencyKey(), merchant),
                grab(true, campaignId, Fixtures.idempotencyKey(), merchant), 403, "FORBIDDEN");
        Consumer<HttpHeaders> forged = h -> h.setBearerAuth(Fixtures.memberToken("lean-late") + "x");
        assertSameProblem(grab(false, campaignId, Fixtures.idempotencyKey(), forged),
                grab(true, campaignId, Fixtures.idempotencyKey(), forged), 401, "UNAUTHENTICATED");
        assertSameProblem(grab(false, Long.MAX_VALUE / 10, Fixtures.idempotencyKey(), member("lean-late")),
                grab(true, Long.MAX_VALUE / 10, Fixtures.idempotencyKey(), member("lean-late")), 404, "CAMPAIGN_NOT_FOUND");
    }

    /** A lean answer is timed like any other, under the route's pattern (dashboards and alerts select by it). */
    @Test
    void leanAnswersAreTimedUnderTheRoutesPattern() {
        long campaignId = api.createCampaign(Fixtures.openCampaign(10, 10));
        Search grants = Search.in(meters).name("http.server.requests").tag("uri", "/api/v1/campaigns/{id}/grabs").tag("status", "201");
        long before = grants.timers().stream().mapToLong(Timer::count).sum();
        grab(false, campaignId, Fixtures.idempotencyKey(), member("lean-timed"));
        grab(false, campaignId, Fixtures.idempotencyKey(), member("lean-timed"));
        Awaitility.await().atMost(Duration.ofSeconds(10))
                .until(() -> grants.timers().stream().mapToLong(Timer::count).sum() == before + 2);
    }

    @Test
    void whatIsUnusualTakesTheFullPath() {
        long campaignId = api.createCampaign(Fixtures.openCampaign(10, 10));
        long before = lean.served();
        http.post().uri("/api/v1/campaigns/{id}/grabs", campaignId).header("Idempotency-Key", Fixtures.idempotencyKey())
                .exchange().expectStatus().isUnauthorized();
        http.post().uri("/api/v1/campaigns/{id}/grabs", campaignId).header("Idempotency-Key", Fixtures.idempotencyKey())
                .header(HttpHeaders.AUTHORIZATION, "Bearer not a token").exchange().expectStatus().isUnauthorized();
        http.post().uri("/api/v1/campaigns/{id}/grabs", campaignId).header("Idempotency-Key", Fixtures.idempotencyKey())
                .headers(member("lean-xml")).header(HttpHeaders.ACCEPT, "application/xml").exchange().expectStatus().isEqualTo(406);
        http.post().uri("/api/v1/campaigns/{id}/grabs", "first").header("Idempotency-Key", Fixtures.idempotencyKey())
                .headers(member("lean-hex")).exchange().expectStatus().isBadRequest();
        assertThat(lean.served()).isEqualTo(before);
    }

    @Test
    void tellsTheTokenOfAnAuthorizationHeaderAsSpringSecurityDoes() {
        assertThat(LeanRushPath.bearerToken("Bearer abc.DEF-_~+/9==")).isEqualTo("abc.DEF-_~+/9==");
        assertThat(LeanRushPath.bearerToken("Bearer ")).isNull();
        assertThat(LeanRushPath.bearerToken("Bearer ==")).isNull();
        assertThat(LeanRushPath.bearerToken("Bearer a=b")).isNull();
        assertThat(LeanRushPath.bearerToken("Bearer a b")).isNull();
        assertThat(LeanRushPath.bearerToken("Basic YWxhZGRpbjpvcGVuc2VzYW1l")).isNull();
        assertThat(LeanRushPath.bearerToken(null)).isNull();
    }
}
