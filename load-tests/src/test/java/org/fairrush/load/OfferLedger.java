package org.fairrush.load;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What one run saw of a fair whose waiting list offers freed stalls (docs/design.md section 7.1, {@code waitlist.mode:
 * OFFER}): each registration's first answer (a stall, or a place in the line), the offers merchants saw while polling
 * and how they answered, and who left. Checked against the service's fair and registrations after the run.
 */
final class OfferLedger {

    /** A registration as its 201 answered: CONFIRMED with a stall, or WAITLISTED at {@code position} (1 = first). */
    record Registered(String registrationId, String merchantId, String status, String stallNumber, long position) {
    }

    /** An offer a merchant saw from {@code seenAt} until it sent its answer at {@code answeredAt} (or never: Long.MAX_VALUE). */
    record Offer(String registrationId, String stallNumber, long seenAt, long answeredAt) {
    }

    private volatile Api.FairRef fair;
    private final Map<String, Registered> registered = new ConcurrentHashMap<>();
    private final List<Offer> offers = new CopyOnWriteArrayList<>();
    private final Map<String, String> accepted = new ConcurrentHashMap<>();
    private final Set<String> left = ConcurrentHashMap.newKeySet();
    private final Map<String, AtomicLong> outcomes = new ConcurrentHashMap<>();
    private final AtomicLong answered = new AtomicLong();

    void follow(Api.FairRef fair) {
        this.fair = fair;
    }

    Api.FairRef fair() {
        return fair;
    }

    /** A registration's first request answered (201 or not): when all have, the line is what the 201s said. */
    void answered(Registered registration) {
        if (registration != null) {
            registered.putIfAbsent(registration.registrationId(), registration);
        }
        answered.incrementAndGet();
    }

    long answeredCount() {
        return answered.get();
    }

    void offered(Offer offer) {
        offers.add(offer);
    }

    /** An accept answered 200 CONFIRMED with this stall. */
    void accepted(String registrationId, String stallNumber) {
        accepted.put(registrationId, stallNumber);
    }

    /** A merchant cancelled (a stall holder giving it back, or someone leaving the line): 204. */
    void left(String registrationId) {
        left.add(registrationId);
    }

    void outcome(String name) {
        outcomes.computeIfAbsent(name, n -> new AtomicLong()).incrementAndGet();
    }

    Map<String, Long> outcomes() {
        return outcomes.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().get()));
    }

    int offersSeen() {
        return offers.size();
    }

    int acceptedCount() {
        return accepted.size();
    }

    int leftCount() {
        return left.size();
    }

    /**
     * The invariants against the fair's registrations as the service lists them at the end (live state) and the fair's
     * view: one merchant per stall (a stall held or offered once), stalls - stalls left == stalls held or offered,
     * nobody waiting while a stall is free, no stall offered to two merchants at once (the offers seen), every accepted
     * offer CONFIRMED with its stall, and nobody skipped: every merchant offered a stall was ahead in the line of every
     * merchant still waiting. Empty when all hold.
     */
    String violations(List<JsonNode> registrations, JsonNode fairView) {
        List<String> broken = new ArrayList<>();
        Map<String, JsonNode> byId = new HashMap<>();
        registrations.forEach(r -> byId.put(r.path("registrationId").asText(), r));
        List<String> placed = registrations.stream().filter(r -> List.of("CONFIRMED", "OFFERED").contains(r.path("status").asText()))
                .map(r -> r.path("stallNumber").asText()).toList();
        if (placed.size() != Set.copyOf(placed).size()) {
            broken.add("a stall held or offered twice: " + placed.stream().sorted().toList());
        }
        JsonNode category = fairView.path("categories").path(0);
        long stalls = fair.stalls();
        long stallsLeft = category.path("stallsLeft").asLong(-1);
        long waiting = registrations.stream().filter(r -> "WAITLISTED".equals(r.path("status").asText())).count();
        if (stalls - stallsLeft != placed.size()) {
            broken.add(stalls + " stalls, " + stallsLeft + " left, but " + placed.size() + " held or offered");
        }
        if (waiting > 0 && stallsLeft > 0) {
            broken.add(waiting + " waiting while " + stallsLeft + " stalls are free");
        }
        long unlisted = registered.keySet().stream().filter(id -> !byId.containsKey(id)).count();
        if (unlisted > 0) {
            broken.add(unlisted + " registrations answered 201 are not listed");
        }
        Map<String, List<Offer>> byStall = offers.stream().collect(Collectors.groupingBy(Offer::stallNumber));
        byStall.forEach((stall, seen) -> {
            for (Offer one : seen) {
                for (Offer other : seen) {
                    if (!one.registrationId().equals(other.registrationId()) && one.seenAt() <= other.seenAt()
                            && other.seenAt() < one.answeredAt()) {
                        broken.add("stall " + stall + " offered to " + one.registrationId() + " and " + other.registrationId() + " at once");
                    }
                }
            }
        });
        accepted.forEach((id, stall) -> {
            JsonNode now = byId.get(id);
            if (now == null || !"CONFIRMED".equals(now.path("status").asText()) || !stall.equals(now.path("stallNumber").asText())) {
                broken.add("accepted " + id + " for " + stall + " but it is " + (now == null ? "missing" : now.path("status").asText()));
            }
        });
        long lastOffered = registered.values().stream().filter(r -> r.position() > 0 && everOffered(r, byId))
                .mapToLong(Registered::position).max().orElse(0);
        registered.values().stream()
                .filter(r -> byId.containsKey(r.registrationId()) && "WAITLISTED".equals(byId.get(r.registrationId()).path("status").asText()))
                .filter(r -> r.position() < lastOffered)
                .forEach(r -> broken.add("skipped: " + r.merchantId() + " at " + r.position() + " still waits, " + lastOffered + " was offered"));
        Collections.sort(broken);
        return String.join("; ", broken);
    }

    /** Offered a stall at some time: seen OFFERED, or ended as an offer ends, or confirmed after waiting in line. */
    private boolean everOffered(Registered r, Map<String, JsonNode> byId) {
        String status = byId.containsKey(r.registrationId()) ? byId.get(r.registrationId()).path("status").asText() : "";
        return offers.stream().anyMatch(o -> o.registrationId().equals(r.registrationId()))
                || List.of("OFFERED", "CONFIRMED", "DECLINED", "EXPIRED").contains(status);
    }

    /** Registrations this run accepted (for the stored-as-confirmed check): id -> stall. */
    Map<String, String> acceptedOffers() {
        return Map.copyOf(accepted);
    }
}
