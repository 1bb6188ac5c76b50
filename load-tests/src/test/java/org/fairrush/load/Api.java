package org.fairrush.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The few calls a simulation makes outside the measured load: tokens, creating the campaign or fair a
 * run rushes at. Plain JDK HTTP, so set-up never shows in Gatling's statistics.
 */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Api() {
    }

    static String token(String subject, String role) {
        JsonNode answer = send("POST", Settings.tokenUrl(), null, Map.of("subject", subject, "roles", List.of(role)), 200);
        return answer.get("token").asText();
    }

    /** Tokens for many actors of one role, issued up front (merchants at a till, browsing members). */
    static List<String> tokens(String prefix, String role, int count) {
        List<String> tokens = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            tokens.add(token(prefix + i, role));
        }
        return tokens;
    }

    /** A campaign whose grab window opens at {@code opensAt} and whose vouchers can be redeemed at once. */
    static CampaignRef createCampaign(String adminToken, String name, int stock, int perMemberLimit, Instant opensAt,
            long amountOffCents, long minSpendCents) {
        return createCampaign(adminToken, name, stock, perMemberLimit, opensAt, amountOffCents, minSpendCents, Map.of());
    }

    /** @param couponRules further fields of the campaign (docs/design.md section 7.1), e.g. dailyStock, validity */
    static CampaignRef createCampaign(String adminToken, String name, int stock, int perMemberLimit, Instant opensAt,
            long amountOffCents, long minSpendCents, Map<String, Object> couponRules) {
        Map<String, Object> body = campaignBody(name, stock, perMemberLimit, opensAt, amountOffCents, minSpendCents);
        body.putAll(couponRules);
        JsonNode created = send("POST", Settings.baseUrl() + "/api/v1/campaigns", adminToken, body, 201);
        return new CampaignRef(created.get("id").asLong(), stock, perMemberLimit, opensAt, amountOffCents, minSpendCents);
    }

    /**
     * A campaign with a randomized opening of {@code window} from {@code opensAt}, one voucher per member, whose seed the
     * service generates and draws with by itself (docs/design.md section 7.1). Answers the created campaign.
     */
    static JsonNode createRandomizedOpening(String adminToken, String name, int stock, Instant opensAt, Duration window) {
        Map<String, Object> body = campaignBody(name, stock, 1, opensAt, 500, 2000);
        body.put("allocation", "RANDOMIZED_OPENING");
        body.put("openingWindow", window.toString());
        return send("POST", Settings.baseUrl() + "/api/v1/campaigns", adminToken, body, 201);
    }

    private static Map<String, Object> campaignBody(String name, int stock, int perMemberLimit, Instant opensAt,
            long amountOffCents, long minSpendCents) {
        Instant now = Instant.now();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("stock", stock);
        body.put("perMemberLimit", perMemberLimit);
        body.put("grabStartsAt", opensAt.toString());
        body.put("grabEndsAt", opensAt.plus(Duration.ofHours(2)).toString());
        body.put("redeemStartsAt", now.minusSeconds(60).toString());
        body.put("redeemEndsAt", now.plus(Duration.ofDays(7)).toString());
        body.put("discount", Map.of("type", "AMOUNT_OFF", "amountOffCents", amountOffCents, "minSpendCents", minSpendCents));
        return body;
    }

    /** A first-come fair whose registration opens at {@code opensAt} (docs/design.md section 7). */
    static FairRef createFair(String adminToken, String name, Map<String, Integer> stallsByCategory, Instant opensAt) {
        return createFair(adminToken, name, stallsByCategory, opensAt, Map.of());
    }

    /** @param options further fields of the fair (docs/design.md section 7.1), e.g. {@code waitlist} */
    static FairRef createFair(String adminToken, String name, Map<String, Integer> stallsByCategory, Instant opensAt,
            Map<String, Object> options) {
        Instant fairDay = opensAt.plus(Duration.ofDays(14));
        List<Map<String, Object>> categories = new ArrayList<>();
        stallsByCategory.forEach((code, stalls) -> categories.add(Map.of("code", code, "name", code.charAt(0)
                + code.substring(1).toLowerCase(), "stalls", stalls, "feeCents", 5000)));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("theme", "Load test");
        body.put("venue", "Union hall");
        body.put("startsAt", fairDay.toString());
        body.put("endsAt", fairDay.plus(Duration.ofHours(8)).toString());
        body.put("registrationOpensAt", opensAt.toString());
        body.put("registrationClosesAt", opensAt.plus(Duration.ofDays(7)).toString());
        body.put("allocation", "FIRST_COME");
        body.put("categories", categories);
        body.putAll(options);
        JsonNode created = send("POST", Settings.baseUrl() + "/api/v1/fairs", adminToken, body, 201);
        return new FairRef(created.get("id").asLong(), Map.copyOf(stallsByCategory), opensAt);
    }

    static JsonNode parse(String body) {
        try {
            return JSON.readTree(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode send(String method, String url, String token, Object body, int expectedStatus) {
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
            if (token != null) {
                request.header("Authorization", "Bearer " + token);
            }
            HttpResponse<String> response = CLIENT.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != expectedStatus) {
                throw new IllegalStateException(method + " " + url + " answered " + response.statusCode() + ": " + response.body());
            }
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(method + " " + url + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    record CampaignRef(long id, int stock, int perMemberLimit, Instant opensAt, long amountOffCents, long minSpendCents) {

        String path() {
            return "/api/v1/campaigns/" + id;
        }
    }

    record FairRef(long id, Map<String, Integer> stallsByCategory, Instant opensAt) {

        String path() {
            return "/api/v1/fairs/" + id;
        }

        int stalls() {
            return stallsByCategory.values().stream().mapToInt(Integer::intValue).sum();
        }
    }
}
