package org.fairrush.rush;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;

/**
 * The event of one claim, as it travels from the grab through Redis (as the PENDING record) and Kafka
 * to the persister. The claim id is the event id and the primary key of the stored row, which makes
 * every step idempotent.
 *
 * @param schemaVersion version of this JSON shape; consumers refuse versions they do not know
 * @param eventId       the claim id
 * @param occurredAt    when the claim was made (server clock)
 * @param kind          kind of scope, see {@link PoolRef}
 * @param scope         scope id (campaign id, fair id)
 * @param pool          stock name inside the scope
 * @param actorId       who claimed (member or merchant id)
 * @param item          the concrete item handed out (a stall number), null for counted stock
 * @param seq           the n-th claim of this actor in this scope
 * @param status        HELD, or WAITING for a claim that joined the waiting list, OFFERED for a waiting claim offered a
 *                      freed unit for a while (see {@link Offers}), RELEASED once given up
 * @param attributes    the feature's own data about the claim (a voucher code, a fee), opaque to the engine
 * @param revision      0 for the claim as first made; each later change of the same claim (released, promoted
 *                      from the waiting list, handed an item by a draw) is published again as the whole claim
 *                      with a higher revision, so a consumer keeps the highest revision it has seen per claim id
 *                      whatever the order of arrival
 */
public record ClaimRecorded(
        int schemaVersion,
        UUID eventId,
        Instant occurredAt,
        String kind,
        String scope,
        String pool,
        String actorId,
        String item,
        int seq,
        String status,
        Map<String, String> attributes,
        int revision) {

    /** Version 2 added {@code revision} and the RELEASED status; version 1 events read as revision 0. */
    public static final int SCHEMA_VERSION = 2;
    public static final String HELD = "HELD";
    public static final String WAITING = "WAITING";
    public static final String RELEASED = "RELEASED";
    public static final String OFFERED = "OFFERED";

    /** A claim as first made (revision 0). */
    public ClaimRecorded(int schemaVersion, UUID eventId, Instant occurredAt, String kind, String scope, String pool,
            String actorId, String item, int seq, String status, Map<String, String> attributes) {
        this(schemaVersion, eventId, occurredAt, kind, scope, pool, actorId, item, seq, status, attributes, 0);
    }

    /**
     * A claim before the claim script gave it its item, sequence number and status. Its time is kept to the
     * microsecond, the precision Postgres stores, so that a claim read back from Postgres (a rebuild of Redis)
     * is the claim Redis held.
     */
    public static ClaimRecorded draft(PoolRef ref, String actorId, Instant now, Map<String, String> attributes) {
        return draft(UUID.randomUUID(), ref, actorId, now, attributes);
    }

    /** A draft whose claim id the feature chose (e.g. derived from a voucher code, to find it by the code). */
    public static ClaimRecorded draft(UUID claimId, PoolRef ref, String actorId, Instant now, Map<String, String> attributes) {
        return new ClaimRecorded(SCHEMA_VERSION, claimId, now.truncatedTo(ChronoUnit.MICROS), ref.kind(), ref.scope(), ref.pool(),
                actorId, null, 0, null, Map.copyOf(attributes), 0);
    }

    /**
     * This draft as the claim script recorded it ({@code status} HELD or WAITING): what claim.lua adds to a draft, so
     * the claim is had without reading the script's JSON back.
     */
    public ClaimRecorded recorded(String item, int seq, String status) {
        return new ClaimRecorded(schemaVersion, eventId, occurredAt, kind, scope, pool, actorId, item, seq, status, attributes, revision);
    }

    public PoolRef poolRef() {
        return new PoolRef(kind, scope, pool);
    }

    public boolean waiting() {
        return WAITING.equals(status);
    }

    public boolean released() {
        return RELEASED.equals(status);
    }
}
