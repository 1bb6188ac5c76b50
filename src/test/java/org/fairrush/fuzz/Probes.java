package org.fairrush.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.fairrush.devstack.DevTokens;
import org.springframework.http.HttpMethod;
import org.springframework.web.util.UriUtils;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The requests of the fuzzer, one operation of the OpenAPI document at a time: about two in three are valid or
 * nearly so (so that the service gets past its first checks and does real work), the others broken in one or more
 * places. Ids in valid paths are the fixtures' (a campaign, a fair, its registrations), except for the operations
 * that rebuild a pool from Postgres, which get only ids that do not exist.
 */
final class Probes {

    /** One documented operation: method, path template, its parameters and request body schema. */
    record Operation(HttpMethod method, String path, List<JsonNode> parameters, JsonNode body, JsonNode example) {

        String name() {
            return method.name() + " " + path;
        }
    }

    private static final List<String> BAD_IDS = List.of("-1", "0", "99999999999999999999", "abc", "1.0", "\uD83D\uDE00", " ", "1;2",
            "%00", "1e3", "0x10", "\u0661", "9223372036854775807", "-9223372036854775808");
    private static final List<String> BAD_KEYS = List.of("", "short", "x".repeat(65), "key with spaces", "k\u00e9y-\u00e9\u00e9\u00e9\u00e9",
            "../../../etc", "%00%00%00%00%00", "*".repeat(20));
    private static final List<String> RAW_BODIES = List.of("", "{", "[]", "null", "\"text\"", "{\"a\":1,}", "{'single':1}",
            "[".repeat(3000) + "]".repeat(3000), "{\"x\":" + "[".repeat(1500) + "]".repeat(1500) + "}", "\u0000\u0001", "{\"\u0000\":1}",
            "{\"name\":\"\\ud800\"}", "{\"stock\":1e400}", "{\"orderAmountCents\":-0.0}", "\uFEFF{}");

    private final List<Operation> operations = new ArrayList<>();
    private final ApiFuzzTest.World world;
    private final SchemaValues values;
    private final Random random;
    private final JsonMapper json;

    Probes(JsonNode document, ApiFuzzTest.World world, SchemaValues values, Random random, JsonMapper json) {
        this.world = world;
        this.values = values;
        this.random = random;
        this.json = json;
        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            JsonNode operation = entry.getValue();
            List<JsonNode> parameters = new ArrayList<>();
            operation.path("parameters").forEach(parameters::add);
            JsonNode media = operation.at("/requestBody/content/application~1json");
            operations.add(new Operation(HttpMethod.valueOf(entry.getKey().toUpperCase()), path.getKey(), parameters,
                    media.isMissingNode() ? null : media.get("schema"), media.isMissingNode() ? null : media.get("example")));
        }));
    }

    ApiFuzzTest.Probe next() {
        Operation operation = operations.get(random.nextInt(operations.size()));
        boolean valid = random.nextInt(3) > 0;
        Map<String, String> headers = new LinkedHashMap<>();
        Map<String, String> query = new LinkedHashMap<>();
        String path = operation.path();
        for (JsonNode parameter : operation.parameters()) {
            String name = parameter.get("name").asString();
            String where = parameter.get("in").asString();
            boolean thisOneValid = valid || random.nextBoolean();
            switch (where) {
                case "path" -> path = path.replace("{" + name + "}", UriUtils.encodePathSegment(pathValue(operation, name, thisOneValid),
                        StandardCharsets.UTF_8));
                case "query" -> {
                    if (random.nextBoolean()) {
                        query.put(name, queryValue(name, thisOneValid));
                    }
                }
                case "header" -> {
                    if (thisOneValid || random.nextInt(4) > 0) {
                        headers.put(name, thisOneValid ? ApiFuzzTest.randomKey(random) : pick(BAD_KEYS));
                    }
                }
                default -> {
                }
            }
        }
        headers.putAll(authorization(operation, valid));
        byte[] body = null;
        if (operation.body() != null || !valid && random.nextInt(4) == 0) {
            body = body(operation, valid);
            headers.put("Content-Type", valid || random.nextBoolean() ? "application/json"
                    : pick(List.of("text/plain", "application/json; charset=ISO-8859-1", "application/x-www-form-urlencoded", "application/xml")));
        }
        if (!valid && random.nextInt(4) == 0) {
            headers.put("Accept", pick(List.of("application/xml", "text/csv", "*/*", "image/png", "application/json;q=0")));
        }
        return new ApiFuzzTest.Probe(operation.method(), ApiFuzzTest.uri(path, query), headers, body, operation.name());
    }

    private String pathValue(Operation operation, String name, boolean valid) {
        if (!valid) {
            return pick(BAD_IDS);
        }
        if (name.equals("redemptionId") || name.equals("voucherId")) {
            return java.util.UUID.randomUUID().toString();
        }
        if (name.equals("registrationId")) {
            return random.nextInt(3) == 0 ? java.util.UUID.randomUUID().toString() : pick(world.registrationIds());
        }
        if (operation.path().endsWith("/rebuild") || random.nextInt(8) == 0) {
            return Long.toString(900_000_000L + random.nextInt(1_000_000));
        }
        return Long.toString(operation.path().startsWith("/api/v1/fairs") ? world.fairId() : world.campaignId());
    }

    private String queryValue(String name, boolean valid) {
        if (name.equals("limit")) {
            return valid ? Integer.toString(1 + random.nextInt(50)) : pick(List.of("0", "-1", "100000", "abc", "1.5", "", "\u0661"));
        }
        return valid ? java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(
                ("2030-01-01T00:00:00Z\u001f" + random.nextInt(1000)).getBytes(StandardCharsets.UTF_8))
                : values.randomUnicode(1 + random.nextInt(40));
    }

    /** The role a route is for (docs/security.md); a valid probe mostly carries it, so that the route does its work. */
    private static String roleOf(Operation operation) {
        String path = operation.path();
        if (path.endsWith("/grabs") || path.equals("/api/v1/me/vouchers")) {
            return "MEMBER";
        }
        if (path.equals("/api/v1/redemptions") || path.endsWith("/refund") || path.equals("/api/v1/me/registrations")
                || operation.method() == HttpMethod.POST && path.endsWith("/registrations")) {
            return "MERCHANT";
        }
        return operation.method() == HttpMethod.GET && !path.contains("/ops/") && !path.endsWith("/registrations") ? "MEMBER" : "ADMIN";
    }

    private Map<String, String> authorization(Operation operation, boolean valid) {
        int roll = random.nextInt(20);
        String token;
        if (valid && roll >= 6 && !operation.path().endsWith("/ops/live")) {
            token = pick(world.tokens().get(roleOf(operation)));
        } else if (roll == 0) {
            return Map.of();
        } else if (roll == 1) {
            token = "not.a.token";
        } else if (roll == 2) {
            token = DevTokens.issue("expired", List.of("ADMIN"), java.time.Duration.ofSeconds(-120));
        } else {
            List<String> roles = List.of("MEMBER", "MERCHANT", "ADMIN");
            String role = roles.get(random.nextInt(roles.size()));
            // The live stream stays open for minutes with an admin's token; other roles are refused at once.
            if (operation.path().endsWith("/ops/live") && role.equals("ADMIN")) {
                role = "MEMBER";
            }
            token = pick(world.tokens().get(role));
        }
        return Map.of("Authorization", (random.nextInt(30) == 0 ? "Basic " : "Bearer ") + token);
    }

    private byte[] body(Operation operation, boolean valid) {
        if (!valid && random.nextInt(4) == 0) {
            return pick(RAW_BODIES).getBytes(StandardCharsets.UTF_8);
        }
        Object base = operation.example() != null && random.nextBoolean()
                ? json.convertValue(operation.example(), Object.class)
                : operation.body() != null ? values.valid(operation.body(), 0) : Map.of("unexpected", true);
        Object value = valid ? (random.nextInt(3) == 0 ? values.mutate(base, 0) : base) : mutateSeveral(base);
        return json.writeValueAsBytes(value);
    }

    private Object mutateSeveral(Object base) {
        Object value = base;
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            value = values.mutate(value, 0);
        }
        return value;
    }

    private <T> T pick(List<T> choices) {
        return choices.get(random.nextInt(choices.size()));
    }
}
