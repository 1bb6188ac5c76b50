package org.fairrush.rush.lua;

import org.fairrush.rush.PoolRef;
import java.util.List;

/**
 * The Redis keys of one pool (docs/design.md section 4): {@code <prefix>:{<kind>:<scope>}:<name>}, so that
 * every key a script touches shares one hash tag and one Redis Cluster slot.
 */
public record PoolKeys(String prefix, PoolRef ref) {

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
        return List.of(meta(), stock(), holders(), pending(), idempotency(actorId, idempotencyKey), waitlist(), confirmed(),
                claims(), unsent());
    }

    private String scoped(String name) {
        return prefix + ":{" + ref.scopeTag() + "}:" + name;
    }

    private String pooled(String name) {
        return ref.pool().isEmpty() ? scoped(name) : scoped(name + ":" + ref.pool());
    }
}
