package org.fairrush.web;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.util.UriComponentsBuilder;

/**
 * One page of a list: the request's {@code limit} (default and maximum per list) and opaque {@code cursor}, and
 * the answer: the items as a JSON array (what the lists always answered) and, when more follow, a
 * {@code Link: <...>; rel="next"} header whose URL carries the next cursor. A cursor is the sort key of the last
 * item shown (keyset pagination), base64url-encoded: a page costs the same however deep it is, and an item
 * added or removed meanwhile never shifts the pages after it.
 *
 * @param after the sort key of the last item of the previous page, empty on the first page
 */
public record Page(int limit, Optional<List<String>> after) {

    private static final String SEPARATOR = "\u001f";
    private static final int MAX_CURSOR = 512;

    /**
     * Reads {@code limit} and {@code cursor}; VALIDATION_FAILED naming the parameter when one is not valid.
     *
     * @param parts how many values a cursor of this list holds
     */
    public static Page of(String limit, String cursor, int defaultLimit, int maxLimit, int parts) {
        return new Page(limit(limit, defaultLimit, maxLimit), cursor == null || cursor.isEmpty() ? Optional.empty() : Optional.of(decode(cursor, parts)));
    }

    private static int limit(String text, int defaultLimit, int maxLimit) {
        if (text == null || text.isEmpty()) {
            return defaultLimit;
        }
        try {
            int limit = Integer.parseInt(text);
            if (limit >= 1 && limit <= maxLimit) {
                return limit;
            }
        } catch (NumberFormatException notANumber) {
            // answered below
        }
        throw ApiProblem.invalid("limit", "must be a whole number from 1 to " + maxLimit);
    }

    private static List<String> decode(String cursor, int parts) {
        try {
            if (cursor.length() <= MAX_CURSOR) {
                String text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
                List<String> values = Arrays.asList(text.split(SEPARATOR, -1));
                if (values.size() == parts) {
                    return values;
                }
            }
        } catch (IllegalArgumentException notBase64) {
            // answered below
        }
        throw invalidCursor();
    }

    /** VALIDATION_FAILED for a cursor whose values the list cannot read (they came from elsewhere). */
    public static ApiProblem invalidCursor() {
        return ApiProblem.invalid("cursor", "is not a cursor of this list; use the Link rel=\"next\" URL of the previous page");
    }

    /** The cursor's value at {@code index} read as a {@code type}, or VALIDATION_FAILED when it cannot be one. */
    public <T> T value(int index, Function<String, T> type) {
        try {
            return type.apply(after.orElseThrow().get(index));
        } catch (RuntimeException unreadable) {
            throw invalidCursor();
        }
    }

    static String encode(List<String> values) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(String.join(SEPARATOR, values).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The answer of a page: the items, and the next page's link when the list had more than {@code limit} (the
     * caller fetches {@code limit + 1} items to know).
     *
     * @param sortKey the values of an item that the list is ordered by, ending with a unique one
     */
    public <T> ResponseEntity<List<T>> answer(ServerHttpRequest request, List<T> fetched, Function<T, List<String>> sortKey) {
        if (fetched.size() <= limit) {
            return ResponseEntity.ok(fetched);
        }
        List<T> items = new ArrayList<>(fetched.subList(0, limit));
        String next = UriComponentsBuilder.fromPath(request.getPath().value())
                .queryParam("limit", limit)
                .queryParam("cursor", encode(sortKey.apply(items.get(items.size() - 1))))
                .build().toUriString();
        return ResponseEntity.ok().header(HttpHeaders.LINK, "<" + next + ">; rel=\"next\"").body(items);
    }
}
