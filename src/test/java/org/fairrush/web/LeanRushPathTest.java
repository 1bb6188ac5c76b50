package org.fairrush.web;

import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.regex.Pattern;

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
import org.springframework.http.MediaType;
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
    /** Headers that name what was taken (a registration's Location), compared up to the id. */
    private static final Set<String> NAMING = Set.of("location");

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
        return send(browser, !browser, "/api/v1/campaigns/{id}/grabs", campaignId, key, headers, null, null);
    }

    /** A registration sent as a merchant's app sends it (lean, when the body is one the route answers) or as a browser. */
    private EntityExchangeResult<byte[]> register(boolean browser, long fairId, String key, Consumer<HttpHeaders> headers, String body) {
        return send(browser, !browser, "/api/v1/fairs/{id}/registrations", fairId, key, headers, body, MediaType.APPLICATION_JSON);
    }

    /** A registration the lean path must leave to the full path (its body or content type is not one it answers). */
    private EntityExchangeResult<byte[]> registerFullPath(boolean browser, long fairId, String body, MediaType contentType) {
        return send(browser, false, "/api/v1/fairs/{id}/registrations", fairId, Fixtures.idempotencyKey(), merchant("lean-odd"), body,
                contentType);
    }

    private EntityExchangeResult<byte[]> send(boolean browser, boolean leanPath, String path, long id, String key,
            Consumer<HttpHeaders> headers, String body, MediaType contentType) {
        long before = lean.served();
        WebTestClient.RequestBodySpec request = http.post().uri(path, id)
                .headers(h -> {
                    if (key != null) {
                        h.set("Idempotency-Key", key);
                    }
                    if (browser) {
                        h.setOrigin(ORIGIN);
                    }
                    if (contentType != null) {
                        h.setContentType(contentType);
                    }
                    headers.accept(h);
                });
        EntityExchangeResult<byte[]> result = (body == null ? request : request.bodyValue(body)).exchange().expectBody().returnResult();
        assertThat(lean.served() - before).as("served by the lean path").isEqualTo(leanPath ? 1 : 0);
        return result;
    }

    private static Consumer<HttpHeaders> member(String id) {
        return h -> h.setBearerAuth(Fixtures.memberToken(id));
    }

    private static Consumer<HttpHeaders> merchant(String id) {
        return h -> h.setBearerAuth(Fixtures.merchantToken(id));
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> body(EntityExchangeResult<byte[]> result) {
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
            if (NAMING.contains(name)) {
                String location = phone.getResponseHeaders().getFirst(name);
                assertThat(location.substring(0, location.lastIndexOf('/'))).as(name)
                        .isEqualTo(browser.getResponseHeaders().getFirst(name).substring(0, location.lastIndexOf('/')));
            } else {
                assertThat(phone.getResponseHeaders().get(name)).as(name).isEqualTo(browser.getResponseHeaders().get(name));
            }
        }
        assertThat(body(phone).keySet()).isEqualTo(body(browser).keySet());
        assertThat(browser.getResponseHeaders().getFirst("Access-Control-Allow-Origin")).isEqualTo(ORIGIN);
    }

    private void assertSameProblem(EntityExchangeResult<byte[]> phone, EntityExchangeResult<byte[]> browser, int status, String code) {
        assertSameAnswer(phone, browser);
        assertThat(phone.getStatus().value()).isEqualTo(status);
        Map<String, Object> lean = body(phone);
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

    private long openFair(int foodStalls, int craftStalls) {
        Map<String, Object> fair = Fixtures.openFair("FIRST_COME",
                java.util.List.of(Fixtures.fairCategory("FOOD", foodStalls, 5000), Fixtures.fairCategory("CRAFT", craftStalls, 3000)));
        Map<?, ?> created = http.post().uri("/api/v1/fairs").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(fair)
                .exchange().expectStatus().isCreated().expectBody(Map.class).returnResult().getResponseBody();
        return ((Number) created.get("id")).longValue();
    }

    private static String registration(String category, String merchantName) {
        return "{\"category\":\"" + category + "\",\"merchantName\":\"" + merchantName + "\",\"specialOffer\":\"10% off for members\"}";
    }

    @Test
    void registrationsAnswerAlike() {
        long fairId = openFair(1, 2);
        String phoneKey = Fixtures.idempotencyKey();
        String browserKey = Fixtures.idempotencyKey();
        EntityExchangeResult<byte[]> phone = register(false, fairId, phoneKey, merchant("lean-stall-phone"), registration("CRAFT", "Pots"));
        EntityExchangeResult<byte[]> browser = register(true, fairId, browserKey, merchant("lean-stall-browser"), registration("CRAFT", "Pans"));
        assertSameAnswer(phone, browser);
        assertThat(phone.getStatus().value()).isEqualTo(201);
        assertThat(body(phone)).containsEntry("status", "CONFIRMED").containsEntry("merchantId", "lean-stall-phone")
                .containsEntry("merchantName", "Pots").containsEntry("specialOffer", true).containsEntry("feeCents", 0);
        assertThat(phone.getResponseHeaders().getFirst("Location"))
                .isEqualTo("/api/v1/fairs/" + fairId + "/registrations/" + body(phone).get("registrationId"));

        // Each replays the other's way: the same registration again, marked replayed.
        EntityExchangeResult<byte[]> phoneAgain = register(true, fairId, phoneKey, merchant("lean-stall-phone"), registration("CRAFT", "Pots"));
        EntityExchangeResult<byte[]> browserAgain = register(false, fairId, browserKey, merchant("lean-stall-browser"),
                registration("CRAFT", "Pans"));
        assertSameAnswer(browserAgain, phoneAgain);
        assertThat(phoneAgain.getResponseHeaders().getFirst("Idempotent-Replayed")).isEqualTo("true");
        assertThat(body(phoneAgain)).isEqualTo(body(phone));
        assertThat(body(browserAgain)).isEqualTo(body(browser));

        // One stall per merchant per fair, either way; then the one food stall and its waiting list.
        assertSameProblem(register(false, fairId, Fixtures.idempotencyKey(), merchant("lean-stall-phone"), registration("FOOD", "Pots")),
                register(true, fairId, Fixtures.idempotencyKey(), merchant("lean-stall-browser"), registration("FOOD", "Pans")),
                409, "ALREADY_REGISTERED");
        register(false, fairId, Fixtures.idempotencyKey(), merchant("lean-stall-food"), registration("FOOD", "Noodles"));
        EntityExchangeResult<byte[]> phoneWaits = register(false, fairId, Fixtures.idempotencyKey(), merchant("lean-stall-w1"),
                registration("FOOD", "Dumplings"));
        EntityExchangeResult<byte[]> browserWaits = register(true, fairId, Fixtures.idempotencyKey(), merchant("lean-stall-w2"),
                registration("FOOD", "Buns"));
        assertSameAnswer(phoneWaits, browserWaits);
        assertThat(body(phoneWaits)).containsEntry("status", "WAITLISTED").containsEntry("waitlistPosition", 1);
        assertThat(body(browserWaits)).containsEntry("status", "WAITLISTED").containsEntry("waitlistPosition", 2);
    }

    @Test
    void registrationRefusalsAnswerAlike() {
        long fairId = openFair(1, 1);
        String body = registration("CRAFT", "Pots");
        assertSameProblem(register(false, fairId, Fixtures.idempotencyKey(), merchant("lean-r"), registration("TOYS", "Pots")),
                register(true, fairId, Fixtures.idempotencyKey(), merchant("lean-r"), registration("TOYS", "Pots")), 400, "VALIDATION_FAILED");
        assertSameProblem(register(false, fairId, null, merchant("lean-r"), body),
                register(true, fairId, null, merchant("lean-r"), body), 400, "VALIDATION_FAILED");
        assertSameProblem(register(false, fairId, Fixtures.idempotencyKey(), member("lean-r"), body),
                register(true, fairId, Fixtures.idempotencyKey(), member("lean-r"), body), 403, "FORBIDDEN");
        Consumer<HttpHeaders> forged = h -> h.setBearerAuth(Fixtures.merchantToken("lean-r") + "x");
        assertSameProblem(register(false, fairId, Fixtures.idempotencyKey(), forged, body),
                register(true, fairId, Fixtures.idempotencyKey(), forged, body), 401, "UNAUTHENTICATED");
        assertSameProblem(register(false, Long.MAX_VALUE / 10, Fixtures.idempotencyKey(), merchant("lean-r"), body),
                register(true, Long.MAX_VALUE / 10, Fixtures.idempotencyKey(), merchant("lean-r"), body), 404, "FAIR_NOT_FOUND");
    }

    /**
     * A body the registration route would refuse (invalid, malformed, another type) is left to the full path, with its
     * body intact: the phone's answer is then the browser's, problem for problem, and nothing is registered.
     */
    @Test
    void registrationBodiesTheRouteWouldRefuseTakeTheFullPath() {
        long fairId = openFair(1, 1);
        for (String odd : java.util.List.of("{\"category\":\"CRAFT\",\"merchantName\":\"  \"}", "{\"merchantName\":\"Pots\"}",
                "{\"category\":\"CRAFT\",\"merchantName\":\"Pots\",\"specialOffer\":42}", "{\"category\":\"CRAFT\",",
                "[1,2]", "{\"category\":\"CRAFT\",\"merchantName\":\"" + "x".repeat(121) + "\"}")) {
            EntityExchangeResult<byte[]> phone = registerFullPath(false, fairId, odd, MediaType.APPLICATION_JSON);
            EntityExchangeResult<byte[]> browser = registerFullPath(true, fairId, odd, MediaType.APPLICATION_JSON);
            assertThat(phone.getStatus().value()).as(odd).isEqualTo(400);
            assertSameProblem(phone, browser, 400, "VALIDATION_FAILED");
        }
        // A field's violations come in a fixed order (by field, then message), so the same body gets the same answer.
        EntityExchangeResult<byte[]> blank = registerFullPath(false, fairId, "{\"category\":\"CRAFT\",\"merchantName\":\"  \"}",
                MediaType.APPLICATION_JSON);
        assertThat(body(blank).get("errors")).isEqualTo(java.util.List.of(
                Map.of("field", "merchantName", "message", "must contain a visible character"),
                Map.of("field", "merchantName", "message", "must not be blank")));
        EntityExchangeResult<byte[]> text = registerFullPath(false, fairId, registration("CRAFT", "Pots"), MediaType.TEXT_PLAIN);
        assertSameAnswer(text, registerFullPath(true, fairId, registration("CRAFT", "Pots"), MediaType.TEXT_PLAIN));
        assertThat(text.getStatus().value()).isEqualTo(415);
        assertThat(((Map<?, ?>) json.readValue(http.get().uri("/api/v1/fairs/{id}", fairId).headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .exchange().expectBody().returnResult().getResponseBody(), Map.class)).toString()).doesNotContain("lean-odd");
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

    @Test
    void takesInATokenEveryCharacterSpringSecuritysPatternTakesAndNoOther() {
        // The pattern of Spring Security's ServerBearerTokenAuthenticationConverter, character by character.
        Pattern spring = Pattern.compile("^Bearer (?<token>[a-zA-Z0-9-._~+/]+=*)$");
        for (char c = 0; c < 400; c++) {
            String header = "Bearer ab" + c + "cd";
            assertThat(LeanRushPath.bearerToken(header)).as("character %d", (int) c)
                    .isEqualTo(spring.matcher(header).matches() ? header.substring("Bearer ".length()) : null);
        }
    }
}
