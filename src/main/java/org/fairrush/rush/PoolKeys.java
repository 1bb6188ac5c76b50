package org.fairrush.rush;

import java.util.ArrayList;
import java.util.List;

/**
 * The Redis keys of one pool (docs/design.md section 4): {@code <prefix>:{<kind>:<scope>}:<name>}, so that
 * every key a script touches shares one hash tag and one Redis Cluster slot.
 *
 * @param day for a claim on a pool with a {@link DailyQuota}: the day it counts on (its counters join the claim's
 *            keys and, if the claim is reversed, the reversal's); null otherwise
 */
record PoolKeys(String prefix, PoolRef ref, DailyQuota.ClaimDay day) {

    PoolKeys(String prefix, PoolRef ref) {
        this(prefix, ref, null);
    }

    /** These keys, with the counters of {@code at}'s day when the pool has a daily quota (null: none). */
    PoolKeys onDay(DailyQuota quota, java.time.Instant at) {
        return quota == null ? this : new PoolKeys(prefix, ref, quota.claimDay(at));
    }

    /** Counter of the claims granted on {@link #day()} in the pool. */
    String dayGranted() {
        return pooled("day:" + day.date());
    }

    /** Hash actorId -> claims granted to the actor on {@link #day()} in the pool. */
    String dayHolders() {
        return pooled("dayholders:" + day.date());
    }

    /** The day's counters when there is a day: appended to the keys of claim.lua and release.lua. */
    List<String> withDay(List<String> keys) {
        if (day == null) {
            return keys;
        }
        List<String> all = new ArrayList<>(keys);
        all.add(dayGranted());
        all.add(dayHolders());
        return all;
    }

    String meta() {
        return pooled("meta");
    }

    String stock() {
        return pooled("stock");
    }

    String waitlist() {
        return pooled("wait");
    }

    String holders() {
        return scoped("holders");
    }

    String pending() {
        return scoped("pending");
    }

    String confirmed() {
        return scoped("confirmed");
    }

    String reversed() {
        return scoped("reversed");
    }

    /** Hash claimId -> the claim's current JSON, for pools with items or a waiting list (the claims one can release). */
    String claims() {
        return scoped("claims");
    }

    /** Hash claimId -> a changed claim's JSON until Kafka acknowledged it (the outbox of status changes). */
    String changes() {
        return scoped("changes");
    }

    /** Claims recorded but not yet known to be in Kafka, by claim time: what the sweeper looks at. */
    String unsent() {
        return scoped("unsent");
    }

    String sweeperLease() {
        return scoped("sweeper");
    }

    /**
     * The actor's id goes in with its length first, so no two (actor, key) pairs make the same key whatever
     * either holds: without it actor "a:b" with key "c" and actor "a" with key "b:c" met in one record.
     */
    String idempotency(String actorId, String idempotencyKey) {
        return scoped("idem:" + actorId.length() + ":" + actorId + ":" + idempotencyKey);
    }

    List<String> claimKeys(String actorId, String idempotencyKey) {
        return withDay(List.of(meta(), stock(), holders(), pending(), idempotency(actorId, idempotencyKey), waitlist(), confirmed(),
                claims(), unsent()));
    }

    private String scoped(String name) {
        return prefix + ":{" + ref.scopeTag() + "}:" + name;
    }

    private String pooled(String name) {
        return ref.pool().isEmpty() ? scoped(name) : scoped(name + ":" + ref.pool());
    }
}
