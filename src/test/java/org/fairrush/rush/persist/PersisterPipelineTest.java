package org.fairrush.rush.persist;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.ClaimStream;
import org.fairrush.rush.DeadLetter;
import org.fairrush.rush.RedisFixture;
import org.fairrush.rush.lua.PersistenceScripts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The persister stores one batch while the previous one is committed: these tests hold the order that
 * overlap must keep (a batch's log position is committed only after it is stored, batches stored and
 * committed in log order) and that stopping still finishes the batch in hand. The log and the database
 * are stand-ins that record what happened; confirm.lua and clear.lua run on the real Redis.
 */
class PersisterPipelineTest {

    private final RedisFixture redis = RedisFixture.create();
    private final Queue<String> journal = new ConcurrentLinkedQueue<>();
    private final Sinks.Many<String> storing = Sinks.many().replay().all();
    private Persister persister;

    @AfterEach
    void tearDown() {
        if (persister != null) {
            persister.stop();
        }
        redis.close();
    }

    @Test
    void commitsEachBatchOnlyAfterItIsStoredAndInLogOrder() {
        persister = persister(Flux.just(batch(1, 3), batch(2, 3), batch(3, 3), batch(4, 3)), slowFirstBatch());

        persister.start();

        await().atMost(Duration.ofSeconds(20)).until(() -> journal.contains("commit 4"));
        assertThat(List.copyOf(journal)).containsSubsequence("stored 1", "commit 1", "commit 2", "commit 3", "commit 4")
                .containsSubsequence("stored 1", "stored 2", "stored 3", "stored 4")
                .containsSubsequence("stored 2", "commit 2")
                .containsSubsequence("stored 3", "commit 3")
                .containsSubsequence("stored 4", "commit 4");
    }

    @Test
    void stopLetsTheBatchInHandBeStoredAndCommitted() {
        persister = persister(Flux.concat(Flux.just(batch(1, 2)), Flux.never()), slowFirstBatch());
        persister.start();
        storing.asFlux().filter("batch 1"::equals).blockFirst(Duration.ofSeconds(10));

        persister.stop();

        assertThat(List.copyOf(journal)).containsSubsequence("stored 1", "commit 1");
        assertThat(persister.isRunning()).isFalse();
    }

    /** A batch of claims of one voucher campaign whose commit writes "commit n" to the journal. */
    private ClaimStream.Batch batch(int n, int claims) {
        List<ClaimRecorded> recorded = java.util.stream.IntStream.range(0, claims)
                .mapToObj(i -> new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), Instant.now(), "c", "77", "",
                        "m-" + n + "-" + i, null, 1, ClaimRecorded.HELD, Map.of("batch", Integer.toString(n))))
                .toList();
        return new ClaimStream.Batch(recorded, List.of(), Mono.fromRunnable(() -> journal.add("commit " + n)));
    }

    /** Stores a batch by writing "stored n" to the journal; the first batch takes a while, the others not. */
    private ClaimSink slowFirstBatch() {
        return new PersisterStandIns.VoucherSink() {
            @Override
            public Mono<Void> store(List<ClaimRecorded> claims) {
                String n = claims.get(0).attributes().get("batch");
                storing.tryEmitNext("batch " + n);
                Duration takes = "1".equals(n) ? Duration.ofMillis(300) : Duration.ZERO;
                return Mono.delay(takes).then(Mono.fromRunnable(() -> journal.add("stored " + n)));
            }
        };
    }

    private Persister persister(Flux<ClaimStream.Batch> batches, ClaimSink sink) {
        ClaimStream stream = () -> batches;
        return new Persister(stream, List.of(sink), new PersistenceScripts(redis.redis), new PersisterStandIns.PassThroughTransaction(),
                new NoDeadLetters(), redis.codec, redis.properties.keyPrefix(), Mono.empty());
    }

    private static final class NoDeadLetters implements ClaimPublisher {
        @Override
        public Mono<Void> publish(ClaimRecorded claim) {
            return Mono.error(new UnsupportedOperationException("the persister publishes no claims"));
        }

        @Override
        public Mono<Void> deadLetter(DeadLetter letter) {
            return Mono.error(new AssertionError("nothing here is a poison record: " + letter));
        }
    }
}
