package org.fairrush.rush.persist;

import java.util.Collection;
import java.util.UUID;

import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.PoolRef;
import org.springframework.transaction.reactive.TransactionCallback;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Stand-ins for the persister's database side, shared by the persister tests that run it without Postgres. */
final class PersisterStandIns {

    private PersisterStandIns() {
    }

    /** A sink of voucher claims ("c") whose store a test writes; reconciliation reads are not used. */
    abstract static class VoucherSink implements ClaimSink {
        @Override
        public String kind() {
            return "c";
        }

        @Override
        public String topic() {
            return "test-claims";
        }

        @Override
        public Mono<Long> countHolding(PoolRef pool) {
            return Mono.just(0L);
        }

        @Override
        public Flux<UUID> storedAmong(Collection<UUID> claimIds) {
            return Flux.empty();
        }
    }

    /** No transaction: the stand-in sinks keep what they store in memory. */
    static final class PassThroughTransaction implements TransactionalOperator {
        @Override
        public <T> Mono<T> transactional(Mono<T> mono) {
            return mono;
        }

        @Override
        public <T> Flux<T> execute(TransactionCallback<T> action) {
            return Flux.error(new UnsupportedOperationException("not used by the persister"));
        }
    }
}
