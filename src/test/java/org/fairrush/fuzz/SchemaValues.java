package org.fairrush.fuzz;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

import tools.jackson.databind.JsonNode;

/**
 * Values for a JSON schema of the OpenAPI document, valid or not: a well-formed value of the schema (its example
 * where the document has one), and mutations of it that a client could send: a field removed, an unknown one
 * added, wrong types, boundary and huge numbers, huge strings, Unicode of every kind, control characters.
 */
final class SchemaValues {

    private static final List<Object> NASTY = List.of(
            "", " ", "\u0000", "a\u0000b", "\u001b[31m", "line\r\nbreak", "\t", "\u202etxt.exe", "e\u0301", "\uD83D\uDE00\uD83D\uDC4D",
            "\u0000\u0001\u0002", "\uFEFF", "\u00A0", "'; drop table fair; --", "=cmd|' /C calc'!A0", "../../etc/passwd", "%00",
            "${jndi:ldap://x}", "<script>alert(1)</script>", "null", "true", "-0", "1e309", "NaN", "2030-02-30T25:61:61Z",
            "0001-01-01T00:00:00Z", "+999999999-12-31T23:59:59Z", "2030-05-01T10:00:00+25:00", "P-1D", "\u4E2D\u6587\u540D\u5B57",
            0, -1, 1, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, 1.5, -0.0, 1e308, true, false);

    private final JsonNode components;
    private final Random random;

    SchemaValues(JsonNode document, Random random) {
        this.components = document.at("/components/schemas");
        this.random = random;
    }

    JsonNode resolve(JsonNode schema) {
        JsonNode ref = schema.get("$ref");
        return ref == null ? schema : components.get(ref.asString().substring(ref.asString().lastIndexOf('/') + 1));
    }

    /** A value of the schema with every property (the document's example where it has one). */
    Object valid(JsonNode schema, int depth) {
        JsonNode s = resolve(schema);
        if (s.has("enum")) {
            return s.get("enum").get(random.nextInt(s.get("enum").size())).asString();
        }
        String type = type(s);
        return switch (type) {
            case "object" -> {
                Map<String, Object> object = new LinkedHashMap<>();
                if (depth < 6 && s.has("properties")) {
                    s.get("properties").properties().forEach(property -> object.put(property.getKey(), valid(property.getValue(), depth + 1)));
                }
                yield object;
            }
            case "array" -> {
                List<Object> items = new ArrayList<>();
                for (int i = 0, n = 1 + random.nextInt(2); depth < 6 && s.has("items") && i < n; i++) {
                    items.add(valid(s.get("items"), depth + 1));
                }
                yield items;
            }
            case "integer" -> {
                long min = s.has("minimum") ? s.get("minimum").asLong() : 0;
                long max = s.has("maximum") ? s.get("maximum").asLong() : 1000;
                yield min + (long) (random.nextDouble() * Math.max(1, Math.min(max - min, 1000)));
            }
            case "number" -> random.nextInt(1000);
            case "boolean" -> random.nextBoolean();
            default -> string(s);
        };
    }

    private String string(JsonNode s) {
        String format = s.has("format") ? s.get("format").asString() : "";
        return switch (format) {
            case "date-time" -> Instant.now().plus(random.nextInt(48) - 1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS).toString();
            case "uuid" -> UUID.randomUUID().toString();
            default -> "fuzz-" + Integer.toString(random.nextInt(1_000_000), 36);
        };
    }

    private static String type(JsonNode s) {
        JsonNode type = s.get("type");
        if (type == null) {
            return s.has("properties") ? "object" : "string";
        }
        if (type.isArray()) {
            for (JsonNode each : type) {
                if (!"null".equals(each.asString())) {
                    return each.asString();
                }
            }
        }
        return type.asString();
    }

    /** A value a client should not send: of another type, out of bounds, huge, or full of odd characters. */
    Object nasty() {
        return switch (random.nextInt(6)) {
            case 0 -> "x".repeat(1 + random.nextInt(3) == 1 ? 70_000 : 2_000);
            case 1 -> randomUnicode(1 + random.nextInt(300));
            case 2 -> Map.of("nested", List.of(1, "two", Map.of()));
            case 3 -> List.of("a", 1, false);
            case 4 -> null;
            default -> NASTY.get(random.nextInt(NASTY.size()));
        };
    }

    String randomUnicode(int length) {
        StringBuilder text = new StringBuilder();
        while (text.length() < length) {
            int codePoint = switch (random.nextInt(4)) {
                case 0 -> random.nextInt(0x20);
                case 1 -> 0x20 + random.nextInt(0x5F);
                case 2 -> 0x80 + random.nextInt(0xFFFF - 0x80);
                default -> 0x10000 + random.nextInt(0x10FFFF - 0x10000);
            };
            text.appendCodePoint(codePoint);
        }
        return text.toString();
    }

    /** The value with one part changed: a property removed, added, or replaced by a nasty value (recursively). */
    @SuppressWarnings("unchecked")
    Object mutate(Object value, int depth) {
        if (value instanceof Map<?, ?> map && !map.isEmpty() && depth < 6) {
            Map<String, Object> copy = new LinkedHashMap<>((Map<String, Object>) map);
            List<String> keys = new ArrayList<>(copy.keySet());
            String key = keys.get(random.nextInt(keys.size()));
            switch (random.nextInt(5)) {
                case 0 -> copy.remove(key);
                case 1 -> copy.put("unexpected" + random.nextInt(10), nasty());
                case 2 -> copy.put(key, nasty());
                default -> copy.put(key, mutate(copy.get(key), depth + 1));
            }
            return copy;
        }
        if (value instanceof List<?> list && !list.isEmpty() && depth < 6) {
            List<Object> copy = new ArrayList<>(list);
            int i = random.nextInt(copy.size());
            if (random.nextBoolean()) {
                copy.set(i, mutate(copy.get(i), depth + 1));
            } else {
                for (int n = random.nextInt(3) == 0 ? 5000 : 3; n > 0; n--) {
                    copy.add(copy.get(i));
                }
            }
            return copy;
        }
        if (value instanceof Number number && random.nextBoolean()) {
            long[] edges = {0, -1, number.longValue() - 1, number.longValue() + 1, Integer.MAX_VALUE + 1L, Long.MAX_VALUE};
            return edges[random.nextInt(edges.length)];
        }
        return nasty();
    }
}
