package org.fairrush.rush;

import java.time.Instant;
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
 * @param status        HELD, or WAITING for a claim that joined the waiting list
 * @param attributes    the feature's own data about the claim (a voucher code, a fee), opaque to the engine
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
        Map<String, String> attributes) {

    public static final int SCHEMA_VERSION = 1;
    public static final String HELD = "HELD";
    public static final String WAITING = "WAITING";

    /** A claim before the claim script gave it its item, sequence number and status. */
    static ClaimRecorded draft(PoolRef ref, String actorId, Instant now, Map<String, String> attributes) {
        return new ClaimRecorded(SCHEMA_VERSION, UUID.randomUUID(), now, ref.kind(), ref.scope(), ref.pool(),
                actorId, null, 0, null, Map.copyOf(attributes));
    }

    public PoolRef poolRef() {
        return new PoolRef(kind, scope, pool);
    }

    public boolean waiting() {
        return WAITING.equals(status);
    }
}
