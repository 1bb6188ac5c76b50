package org.fairrush.rush.lua;

import java.util.Collections;

import reactor.core.publisher.Mono;

/**
 * Marks claims that Kafka acknowledged as durable in Redis (acknowledge.lua), folding the claims of one scope that
 * are acknowledged while a call for that scope is on its way into the next call ({@link FoldedCalls}). Kafka
 * acknowledges a producer batch's records together, so under load one script call marks many claims; a claim
 * acknowledged while nothing of its scope is on the way goes at once, alone. Each caller's Mono completes once the
 * call that carried its claim answered, or fails with that call's failure: a grant still follows its mark, as with
 * one call per claim.
 */
public final class Acknowledgements {

    private final FoldedCalls<PoolKeys, String, Boolean> marks;

    public Acknowledgements(AcknowledgeScript script) {
        this.marks = new FoldedCalls<>((keys, claimIds) -> script.run(keys, claimIds)
                .then(Mono.fromSupplier(() -> Collections.nCopies(claimIds.size(), Boolean.TRUE))));
    }

    /** Completes once {@code claimId}, a claim of the scope of {@code keys}, is marked durable. */
    public Mono<Void> acknowledge(PoolKeys keys, String claimId) {
        // Not then(): it discards the answer through the subscriber's context, looked up down the whole WebFlux chain on
        // every grab (issue 13); a flatMap to empty completes without the look.
        return marks.add(keys, claimId).flatMap(marked -> Mono.empty());
    }
}
