package org.fairrush.rush.recovery;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.PoolRef;
import org.springframework.transaction.reactive.TransactionalOperator;

/**
 * Claim records as the grab writes them into a pool's pending hash, and stored as the persister stores them, for the
 * recovery tests that seed that hash and Postgres.
 */
final class VoucherClaims {

    private VoucherClaims() {
    }

    /** One unit claimed by {@code member} at {@code at}, with a code unique to this claim. */
    static ClaimRecorded of(PoolRef pool, String member, Instant at, String status) {
        return new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), at, pool.kind(), pool.scope(), "", member, null, 1,
                status, Map.of("code", pool.scope() + "-" + UUID.randomUUID()));
    }

    /** Stores {@code claims} in Postgres through the vouchers' sink (kind "c"), in one transaction, as the persister does. */
    static void store(List<ClaimSink> sinks, TransactionalOperator transaction, List<ClaimRecorded> claims, Duration timeout) {
        ClaimSink vouchers = sinks.stream().filter(sink -> sink.kind().equals("c")).findFirst().orElseThrow();
        vouchers.store(claims).as(transaction::transactional).block(timeout);
    }
}
