package org.fairrush.rush.lua;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import org.fairrush.rush.DailyQuota;
import org.fairrush.rush.PoolRef;

/**
 * The Redis keys of one pool (docs/design.md section 4): {@code <prefix>:{<kind>:<scope>}:<name>}, so that
 * every key a script touches shares one hash tag and one Redis Cluster slot.
 *
 * @param day for a claim on a pool with a {@link DailyQuota}: the day it counts on (its counters join the claim's
 *            keys and, if the claim is reversed, the reversal's); null otherwise
 */
public record PoolKeys(String prefix, PoolRef ref, Day day) {

    public PoolKeys(String prefix, PoolRef ref) {
        this(prefix, ref, null);
    }

    /**
     * One day's counters of a pool with a {@link DailyQuota}: the day's name in its keys, the caps, and when its keys
     * expire.
     *
     * @param date yyyy-MM-dd in the quota's zone
     */
    public record Day(String date, int units, int perActor, Instant expiresAt) {
    }

    /** These keys, with the counters of {@code at}'s day when the pool has a daily quota (null: none). */
    public PoolKeys onDay(DailyQuota quota, Instant at) {
        return quota == null ? this
                : new PoolKeys(prefix, ref, new Day(quota.day(at).toString(), quota.units(), quota.perActor(), quota.countersExpireAt(at)));
    }

    /** Counter of the claims granted on {@link #day()} in the pool. */
    public String dayGranted() {
        return pooled("day:" + day.date());
    }

    /** Hash actorId -> claims granted to the actor on {@link #day()} in the pool. */
    public String dayHolders() {
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

    public String meta() {
        return pooled("meta");
    }

    public String stock() {
        return pooled("stock");
    }

    public String waitlist() {
        return pooled("wait");
    }

    String holders() {
        return scoped("holders");
    }

    public String pending() {
        return scoped("pending");
    }

    public String confirmed() {
        return scoped("confirmed");
    }

    String reversed() {
        return scoped("reversed");
    }

    /** Hash claimId -> the claim's current JSON, for pools with items or a waiting list (the claims one can release). */
    public String claims() {
        return scoped("claims");
    }

    /** Hash claimId -> a changed claim's JSON until Kafka acknowledged it (the outbox of status changes). */
    public String changes() {
        return scoped("changes");
    }

    /** Sorted set claimId -> expiry (epoch ms) of the scope's open waiting-list offers (offer.lua), for the expiry pass. */
    public String offers() {
        return scoped("offers");
    }

    /** Claims recorded but not yet known to be in Kafka, by claim time: what the sweeper looks at. */
    public String unsent() {
        return scoped("unsent");
    }

    /**
     * Hash transferId -> {@code <to bucket>:<units>:<epoch ms>} of stock units this bucket gave to another bucket of
     * its scope and whose arrival is not settled yet (give-units.lua; docs/design.md section 11, note 33).
     */
    public String transfers() {
        return scoped("transfers");
    }

    /** Set of the transfer ids this bucket received (receive-units.lua), so a transfer is credited once whoever repeats it. */
    public String received() {
        return scoped("received");
    }

    public String sweeperLease() {
        return scoped("sweeper");
    }

    public String offerExpiryLease() {
        return scoped("offer-expiry");
    }

    /**
     * The actor's id goes in with its length first, so no two (actor, key) pairs make the same key whatever
     * either holds: without it actor "a:b" with key "c" and actor "a" with key "b:c" met in one record.
     */
    public String idempotency(String actorId, String idempotencyKey) {
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
        // A bucket is a scope of its own (its own hash tag), with one stock: its pool keys need no pool name.
        return ref.pool().isEmpty() || ref.bucket() > 0 ? scoped(name) : scoped(name + ":" + ref.pool());
    }
}
