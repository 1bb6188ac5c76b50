package org.fairrush.rush;

import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

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
     * A batch of records read from the log. Its records are decoded when {@link #claims()} or {@link #rejected()} is
     * first asked for, not before: a consumer that learns it needs none of them (the webhook recorder with no
     * subscription) never pays for parsing them.
     */
    final class Batch {

        private final int records;
        private final Mono<Void> commit;
        private final List<Map<String, String>> traceContexts;
        private Supplier<Decoded> decode;
        private Decoded decoded;

        /**
         * @param claims        the events that could be read
         * @param rejected      records that are not claim events of a known schema (poison records)
         * @param commit        commits the log position past this batch
         * @param traceContexts the trace context (propagation headers) of each record that carried one, so the
         *                      batch's work joins the traces of the grabs it stores (docs/operations.md section 13)
         */
        public Batch(List<ClaimRecorded> claims, List<DeadLetter> rejected, Mono<Void> commit, List<Map<String, String>> traceContexts) {
            this(claims.size() + rejected.size(), commit, traceContexts, null);
            this.decoded = new Decoded(claims, rejected);
        }

        public Batch(List<ClaimRecorded> claims, List<DeadLetter> rejected, Mono<Void> commit) {
            this(claims, rejected, commit, List.of());
        }

        private Batch(int records, Mono<Void> commit, List<Map<String, String>> traceContexts, Supplier<Decoded> decode) {
            this.records = records;
            this.commit = commit;
            this.traceContexts = traceContexts;
            this.decode = decode;
        }

        /** A batch of {@code records} records that {@code decode} decodes, once, when first asked. */
        public static Batch decodedOnDemand(int records, Supplier<Decoded> decode, Mono<Void> commit,
                List<Map<String, String>> traceContexts) {
            return new Batch(records, commit, traceContexts, decode);
        }

        /** Records read, decodable or not. */
        public int records() {
            return records;
        }

        public List<ClaimRecorded> claims() {
            return decoded().claims();
        }

        public List<DeadLetter> rejected() {
            return decoded().rejected();
        }

        public Mono<Void> commit() {
            return commit;
        }

        public List<Map<String, String>> traceContexts() {
            return traceContexts;
        }

        // Synchronized: a batch is handed between threads by the reactive pipeline, and read by one at a time.
        private synchronized Decoded decoded() {
            if (decoded == null) {
                decoded = decode.get();
                decode = null;
            }
            return decoded;
        }
    }

    /** A batch's records decoded: the claim events, and the records that are not claims of a known schema. */
    record Decoded(List<ClaimRecorded> claims, List<DeadLetter> rejected) {
    }
}
