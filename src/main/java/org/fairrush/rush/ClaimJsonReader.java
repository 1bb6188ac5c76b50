package org.fairrush.rush;

import java.time.Instant;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;

import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a {@link ClaimRecorded} from its JSON token by token, as {@link ClaimCodec} writes it: the persister parses
 * every claim of a rush, and data binding (a record built through its creator, the time through a date formatter) was
 * the larger part of that (docs/benchmarks.md, issue 13). Anything it does not expect (another token type, a time in
 * another form, content after the object) it leaves to data binding, which then reads the text as it always did or
 * refuses it: the two never disagree on what a claim says.
 */
final class ClaimJsonReader {

    private final JsonMapper json;

    ClaimJsonReader(JsonMapper json) {
        this.json = json;
    }

    ClaimRecorded read(String text) {
        ClaimRecorded claim = readExpected(text);
        return claim != null ? claim : json.readValue(text, ClaimRecorded.class);
    }

    /** The claim, or null when the text is not in the expected form (data binding decides then). */
    private ClaimRecorded readExpected(String text) {
        int schemaVersion = 0;
        int seq = 0;
        int revision = 0;
        UUID eventId = null;
        Instant occurredAt = null;
        String kind = null;
        String scope = null;
        String pool = null;
        String actorId = null;
        String item = null;
        String status = null;
        Map<String, String> attributes = null;
        int numbers = 0;
        try (JsonParser parser = json.createParser(text)) {
            if (parser.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String name;
            while ((name = parser.nextName()) != null) {
                JsonToken token = parser.nextToken();
                switch (name) {
                    case "schemaVersion", "seq", "revision" -> {
                        if (token != JsonToken.VALUE_NUMBER_INT) {
                            return null;
                        }
                        int value = parser.getIntValue();
                        numbers++;
                        switch (name) {
                            case "schemaVersion" -> schemaVersion = value;
                            case "seq" -> seq = value;
                            default -> revision = value;
                        }
                    }
                    case "attributes" -> {
                        attributes = token == JsonToken.VALUE_NULL ? null : stringMap(parser, token);
                        if (token != JsonToken.VALUE_NULL && attributes == null) {
                            return null;
                        }
                    }
                    default -> {
                        if (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NULL) {
                            return null;
                        }
                        String value = token == JsonToken.VALUE_NULL ? null : parser.getString();
                        switch (name) {
                            case "eventId" -> {
                                // UUID.fromString takes shortened forms ("1-2-3-4-5") that data binding refuses.
                                if (value != null && value.length() != 36) {
                                    return null;
                                }
                                eventId = value == null ? null : UUID.fromString(value);
                            }
                            case "occurredAt" -> {
                                occurredAt = value == null ? null : utcInstant(value);
                                if (value != null && occurredAt == null) {
                                    return null;
                                }
                            }
                            case "kind" -> kind = value;
                            case "scope" -> scope = value;
                            case "pool" -> pool = value;
                            case "actorId" -> actorId = value;
                            case "item" -> item = value;
                            case "status" -> status = value;
                            default -> {
                                return null;
                            }
                        }
                    }
                }
            }
            // A number missing (data binding refuses a missing int), or given twice: data binding says what it means.
            if (parser.nextToken() != null || numbers != 3) {
                return null;
            }
        } catch (RuntimeException unexpected) {
            return null;
        }
        return new ClaimRecorded(schemaVersion, eventId, occurredAt, kind, scope, pool, actorId, item, seq, status, attributes, revision);
    }

    private static Map<String, String> stringMap(JsonParser parser, JsonToken start) {
        if (start != JsonToken.START_OBJECT) {
            return null;
        }
        Map<String, String> map = new HashMap<>(4);
        String name;
        while ((name = parser.nextName()) != null) {
            JsonToken token = parser.nextToken();
            if (token != JsonToken.VALUE_STRING && token != JsonToken.VALUE_NULL) {
                return null;
            }
            map.put(name, token == JsonToken.VALUE_NULL ? null : parser.getString());
        }
        return map;
    }

    /**
     * An instant written as {@code Instant.toString} writes it in UTC ({@code 2026-12-02T06:54:46.123456Z}, 0 to 9
     * digits of fraction), or null for any other form.
     */
    static Instant utcInstant(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 7);
        int day = digits(text, 8, 10);
        int hour = digits(text, 11, 13);
        int minute = digits(text, 14, 16);
        int second = digits(text, 17, 19);
        int nanos = 0;
        if (length > 20) {
            int fraction = length - 21;
            if (text.charAt(19) != '.' || fraction < 1 || fraction > 9) {
                return null;
            }
            nanos = digits(text, 20, length - 1);
            for (int i = fraction; i < 9 && nanos >= 0; i++) {
                nanos *= 10;
            }
        }
        if (year < 0 || month < 1 || month > 12 || day < 1 || day > 31 || hour < 0 || hour > 23 || minute < 0 || minute > 59
                || second < 0 || second > 59 || nanos < 0) {
            return null;
        }
        try {
            long days = LocalDate.of(year, month, day).toEpochDay();
            return Instant.ofEpochSecond(days * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
        } catch (RuntimeException invalidDate) {
            return null;
        }
    }

    /** The decimal number of text[from, to), or -1 if a character is not a digit. */
    private static int digits(String text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
