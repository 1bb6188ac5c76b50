package org.fairrush.rush.recovery;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolRef;

/** Claim records as the grab writes them into a pool's pending hash, for the recovery tests that seed that hash. */
final class VoucherClaims {

    private VoucherClaims() {
    }

    /** One unit claimed by {@code member} at {@code at}, with a code unique to this claim. */
    static ClaimRecorded of(PoolRef pool, String member, Instant at, String status) {
        return new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), at, pool.kind(), pool.scope(), "", member, null, 1,
                status, Map.of("code", pool.scope() + "-" + UUID.randomUUID()));
    }
}
