package org.fairrush.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one run saw of one fair: every registration answered 201 (confirmed with a stall number, or
 * waitlisted), each merchant's token, and the final outcomes. Checked against the service after the run.
 */
final class StallLedger {

    record Registration(String registrationId, String merchantId, String category, String status, String stallNumber) {

        boolean confirmed() {
            return "CONFIRMED".equals(status);
        }
    }

    private volatile Api.FairRef fair;
    private final Map<String, Registration> registrations = new ConcurrentHashMap<>();
    private final Map<String, String> tokens = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    /** Per category, merchants who stopped asking without an answer they could read (BUSY to the end, or none). */
    private final Map<String, AtomicLong> unknown = new ConcurrentHashMap<>();

    void follow(Api.FairRef fair) {
        this.fair = fair;
    }

    Api.FairRef fair() {
        return fair;
    }

    void signedIn(String merchantId, String token) {
        tokens.put(merchantId, token);
    }

    String token(String merchantId) {
        return tokens.get(merchantId);
    }

    void registered(Registration registration) {
        registrations.putIfAbsent(registration.registrationId(), registration);
    }

    void outcome(String name) {
        outcomes.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
    }

    /**
     * A merchant who gave up without knowing (503 BUSY to the last attempt, or no answer): the registration may have
     * been taken all the same (a claim kept while Kafka was slow, an answer lost on the way), so the checks count it as
     * possibly holding a stall of its category, never as certainly holding none.
     */
    void outcomeUnknown(String category) {
        unknown.computeIfAbsent(category, c -> new AtomicLong()).incrementAndGet();
    }

    private long unknownIn(String category) {
        AtomicLong count = unknown.get(category);
        return count == null ? 0 : count.get();
    }

    Map<String, Long> outcomes() {
        return outcomes.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
    }

    long confirmedCount() {
        return registrations.values().stream().filter(Registration::confirmed).count();
    }

    long waitlistedCount() {
        return registrations.values().stream().filter(r -> "WAITLISTED".equals(r.status())).count();
    }

    /**
     * Invariant 4 and first-come order as the 201 answers tell it: a stall held once, a merchant with at
     * most one registration per fair, no category confirmed beyond its stalls, nobody waitlisted in a
     * category that still had stalls. Empty when all hold.
     */
    String violations() {
        List<String> broken = new ArrayList<>();
        Map<String, List<Registration>> byStall = registrations.values().stream().filter(Registration::confirmed)
                .collect(Collectors.groupingBy(r -> r.category() + "#" + r.stallNumber()));
        byStall.forEach((stall, holders) -> {
            if (holders.size() > 1) {
                broken.add("stall " + stall + " held by " + holders.size());
            }
        });
        registrations.values().stream().collect(Collectors.groupingBy(Registration::merchantId, Collectors.counting()))
                .forEach((merchant, count) -> {
                    if (count > 1) {
                        broken.add("merchant " + merchant + " registered " + count + " times");
                    }
                });
        fair.stallsByCategory().forEach((category, stalls) -> {
            long confirmed = confirmedIn(category);
            if (confirmed > stalls) {
                broken.add(category + " confirmed " + confirmed + " of " + stalls + " stalls");
            }
            boolean waitlisted = registrations.values().stream()
                    .anyMatch(r -> r.category().equals(category) && "WAITLISTED".equals(r.status()));
            if (waitlisted && confirmed + unknownIn(category) < stalls) {
                broken.add(category + " waitlisted while " + (stalls - confirmed - unknownIn(category)) + " stalls were free");
            }
        });
        Collections.sort(broken);
        return String.join("; ", broken);
    }

    long confirmedIn(String category) {
        return registrations.values().stream().filter(r -> r.confirmed() && r.category().equals(category)).count();
    }

    /**
     * The fair as GET /fairs/{id} shows it against the 201s: per category, stalls left is not negative and
     * stalls - left is at least the confirmations seen and at most those plus the merchants whose outcome is
     * unknown. Empty when all hold.
     */
    String fairViewViolations(String fairJson) {
        List<String> broken = new ArrayList<>();
        JsonNode categories = Api.parse(fairJson).path("categories");
        for (Map.Entry<String, Integer> category : fair.stallsByCategory().entrySet()) {
            JsonNode shown = null;
            for (JsonNode candidate : categories) {
                if (category.getKey().equals(candidate.path("code").asText())) {
                    shown = candidate;
                }
            }
            if (shown == null) {
                broken.add(category.getKey() + " missing");
                continue;
            }
            long left = stallsLeft(shown);
            long confirmed = confirmedIn(category.getKey());
            long taken = category.getValue() - left;
            if (left < 0 || taken < confirmed || taken > confirmed + unknownIn(category.getKey())) {
                broken.add(category.getKey() + ": " + left + " left of " + category.getValue() + " but " + confirmed + " confirmed");
            }
        }
        return String.join("; ", broken);
    }

    /** docs/design.md names it "stalls left"; the field's exact name is the stall feature's to choose. */
    private static long stallsLeft(JsonNode category) {
        for (String name : List.of("stallsLeft", "remaining", "available", "left", "free", "stallsAvailable")) {
            if (category.has(name)) {
                return category.get(name).asLong();
            }
        }
        return Long.MIN_VALUE;
    }

    List<Object> sampleOfRegistered(int size) {
        List<String> merchants = registrations.values().stream().map(Registration::merchantId).distinct().sorted()
                .collect(Collectors.toList());
        if (merchants.size() <= size) {
            return new ArrayList<>(merchants);
        }
        List<Object> sample = new ArrayList<>(size);
        double step = (double) merchants.size() / size;
        for (int i = 0; i < size; i++) {
            sample.add(merchants.get((int) (i * step)));
        }
        return sample;
    }

    /** This merchant's 201 registrations of this fair that GET /me/registrations does not show (yet) with the same status. */
    int missingFromMine(String merchantId, String mineJson) {
        Set<String> shown = new java.util.HashSet<>();
        for (JsonNode registration : Api.parse(mineJson)) {
            String id = registration.has("registrationId") ? registration.get("registrationId").asText() : registration.path("id").asText();
            shown.add(id + "/" + registration.path("status").asText());
        }
        return (int) registrations.values().stream()
                .filter(r -> r.merchantId().equals(merchantId))
                .filter(r -> !shown.contains(r.registrationId() + "/" + r.status()))
                .count();
    }
}
