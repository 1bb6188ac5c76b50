package org.fairrush.rush.lua;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/** acknowledge.lua and the folding of acknowledgements into calls (Acknowledgements), against a real Redis. */
class AcknowledgementsTest {

    private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

    private RedisFixture fixture;
    private AcknowledgeScript script;
    private Acknowledgements acknowledgements;

    @BeforeEach
    void setUp() {
        fixture = RedisFixture.create();
        script = new AcknowledgeScript(fixture.redis);
        acknowledgements = new Acknowledgements(script);
    }

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    private PoolKeys pool(String scope) {
        return fixture.keys(PoolRef.single("c", scope));
    }

    /** Claims as the claim script leaves them: in the unsent set, waiting for Kafka. */
    private List<String> unsent(PoolKeys pool, int count) {
        List<String> ids = IntStream.range(0, count).mapToObj(i -> UUID.randomUUID().toString()).toList();
        ids.forEach(id -> fixture.redis.opsForZSet().add(pool.unsent(), id, NOW.toEpochMilli()).block());
        return ids;
    }

    private long confirmed(PoolKeys pool) {
        return fixture.redis.opsForSet().size(pool.confirmed()).block();
    }

    private long stillUnsent(PoolKeys pool) {
        return fixture.redis.opsForZSet().size(pool.unsent()).block();
    }

    @Test
    void scriptMarksClaimsConfirmedAndNoLongerUnsent() {
        PoolKeys pool = pool("1");
        List<String> ids = unsent(pool, 3);

        StepVerifier.create(script.run(pool, ids)).expectNext(3L).verifyComplete();

        assertThat(fixture.redis.opsForSet().members(pool.confirmed()).collectList().block()).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(stillUnsent(pool)).isZero();
    }

    @Test
    void scriptCountsOnlyClaimsNotMarkedBefore() {
        PoolKeys pool = pool("1");
        List<String> ids = unsent(pool, 2);
        script.run(pool, ids.subList(0, 1)).block();

        StepVerifier.create(script.run(pool, ids)).expectNext(1L).verifyComplete();
        assertThat(confirmed(pool)).isEqualTo(2);
    }

    @Test
    void aLoneAcknowledgementIsMarkedWhenItCompletes() {
        PoolKeys pool = pool("1");
        String id = unsent(pool, 1).get(0);

        StepVerifier.create(acknowledgements.acknowledge(pool, id)).verifyComplete();

        assertThat(fixture.redis.opsForSet().isMember(pool.confirmed(), id).block()).isTrue();
        assertThat(stillUnsent(pool)).isZero();
    }

    @Test
    void concurrentAcknowledgementsOfTwoScopesAreEachMarkedInTheirOwnScope() throws Exception {
        PoolKeys first = pool("1");
        PoolKeys second = pool("2");
        List<String> ofFirst = unsent(first, 400);
        List<String> ofSecond = unsent(second, 400);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int thread = 0; thread < 8; thread++) {
                int from = thread * 50;
                done.add(threads.submit(() -> Flux.range(from, 50)
                        .flatMap(i -> Mono.when(acknowledgements.acknowledge(first, ofFirst.get(i)),
                                acknowledgements.acknowledge(second, ofSecond.get(i))))
                        .blockLast(Duration.ofSeconds(20))));
            }
            for (Future<?> each : done) {
                each.get();
            }
        } finally {
            threads.shutdown();
        }

        assertThat(fixture.redis.opsForSet().members(first.confirmed()).collectList().block()).containsExactlyInAnyOrderElementsOf(ofFirst);
        assertThat(fixture.redis.opsForSet().members(second.confirmed()).collectList().block()).containsExactlyInAnyOrderElementsOf(ofSecond);
        assertThat(stillUnsent(first)).isZero();
        assertThat(stillUnsent(second)).isZero();
    }

    @Test
    void moreAcknowledgementsThanOneCallTakesAreAllMarked() {
        PoolKeys pool = pool("1");
        List<String> ids = unsent(pool, FoldedCalls.MOST_PER_CALL * 2 + 7);

        Flux.fromIterable(ids).flatMap(id -> acknowledgements.acknowledge(pool, id), ids.size()).blockLast(Duration.ofSeconds(20));

        assertThat(confirmed(pool)).isEqualTo(ids.size());
        assertThat(stillUnsent(pool)).isZero();
    }

    @Test
    void everyCallerHearsTheFailureOfTheCallThatCarriedItsClaim() {
        LettuceConnectionFactory nowhere = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 1));
        nowhere.afterPropertiesSet();
        nowhere.start();
        try {
            Acknowledgements unreachable = new Acknowledgements(new AcknowledgeScript(new ReactiveStringRedisTemplate(nowhere)));
            PoolKeys pool = pool("1");

            StepVerifier.create(Mono.when(unreachable.acknowledge(pool, "a"), unreachable.acknowledge(pool, "b")))
                    .expectError()
                    .verify(Duration.ofSeconds(20));
            StepVerifier.create(unreachable.acknowledge(pool, "c")).as("a failed call leaves the scope usable")
                    .expectError()
                    .verify(Duration.ofSeconds(20));
        } finally {
            nowhere.destroy();
        }
    }
}
