package org.fairrush.rush;

import java.util.List;
import java.util.Map;

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
     * @param claims        the events that could be read
     * @param rejected      records that are not claim events of a known schema (poison records)
     * @param commit        commits the log position past this batch
     * @param traceContexts the trace context (propagation headers) of each record that carried one, so the
     *                      batch's work joins the traces of the grabs it stores (docs/operations.md section 13)
     */
    record Batch(List<ClaimRecorded> claims, List<DeadLetter> rejected, Mono<Void> commit, List<Map<String, String>> traceContexts) {

        public Batch(List<ClaimRecorded> claims, List<DeadLetter> rejected, Mono<Void> commit) {
            this(claims, rejected, commit, List.of());
        }
    }
}
