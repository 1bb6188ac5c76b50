package org.fairrush.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.devstack.DevTokens.Hostile;
import org.fairrush.rush.RushProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Malformed and hostile requests across the API: each gets its status and stable {@code code} in
 * problem+json, none gets 500, and afterwards Redis stock and limits and the Postgres rows are exactly as
 * they were.
 */
@FairrushTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BadInputCatalogueTest {

    @Autowired
    WebTestClient http;
    @Autowired
    DatabaseClient db;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RushProperties rush;
    @org.springframework.boot.test.web.server.LocalServerPort
    int port;

    private long probe;
    private Map<String, Object> before;

    /**
     * @param uri     the path; {@code %d} stands for the probe campaign's id
     * @param token   the bearer token, null for none
     * @param headers extra headers as name, value pairs
     */
    record Case(String name, HttpMethod method, String uri, String token, List<String> headers, MediaType contentType,
            String body, int status, String code) {

        @Override
        public String toString() {
            return name;
        }
    }

    private static final String ADMIN = Fixtures.adminToken();
    private static final String MEMBER = Fixtures.memberToken("catalogue-member");
    private static final String MERCHANT = Fixtures.merchantToken("catalogue-stall");
    private static final List<String> KEY = List.of("Idempotency-Key", "catalogue-key-0001");
    private static final String GRAB = "/api/v1/campaigns/%d/grabs";
    private static final String CAMPAIGNS = "/api/v1/campaigns";

    private static Case json(String name, HttpMethod method, String uri, String token, List<String> headers, String body,
            int status, String code) {
        return new Case(name, method, uri, token, headers, MediaType.APPLICATION_JSON, body, status, code);
    }

    private static Case campaign(String name, String body, int status) {
        return json(name, HttpMethod.POST, CAMPAIGNS, ADMIN, List.of(), body, status, status == 413 ? "PAYLOAD_TOO_LARGE" : "VALIDATION_FAILED");
    }

    private static String campaignBody(String field, String value) {
        Map<String, String> fields = new java.util.LinkedHashMap<>(Map.of(
                "name", "\"Spend 30, save 20\"", "stock", "100", "perMemberLimit", "1",
                "grabStartsAt", "\"2030-05-01T10:00:00+08:00\"", "grabEndsAt", "\"2030-05-01T10:30:00+08:00\"",
                "redeemStartsAt", "\"2030-05-01T10:00:00+08:00\"", "redeemEndsAt", "\"2030-05-31T22:00:00+08:00\"",
                "discount", "{\"type\":\"AMOUNT_OFF\",\"amountOffCents\":2000,\"minSpendCents\":3000}"));
        if (value == null) {
            fields.remove(field);
        } else {
            fields.put(field, value);
        }
        StringBuilder body = new StringBuilder("{");
        fields.forEach((k, v) -> body.append(body.length() > 1 ? "," : "").append('"').append(k).append("\":").append(v));
        return body.append('}').toString();
    }

    /** The body with one more field. */
    private static String withField(String body, String field, String value) {
        return body.substring(0, body.length() - 1) + ",\"" + field + "\":" + value + "}";
    }

    private static Case redeem(String name, String token, List<String> headers, String body, int status, String code) {
        return json(name, HttpMethod.POST, "/api/v1/redemptions", token, headers, body, status, code);
    }

    private static Case grab(String name, String uri, String token, List<String> headers, int status, String code) {
        return new Case(name, HttpMethod.POST, uri, token, headers, null, null, status, code);
    }

    static Stream<Case> catalogue() {
        List<Case> cases = new ArrayList<>();
        // Creating campaigns: broken, mistyped, out of range, inconsistent, oversized bodies.
        cases.add(campaign("broken JSON", "{\"name\":", 400));
        cases.add(campaign("empty body", "", 400));
        cases.add(campaign("an array, not an object", "[]", 400));
        cases.add(campaign("stock as text", campaignBody("stock", "\"many\""), 400));
        cases.add(campaign("negative stock", campaignBody("stock", "-5"), 400));
        cases.add(campaign("overflowing stock", campaignBody("stock", "99999999999999999999"), 400));
        cases.add(campaign("stock of zero", campaignBody("stock", "0"), 400));
        cases.add(campaign("stock above a million", campaignBody("stock", "1000001"), 400));
        cases.add(campaign("limit of zero", campaignBody("perMemberLimit", "0"), 400));
        cases.add(campaign("blank name", campaignBody("name", "\"  \""), 400));
        cases.add(campaign("name of 121 characters", campaignBody("name", "\"" + "C".repeat(121) + "\""), 400));
        cases.add(campaign("missing name", campaignBody("name", null), 400));
        cases.add(campaign("a date in words", campaignBody("grabStartsAt", "\"tomorrow at ten\""), 400));
        cases.add(campaign("a date without offset", campaignBody("grabStartsAt", "\"2030-05-01T10:00:00\""), 400));
        cases.add(campaign("an impossible date", campaignBody("grabStartsAt", "\"2030-02-30T10:00:00Z\""), 400));
        cases.add(campaign("window ending before it starts", campaignBody("grabEndsAt", "\"2030-05-01T09:00:00+08:00\""), 400));
        cases.add(campaign("unknown discount type", campaignBody("discount",
                "{\"type\":\"PERCENT_OFF\",\"amountOffCents\":2000,\"minSpendCents\":3000}"), 400));
        cases.add(campaign("negative discount", campaignBody("discount",
                "{\"type\":\"AMOUNT_OFF\",\"amountOffCents\":-1,\"minSpendCents\":3000}"), 400));
        cases.add(campaign("discount above the minimum spend", campaignBody("discount",
                "{\"type\":\"AMOUNT_OFF\",\"amountOffCents\":5000,\"minSpendCents\":3000}"), 400));
        cases.add(campaign("cents as a fraction", campaignBody("discount",
                "{\"type\":\"AMOUNT_OFF\",\"amountOffCents\":20.5,\"minSpendCents\":3000}"), 400));
        cases.add(campaign("a misspelt field", campaignBody("perMemberLimt", "1"), 400));
        cases.add(campaign("a negative fair id", campaignBody("fairId", "-1"), 400));
        // Coupon rules: each broken one is refused with the field named, and no campaign is created.
        cases.add(campaign("an unknown zone", campaignBody("zone", "\"Mars/Olympus\""), 400));
        cases.add(campaign("a zone as an offset", campaignBody("zone", "\"+08:00\""), 400));
        cases.add(campaign("a negative daily stock", campaignBody("dailyStock", "-1"), 400));
        cases.add(campaign("a daily stock above the stock", campaignBody("dailyStock", "101"), 400));
        cases.add(campaign("a daily limit of zero", campaignBody("perMemberDailyLimit", "0"), 400));
        cases.add(campaign("a daily limit above the member's limit", campaignBody("perMemberDailyLimit", "2"), 400));
        cases.add(campaign("a negative validity", campaignBody("validity", "{\"days\":-3}"), 400));
        cases.add(campaign("a validity without days", campaignBody("validity", "{}"), 400));
        cases.add(campaign("redeem hours ending before they start", campaignBody("redeemHours",
                "[{\"days\":[\"MON\"],\"from\":\"22:00\",\"to\":\"10:00\"}]"), 400));
        cases.add(campaign("redeem hours of no length", campaignBody("redeemHours",
                "[{\"days\":[\"MON\"],\"from\":\"10:00\",\"to\":\"10:00\"}]"), 400));
        cases.add(campaign("an unknown day name", campaignBody("redeemHours",
                "[{\"days\":[\"FUNDAY\"],\"from\":\"10:00\",\"to\":\"22:00\"}]"), 400));
        cases.add(campaign("a time out of range", campaignBody("redeemHours",
                "[{\"days\":[\"MON\"],\"from\":\"10:00\",\"to\":\"25:00\"}]"), 400));
        cases.add(campaign("redeem hours without days", campaignBody("redeemHours",
                "[{\"days\":[],\"from\":\"10:00\",\"to\":\"22:00\"}]"), 400));
        cases.add(campaign("an empty list of redeem hours", campaignBody("redeemHours", "[]"), 400));
        // Buckets (docs/design.md section 11, note 33): 1..64, no more than the stock, first come without daily caps.
        cases.add(campaign("no buckets", campaignBody("buckets", "0"), 400));
        cases.add(campaign("65 buckets", campaignBody("buckets", "65"), 400));
        cases.add(campaign("buckets as text", campaignBody("buckets", "\"eight\""), 400));
        cases.add(campaign("more buckets than stock", withField(campaignBody("stock", "5"), "buckets", "8"), 400));
        cases.add(campaign("buckets with a daily stock", withField(campaignBody("buckets", "8"), "dailyStock", "10"), 400));
        cases.add(campaign("buckets with a randomized opening", withField(withField(campaignBody("buckets", "8"),
                "allocation", "\"RANDOMIZED_OPENING\""), "openingWindow", "\"PT10S\""), 400));
        cases.add(campaign("a body of 20 KB", campaignBody("name", "\"" + "x".repeat(20_000) + "\""), 413));
        cases.add(new Case("plain text body", HttpMethod.POST, CAMPAIGNS, ADMIN, List.of(), MediaType.TEXT_PLAIN,
                "stock=100", 415, "UNSUPPORTED_MEDIA_TYPE"));
        cases.add(new Case("XML body", HttpMethod.POST, CAMPAIGNS, ADMIN, List.of(), MediaType.APPLICATION_XML,
                "<campaign/>", 415, "UNSUPPORTED_MEDIA_TYPE"));
        // Who is asking: no token, wrong role, expired, forged, wrong issuer or audience, unsigned, garbage.
        cases.add(json("a member creating a campaign", HttpMethod.POST, CAMPAIGNS, MEMBER, List.of(), campaignBody("stock", "1"), 403, "FORBIDDEN"));
        cases.add(json("a merchant creating a campaign", HttpMethod.POST, CAMPAIGNS, MERCHANT, List.of(), campaignBody("stock", "1"), 403, "FORBIDDEN"));
        cases.add(json("no token", HttpMethod.POST, CAMPAIGNS, null, List.of(), campaignBody("stock", "1"), 401, "UNAUTHENTICATED"));
        cases.add(json("an expired token", HttpMethod.POST, CAMPAIGNS, Hostile.expired("staff-1", List.of("ADMIN")), List.of(),
                campaignBody("stock", "1"), 401, "UNAUTHENTICATED"));
        cases.add(json("a forged token", HttpMethod.POST, CAMPAIGNS, Hostile.forged("staff-1", List.of("ADMIN")), List.of(),
                campaignBody("stock", "1"), 401, "UNAUTHENTICATED"));
        cases.add(json("a token of another issuer", HttpMethod.POST, CAMPAIGNS, Hostile.fromIssuer("evil", "staff-1", List.of("ADMIN")),
                List.of(), campaignBody("stock", "1"), 401, "UNAUTHENTICATED"));
        cases.add(json("a token for another audience", HttpMethod.POST, CAMPAIGNS, Hostile.forAudience("other-app", "staff-1",
                List.of("ADMIN")), List.of(), campaignBody("stock", "1"), 401, "UNAUTHENTICATED"));
        cases.add(json("an unsigned token", HttpMethod.POST, CAMPAIGNS, Hostile.unsigned(), List.of(), campaignBody("stock", "1"),
                401, "UNAUTHENTICATED"));
        cases.add(json("a garbage token", HttpMethod.POST, CAMPAIGNS, "not.a.jwt", List.of(), campaignBody("stock", "1"),
                401, "UNAUTHENTICATED"));
        // Grabbing: idempotency keys, ids, roles, methods.
        cases.add(grab("grab without Idempotency-Key", GRAB, MEMBER, List.of(), 400, "VALIDATION_FAILED"));
        cases.add(grab("grab with a short key", GRAB, MEMBER, List.of("Idempotency-Key", "abc"), 400, "VALIDATION_FAILED"));
        cases.add(grab("grab with a 65-character key", GRAB, MEMBER, List.of("Idempotency-Key", "k".repeat(65)), 400, "VALIDATION_FAILED"));
        cases.add(grab("grab with an injection in the key", GRAB, MEMBER, List.of("Idempotency-Key", "x'; DEL fr:*; --"), 400,
                "VALIDATION_FAILED"));
        cases.add(grab("grab on a campaign id in letters", "/api/v1/campaigns/abc/grabs", MEMBER, KEY, 400, "VALIDATION_FAILED"));
        cases.add(grab("grab on an overflowing campaign id", "/api/v1/campaigns/99999999999999999999/grabs", MEMBER, KEY, 400,
                "VALIDATION_FAILED"));
        cases.add(grab("grab on a negative campaign id", "/api/v1/campaigns/-1/grabs", MEMBER, KEY, 404, "CAMPAIGN_NOT_FOUND"));
        cases.add(grab("grab on an unknown campaign", "/api/v1/campaigns/987654321/grabs", MEMBER, KEY, 404, "CAMPAIGN_NOT_FOUND"));
        cases.add(grab("grab with SQL in the id", "/api/v1/campaigns/1%20OR%201=1/grabs", MEMBER, KEY, 400, "VALIDATION_FAILED"));
        cases.add(grab("path traversal", "/api/v1/campaigns/..%2F..%2Fetc%2Fpasswd/grabs", MEMBER, KEY, 400, "VALIDATION_FAILED"));
        cases.add(grab("a merchant grabbing", GRAB, MERCHANT, KEY, 403, "FORBIDDEN"));
        cases.add(grab("an admin grabbing", GRAB, ADMIN, KEY, 403, "FORBIDDEN"));
        cases.add(grab("grabbing without a token", GRAB, null, KEY, 401, "UNAUTHENTICATED"));
        cases.add(new Case("GET on grabs", HttpMethod.GET, GRAB, MEMBER, List.of(), null, null, 405, "METHOD_NOT_ALLOWED"));
        // Redeeming: codes, amounts, keys, roles.
        cases.add(redeem("redeem without Idempotency-Key", MERCHANT, List.of(), "{\"voucherCode\":\"1-AAAA-BBBB-CCCC\",\"orderAmountCents\":5000}",
                400, "VALIDATION_FAILED"));
        cases.add(redeem("redeem without a code", MERCHANT, KEY, "{\"orderAmountCents\":5000}", 400, "VALIDATION_FAILED"));
        cases.add(redeem("redeem a malformed code", MERCHANT, KEY, "{\"voucherCode\":\"<script>\",\"orderAmountCents\":5000}",
                400, "VALIDATION_FAILED"));
        cases.add(redeem("redeem an order of zero", MERCHANT, KEY, "{\"voucherCode\":\"1-AAAA-BBBB-CCCC\",\"orderAmountCents\":0}",
                400, "VALIDATION_FAILED"));
        cases.add(redeem("redeem a negative order", MERCHANT, KEY, "{\"voucherCode\":\"1-AAAA-BBBB-CCCC\",\"orderAmountCents\":-300}",
                400, "VALIDATION_FAILED"));
        cases.add(redeem("redeem an overflowing order", MERCHANT, KEY,
                "{\"voucherCode\":\"1-AAAA-BBBB-CCCC\",\"orderAmountCents\":99999999999999999999}", 400, "VALIDATION_FAILED"));
        cases.add(redeem("redeem an order in words", MERCHANT, KEY, "{\"voucherCode\":\"1-AAAA-BBBB-CCCC\",\"orderAmountCents\":\"ten\"}",
                400, "VALIDATION_FAILED"));
        cases.add(redeem("redeem an order with a fraction of a cent", MERCHANT, KEY,
                "{\"voucherCode\":\"1-AAAA-BBBB-CCCC\",\"orderAmountCents\":4500.5}", 400, "VALIDATION_FAILED"));
        cases.add(redeem("redeem an unknown voucher", MERCHANT, KEY,
                "{\"voucherCode\":\"987654399-AAAA-BBBB-CCCC\",\"orderAmountCents\":5000}", 404, "VOUCHER_NOT_FOUND"));
        cases.add(redeem("a member redeeming", MEMBER, KEY, "{\"voucherCode\":\"1-AAAA-BBBB-CCCC\",\"orderAmountCents\":5000}",
                403, "FORBIDDEN"));
        cases.add(redeem("redeem with a misspelt field", MERCHANT, KEY,
                "{\"voucherCode\":\"1-AAAA-BBBB-CCCC\",\"orderAmount\":5000}", 400, "VALIDATION_FAILED"));
        // Fairs and stall registrations (more, with a real fair, in StallBadInputTest).
        String fair = "{\"name\":\"Spring fair\",\"theme\":\"Food\",\"venue\":\"Square\",\"startsAt\":\"2030-05-08T09:00:00Z\","
                + "\"endsAt\":\"2030-05-09T18:00:00Z\",\"registrationOpensAt\":\"2030-05-01T09:00:00Z\","
                + "\"registrationClosesAt\":\"2030-05-02T09:00:00Z\",\"allocation\":\"%s\",\"categories\":[{\"code\":\"FOOD\","
                + "\"name\":\"Food\",\"stalls\":%d,\"feeCents\":15000}]}";
        cases.add(json("fair: broken JSON", HttpMethod.POST, "/api/v1/fairs", ADMIN, List.of(), "{\"name\":\"x\",", 400, "VALIDATION_FAILED"));
        cases.add(json("fair: unknown allocation", HttpMethod.POST, "/api/v1/fairs", ADMIN, List.of(), fair.formatted("AUCTION", 10),
                400, "VALIDATION_FAILED"));
        cases.add(json("fair: a category of zero stalls", HttpMethod.POST, "/api/v1/fairs", ADMIN, List.of(), fair.formatted("FIRST_COME", 0),
                400, "VALIDATION_FAILED"));
        cases.add(json("fair: a merchant creating one", HttpMethod.POST, "/api/v1/fairs", MERCHANT, List.of(),
                fair.formatted("FIRST_COME", 10), 403, "FORBIDDEN"));
        cases.add(json("registration at an unknown fair", HttpMethod.POST, "/api/v1/fairs/987654321/registrations", MERCHANT, KEY,
                "{\"category\":\"FOOD\",\"merchantName\":\"Noodles\",\"specialOffer\":false}", 404, "FAIR_NOT_FOUND"));
        cases.add(json("registration without Idempotency-Key", HttpMethod.POST, "/api/v1/fairs/987654321/registrations", MERCHANT,
                List.of(), "{\"category\":\"FOOD\",\"merchantName\":\"Noodles\",\"specialOffer\":false}", 400, "VALIDATION_FAILED"));
        cases.add(json("registration by a member", HttpMethod.POST, "/api/v1/fairs/987654321/registrations", MEMBER, KEY,
                "{\"category\":\"FOOD\",\"merchantName\":\"Noodles\",\"specialOffer\":false}", 403, "FORBIDDEN"));
        cases.add(new Case("a registration id that is not a UUID", HttpMethod.GET, "/api/v1/fairs/987654321/registrations/not-a-uuid",
                MERCHANT, List.of(), null, null, 400, "VALIDATION_FAILED"));
        cases.add(new Case("a fair id in letters", HttpMethod.GET, "/api/v1/fairs/abc", MEMBER, List.of(), null, null, 400,
                "VALIDATION_FAILED"));
        // Reading and administering.
        cases.add(new Case("a merchant reading a wallet", HttpMethod.GET, "/api/v1/me/vouchers", MERCHANT, List.of(), null, null,
                403, "FORBIDDEN"));
        cases.add(new Case("a wallet without a token", HttpMethod.GET, "/api/v1/me/vouchers", null, List.of(), null, null,
                401, "UNAUTHENTICATED"));
        cases.add(new Case("a member reading reconciliation", HttpMethod.GET, "/api/v1/ops/reconciliation", MEMBER, List.of(), null,
                null, 403, "FORBIDDEN"));
        cases.add(new Case("pausing an unknown campaign", HttpMethod.POST, "/api/v1/campaigns/987654321/pause", ADMIN, List.of(),
                null, null, 404, "CAMPAIGN_NOT_FOUND"));
        cases.add(new Case("a member pausing a campaign", HttpMethod.POST, "/api/v1/campaigns/%d/pause", MEMBER, List.of(),
                null, null, 403, "FORBIDDEN"));
        cases.add(new Case("an unknown route", HttpMethod.GET, "/api/v1/nothing-here", MEMBER, List.of(), null, null, 404, "NOT_FOUND"));
        cases.add(new Case("asking for XML", HttpMethod.GET, "/api/v1/campaigns/%d", MEMBER, List.of("Accept", "application/xml"),
                null, null, 406, "NOT_ACCEPTABLE"));
        cases.add(json("a dev token for an unknown role", HttpMethod.POST, "/api/v1/dev/tokens", null, List.of(),
                "{\"subject\":\"m-1\",\"roles\":[\"KING\"]}", 400, "VALIDATION_FAILED"));
        cases.add(json("a dev token for a subject with spaces", HttpMethod.POST, "/api/v1/dev/tokens", null, List.of(),
                "{\"subject\":\"m 1; drop\",\"roles\":[\"MEMBER\"]}", 400, "VALIDATION_FAILED"));
        return cases.stream();
    }

    @BeforeAll
    void probeCampaignAndSnapshot() {
        Api api = new Api(http);
        probe = api.createCampaign(Fixtures.openCampaign(100, 1));
        api.grabbed("probe-holder", probe);
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !api.wallet("probe-holder").isEmpty());
        before = snapshot();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("catalogue")
    void answersAClearProblem(Case c) {
        String uri = c.uri().contains("%d") ? c.uri().formatted(probe) : c.uri();
        // An absolute URI is sent as it is: encoded characters (%2F, %20) reach the server unchanged.
        var request = http.method(c.method()).uri(java.net.URI.create("http://127.0.0.1:" + port + uri));
        if (c.token() != null) {
            request = request.header("Authorization", "Bearer " + c.token());
        }
        for (int i = 0; i < c.headers().size(); i += 2) {
            request = request.header(c.headers().get(i), c.headers().get(i + 1));
        }
        WebTestClient.ResponseSpec response = c.body() == null
                ? request.exchange()
                : request.contentType(c.contentType()).bodyValue(c.body()).exchange();

        response.expectStatus().isEqualTo(c.status())
                .expectHeader().contentTypeCompatibleWith(MediaType.APPLICATION_PROBLEM_JSON)
                .expectBody().jsonPath("$.code").isEqualTo(c.code());
    }

    @AfterAll
    void nothingChanged() {
        assertThat(snapshot()).isEqualTo(before);
    }

    private Map<String, Object> snapshot() {
        String holders = rush.keyPrefix() + ":{c:" + probe + "}:holders";
        return Map.of(
                "campaigns", db.sql("select count(*) from campaign").map(row -> row.get(0, Long.class)).one().block(),
                "vouchers", db.sql("select count(*) from voucher where campaign_id = :c").bind("c", probe)
                        .map(row -> row.get(0, Long.class)).one().block(),
                "redemptions", db.sql("select count(*) from redemption").map(row -> row.get(0, Long.class)).one().block(),
                "fairs", db.sql("select count(*) from fair").map(row -> row.get(0, Long.class)).one().block(),
                "remaining", new Api(http).campaign(probe).get("remaining"),
                "holders", redis.<String, String>opsForHash().entries(holders).collectList().block().toString());
    }
}
