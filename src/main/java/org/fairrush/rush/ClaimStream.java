package org.fairrush.rush;

import java.util.List;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Port: the claim events of the durable log, in batches, for the persister. A batch's position in
 * the log is committed only through {@link Batch#commit()}, which the persister calls after its
 * database transaction; a batch not committed is delivered again after a restart.
 */
public interface ClaimStream {

    Flux<Batch> batches();

    /**
     * @param claims   the events that could be read
     * @param rejected records that are not claim events of a known schema (poison records)
     * @param commit   commits the log position past this batch
     */
    record Batch(List<ClaimRecorded> claims, List<DeadLetter> rejected, Mono<Void> commit) {
    }
}
