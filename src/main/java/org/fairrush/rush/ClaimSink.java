package org.fairrush.rush;

import java.util.Collection;
import java.util.List;
import java.util.UUID;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Port a feature implements to store its claims: the engine owns the path to Postgres, the feature owns
 * its table. {@link #store} runs inside the persister's transaction and must be idempotent (the claim id
 * is the primary key: INSERT ... ON CONFLICT (id) DO NOTHING, naming the id so that a collision on any other
 * unique column fails instead of dropping the row), because a batch may be delivered twice.
 */
public interface ClaimSink {

    /** The kind of scope whose claims this sink stores, see {@link PoolRef#kind()}. */
    String kind();

    /** The topic name after the configured prefix, e.g. "voucher-claims". */
    String topic();

    Mono<Void> store(List<ClaimRecorded> claims);

    /** Stored claims of the pool that hold a unit of it (for reconciliation). */
    Mono<Long> countHolding(PoolRef pool);

    /** Those of the given claim ids that are stored (for reconciliation). */
    Flux<UUID> storedAmong(Collection<UUID> claimIds);

    /**
     * A stored claim as it stands, or empty: what a replayed Idempotency-Key answers once Redis keeps no copy of
     * the claim (its idempotency entry holds the claim id only).
     */
    default Mono<ClaimRecorded> find(UUID claimId) {
        return Mono.empty();
    }
}
