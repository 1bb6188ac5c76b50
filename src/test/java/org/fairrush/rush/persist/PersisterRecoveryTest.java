package org.fairrush.rush.persist;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimStream;
import org.fairrush.rush.DeadLetter;
import org.fairrush.rush.RedisFixture;
import org.fairrush.rush.lua.PersistenceScripts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the persister does with a failure nobody classified (a bug in a sink, a driver's odd exception): a record
 * that keeps failing alone while the database answers is set aside on the dead-letter topic and the claims around
 * it are stored, where before it stalled its partition for ever; while the database does not answer, nothing is
 * set aside and the batch waits. The log and the database are stand-ins; confirm.lua and clear.lua run on the real
 * Redis.
 */
class PersisterRecoveryTest {

    private final RedisFixture redis = RedisFixture.create();
    private final Set<UUID> stored = ConcurrentHashMap.newKeySet();
    private final Queue<DeadLetter> letters = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean committed = new AtomicBoolean();
    private Persister persister;

    @AfterEach
    void tearDown() {
        if (persister != null) {
            persister.stop();
        }
        redis.close();
    }

    @Test
    void setsAsideARecordThatKeepsFailingAloneWhileTheDatabaseAnswers() {
        List<ClaimRecorded> claims = List.of(claim("m-1", false), claim("m-2", true), claim("m-3", false));
        persister = persister(claims, Mono.empty());

        persister.start();

        await().atMost(Duration.ofSeconds(20)).untilTrue(committed);
        assertThat(stored).containsExactlyInAnyOrder(claims.get(0).eventId(), claims.get(2).eventId());
        assertThat(letters).singleElement().satisfies(letter -> {
            assertThat(letter.value()).contains(claims.get(1).eventId().toString());
            assertThat(letter.reason()).contains("while the database answered").contains("cannot bind");
        });
    }

    @Test
    void setsNothingAsideWhileTheDatabaseDoesNotAnswer() {
        AtomicBoolean databaseUp = new AtomicBoolean(false);
        AtomicInteger askedWhileAway = new AtomicInteger();
        List<ClaimRecorded> claims = List.of(claim("m-1", false), claim("m-2", true));
        persister = persister(claims, Mono.defer(() -> databaseUp.get() ? Mono.empty()
                : Mono.<Void>error(new IllegalStateException("connection refused")).doOnError(away -> askedWhileAway.incrementAndGet())));

        persister.start();

        // Not a time window: the batch has failed and been judged three times over while the database was away.
        await().atMost(Duration.ofSeconds(20)).until(() -> askedWhileAway.get() >= 3);
        assertThat(letters).as("nothing set aside while the database is away").isEmpty();
        assertThat(committed).isFalse();

        databaseUp.set(true);
        await().atMost(Duration.ofSeconds(30)).untilTrue(committed);
        assertThat(stored).containsExactly(claims.get(0).eventId());
        assertThat(letters).hasSize(1);
    }

    private ClaimRecorded claim(String member, boolean poison) {
        return new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), Instant.now(), "c", "88", "", member, null, 1,
                ClaimRecorded.HELD, poison ? Map.of("poison", "yes") : Map.of());
    }

    private Persister persister(List<ClaimRecorded> claims, Mono<Void> databaseAnswers) {
        ClaimStream.Batch batch = new ClaimStream.Batch(claims, List.of(), Mono.fromRunnable(() -> committed.set(true)));
        ClaimStream stream = () -> Flux.concat(Flux.just(batch), Flux.never());
        return new Persister(stream, List.of(new FailingOnPoison()), new PersistenceScripts(redis.redis), new PersisterStandIns.PassThroughTransaction(),
                new CollectingDeadLetters(), redis.codec, redis.properties.keyPrefix(), databaseAnswers);
    }

    /** Stores claims, except that any batch holding a poisoned one fails with an exception nobody classified. */
    private final class FailingOnPoison extends PersisterStandIns.VoucherSink {
        @Override
        public Mono<Void> store(List<ClaimRecorded> batch) {
            if (batch.stream().anyMatch(claim -> claim.attributes().containsKey("poison"))) {
                return Mono.error(new IllegalArgumentException("cannot bind parameter 3"));
            }
            return Mono.fromRunnable(() -> batch.forEach(claim -> stored.add(claim.eventId())));
        }
    }

    private final class CollectingDeadLetters implements ClaimPublisher {
        @Override
        public Mono<Void> publish(ClaimRecorded claim) {
            return Mono.error(new UnsupportedOperationException("the persister publishes no claims"));
        }

        @Override
        public Mono<Void> deadLetter(DeadLetter letter) {
            return Mono.fromRunnable(() -> letters.add(letter));
        }
    }

}
