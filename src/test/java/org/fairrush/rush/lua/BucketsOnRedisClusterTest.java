package org.fairrush.rush.lua;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import io.lettuce.core.cluster.SlotHash;
import org.fairrush.devstack.RedisClusterServers;
import org.fairrush.rush.Buckets;
import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimOutcome;
import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.DeadLetter;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RushProperties;
import org.fairrush.rush.ScopeState;
import org.fairrush.rush.SoldOutBoard;
import org.fairrush.rush.TestEngine;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.ScanOptions;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One campaign's stock split over 8 buckets on a real Redis Cluster of three primaries (docs/design.md section 11,
 * note 33): the buckets spread over the primaries, every claim is one script on the member's home bucket and units move
 * between buckets one slot at a time. Under more demand than stock, with replays and second tries: exactly the stock is
 * granted, nobody passes the limit, a replay answers the first claim, and SOLD_OUT is never answered while a unit is
 * left in any bucket.
 */
class BucketsOnRedisClusterTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:05:00Z");
    private static final int BUCKETS = 8;

    private static RedisClusterServers cluster;
    private static ReactiveStringRedisTemplate redis;

    private final RushProperties properties = properties("frb" + UUID.randomUUID().toString().substring(0, 8));
    private final ClaimCodec codec = new ClaimCodec(JsonMapper.builder().findAndAddModules().build());
    private final Map<UUID, ClaimRecorded> published = new ConcurrentHashMap<>();
    private final ClaimPublisher kafka = new ClaimPublisher() {
        @Override
        public Mono<Void> publish(ClaimRecorded claim) {
            published.put(claim.eventId(), claim);
            return Mono.empty();
        }

        @Override
        public Mono<Void> deadLetter(DeadLetter letter) {
            return Mono.empty();
        }
    };
    private final SoldOutBoard board = new SoldOutBoard(redis, properties.keyPrefix());
    private final TestEngine engine = TestEngine.of(redis, codec, kafka, board, Clock.fixed(NOW, ZoneOffset.UTC), properties);

    @BeforeAll
    static void startCluster() {
        cluster = RedisClusterServers.start(3);
        redis = cluster.template();
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @AfterEach
    void forgetKeys() {
        redis.scan(ScanOptions.scanOptions().match(properties.keyPrefix() + ":*").build()).flatMap(redis::unlink).blockLast(Duration.ofSeconds(10));
    }

    private static RushProperties properties(String prefix) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("fairrush.rush.key-prefix", prefix);
        settings.put("fairrush.rush.send-timeout", "2s");
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("fairrush.rush", Bindable.of(RushProperties.class));
    }

    private static PoolDefinition campaign(PoolRef ref, int limit, int stock) {
        return PoolDefinition.counted(ref, NOW.minusSeconds(60), NOW.plusSeconds(600), limit, stock);
    }

    private PoolKeys keys(PoolRef ref) {
        return new PoolKeys(properties.keyPrefix(), ref);
    }

    private long held(PoolRef whole, int bucket) {
        return Long.parseLong(redis.opsForValue().get(keys(whole.inBucket(bucket)).stock()).block());
    }

    /** The member ids whose home is {@code bucket}, {@code count} of them. */
    private static List<String> homedIn(int bucket, int count) {
        return IntStream.iterate(0, i -> i + 1).mapToObj(i -> "member-" + i)
                .filter(member -> Buckets.home(member, BUCKETS) == bucket).limit(count).toList();
    }

    @Test
    void eightBucketsSpreadOverEveryPrimary() {
        PoolRef whole = PoolRef.single("c", "1");
        Set<Integer> slots = IntStream.range(0, BUCKETS).mapToObj(bucket -> SlotHash.getSlot(keys(whole.inBucket(bucket)).stock()))
                .collect(Collectors.toSet());

        assertThat(slots).as("a slot per bucket").hasSize(BUCKETS);
        assertThat(slots.stream().map(slot -> slot * 3 / 16384).distinct()).as("buckets on every primary").hasSize(3);
    }

    @Test
    void grantsExactlyTheStockToMoreDemandThanStockWithReplaysAndSecondTries() {
        rush(1, 200, 77);
    }

    @Test
    void grantsExactlyTheStockWithALimitAboveOne() {
        rush(3, 60, 101);
    }

    /**
     * {@code members} members claim {@code limit + 1} times each, every attempt sent twice (a replay of the same key),
     * all at once: more demand than {@code stock}.
     */
    private void rush(int limit, int members, int stock) {
        PoolRef whole = PoolRef.single("c", "2");
        assertThat(engine.registry().define(campaign(whole, limit, stock), BUCKETS).block()).isTrue();
        List<String[]> attempts = new ArrayList<>();
        for (int member = 0; member < members; member++) {
            for (int attempt = 0; attempt <= limit; attempt++) {
                String[] one = {"m-" + member, "key-" + member + "-" + attempt};
                attempts.add(one);
                attempts.add(one);
            }
        }
        Collections.shuffle(attempts);
        Map<String, List<ClaimOutcome>> answers = new ConcurrentHashMap<>();

        Flux.fromIterable(attempts)
                .flatMap(attempt -> claimUntilAnswered(whole, attempt[0], attempt[1])
                        .doOnNext(outcome -> answers.computeIfAbsent(attempt[0] + "/" + attempt[1], key -> Collections.synchronizedList(new ArrayList<>()))
                                .add(outcome))
                        .subscribeOn(Schedulers.parallel()), 32)
                .blockLast(Duration.ofSeconds(60));

        List<ClaimRecorded> granted = answers.values().stream().flatMap(List::stream)
                .filter(ClaimOutcome.Granted.class::isInstance).map(outcome -> ((ClaimOutcome.Granted) outcome).claim())
                .filter(claim -> claim != null).distinct().toList();
        Set<UUID> grantedIds = granted.stream().map(ClaimRecorded::eventId).collect(Collectors.toSet());
        assertThat(grantedIds).as("exactly the stock granted").hasSize(stock);
        assertThat(published.keySet()).as("every grant sent once for storing").isEqualTo(grantedIds);
        assertThat(granted.stream().collect(Collectors.groupingBy(ClaimRecorded::actorId, Collectors.counting())).values())
                .as("nobody over the limit").allSatisfy(count -> assertThat(count).isLessThanOrEqualTo(limit));
        // A refusal keeps no record (a retried key may be refused for another reason, as with one bucket); a grant does.
        answers.forEach((attempt, outcomes) -> {
            if (outcomes.stream().anyMatch(ClaimOutcome.Granted.class::isInstance)) {
                assertThat(outcomes.stream().map(BucketsOnRedisClusterTest::answerOf).distinct())
                        .as("a replay answers the first claim: " + attempt).hasSize(1);
            }
        });
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            assertThat(held(whole, bucket)).as("bucket " + bucket + " empty").isZero();
            assertThat(redis.opsForHash().size(keys(whole.inBucket(bucket)).transfers()).block()).as("no move unsettled").isZero();
        }
        assertThat(engine.claims().claim(whole, BUCKETS, "late", "key-late", Map.of(), UUID.randomUUID()).block())
                .isEqualTo(new ClaimOutcome.Refused(ClaimOutcome.Refusal.SOLD_OUT));
    }

    /** A client retries a busy answer (units on their way between buckets, or the first request still in flight). */
    private Mono<ClaimOutcome> claimUntilAnswered(PoolRef whole, String member, String key) {
        return Mono.defer(() -> engine.claims().claim(whole, BUCKETS, member, key, Map.of(), UUID.randomUUID()))
                .flatMap(outcome -> outcome instanceof ClaimOutcome.Busy
                        || outcome.equals(new ClaimOutcome.Refused(ClaimOutcome.Refusal.IN_PROGRESS))
                        ? Mono.<ClaimOutcome>error(new IllegalStateException("retry")) : Mono.just(outcome))
                .retryWhen(reactor.util.retry.Retry.fixedDelay(100, Duration.ofMillis(5)));
    }

    /** What a client sees of an answer: the voucher's id, or the refusal. */
    private static Object answerOf(ClaimOutcome outcome) {
        return outcome instanceof ClaimOutcome.Granted granted ? granted.claim().eventId() : outcome;
    }

    @Test
    void membersOfAnEmptyBucketAreGrantedTheLastUnitsOfOtherBuckets() {
        PoolRef whole = PoolRef.single("c", "3");
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            // The end of a rush: one unit in buckets 2, 5 and 7 only.
            int units = bucket == 2 || bucket == 5 || bucket == 7 ? 1 : 0;
            engine.registry().define(campaign(whole.inBucket(bucket), 1, units)).block();
        }
        List<String> homedInZero = homedIn(0, 4);

        for (String member : homedInZero.subList(0, 3)) {
            assertThat(engine.claims().claim(whole, BUCKETS, member, "key-" + member, Map.of(), UUID.randomUUID()).block())
                    .as("a unit is left somewhere").isInstanceOf(ClaimOutcome.Granted.class);
        }
        assertThat(engine.claims().claim(whole, BUCKETS, homedInZero.get(3), "key-last", Map.of(), UUID.randomUUID()).block())
                .isEqualTo(new ClaimOutcome.Refused(ClaimOutcome.Refusal.SOLD_OUT));
        assertThat(board.isSoldOut(whole)).as("the whole stock marked sold out").isTrue();
    }

    @Test
    void aBucketThatRanOutIsNotMarkedSoldOutWhileOthersHaveUnits() {
        PoolRef whole = PoolRef.single("c", "4");
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            engine.registry().define(campaign(whole.inBucket(bucket), 1, bucket == 6 ? 3 : 0)).block();
        }
        String member = homedIn(1, 1).get(0);

        ClaimOutcome outcome = engine.claims().claim(whole, BUCKETS, member, "key-1", Map.of(), UUID.randomUUID()).block();

        assertThat(outcome).isInstanceOf(ClaimOutcome.Granted.class);
        assertThat(((ClaimOutcome.Granted) outcome).claim().poolRef()).as("claimed in the home bucket").isEqualTo(whole.inBucket(1));
        assertThat(board.isSoldOut(whole)).isFalse();
        assertThat(engine.buckets().remaining(whole, BUCKETS).block()).isEqualTo(2);
    }

    @Test
    void unitsAMoveLeftInAJournalAreNotSoldOutAndTheSweeperDeliversThem() {
        PoolRef whole = PoolRef.single("c", "5");
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            engine.registry().define(campaign(whole.inBucket(bucket), 1, bucket == 3 ? 1 : 0)).block();
        }
        // An instance gave bucket 3's unit to bucket 4 and died before crediting it.
        new TransferScripts(redis).give(keys(whole.inBucket(3)), "t-1", 4, NOW.minusSeconds(30)).block();
        String member = homedIn(0, 1).get(0);

        assertThat(engine.claims().claim(whole, BUCKETS, member, "key-1", Map.of(), UUID.randomUUID()).block())
                .as("a unit on its way is not sold out").isInstanceOf(ClaimOutcome.Busy.class);
        assertThat(engine.buckets().remaining(whole, BUCKETS).block()).isEqualTo(1);

        assertThat(engine.buckets().settleStranded(whole.inBucket(3), NOW).block()).isEqualTo(1);
        assertThat(engine.buckets().settleStranded(whole.inBucket(3), NOW).block()).as("settled once").isZero();
        assertThat(held(whole, 4)).isEqualTo(1);
        assertThat(engine.claims().claim(whole, BUCKETS, member, "key-1", Map.of(), UUID.randomUUID()).block())
                .isInstanceOf(ClaimOutcome.Granted.class);
    }

    /**
     * Redis lost the buckets' state (their journals aside) after some claims, one move stranded between two primaries:
     * the rebuild writes each bucket on its own primary from what Postgres holds, cancels the move, and the limits and
     * the stock are exact again (docs/design.md section 11, note 34).
     */
    @Test
    void rebuildRestoresEveryBucketAcrossThePrimariesAndCancelsAStrandedMove() {
        PoolRef whole = PoolRef.single("c", "6");
        int stock = 40;
        assertThat(engine.registry().define(campaign(whole, 2, stock), BUCKETS).block()).isTrue();
        Map<String, Integer> holders = new HashMap<>();
        for (int i = 0; i < 15; i++) {
            String member = "m-" + (i % 10);
            assertThat(engine.claims().claim(whole, BUCKETS, member, "key-" + i, Map.of(), UUID.randomUUID()).block())
                    .isInstanceOf(ClaimOutcome.Granted.class);
            holders.merge(member, 1, Integer::sum);
        }
        TransferScripts transfers = new TransferScripts(redis);
        int giver = IntStream.range(0, BUCKETS).filter(bucket -> held(whole, bucket) > 0).findFirst().orElseThrow();
        int receiver = (giver + 1) % BUCKETS;
        TransferScripts.Given given = transfers.give(keys(whole.inBucket(giver)), "t-lost", receiver, NOW).block();
        assertThat(given.units()).isPositive();
        redis.scan(ScanOptions.scanOptions().match(properties.keyPrefix() + ":*").build())
                .filter(key -> !key.endsWith(":transfers")).flatMap(redis::unlink).blockLast(Duration.ofSeconds(10));

        PoolDefinition definition = campaign(whole, 2, stock);
        engine.scopeRebuild().rebuildBuckets(whole, BUCKETS,
                Mono.just(new ScopeState(whole, holders, List.of(), List.of(ScopeState.Pool.counted(definition, stock - 15)))), false)
                .block(Duration.ofSeconds(30));

        assertThat(engine.buckets().remaining(whole, BUCKETS).block()).isEqualTo(stock - 15);
        assertThat(engine.queries().remaining(whole).block()).as("bucket 0 sums the buckets again").isEqualTo(stock - 15);
        assertThat(transfers.receive(keys(whole.inBucket(receiver)), "t-lost", given.units()).block()).as("the stranded move is cancelled").isFalse();
        for (int bucket = 0; bucket < BUCKETS; bucket++) {
            assertThat(redis.opsForHash().size(keys(whole.inBucket(bucket)).transfers()).block()).isZero();
        }
        for (int member = 0; member < 5; member++) {
            assertThat(engine.claims().claim(whole, BUCKETS, "m-" + member, "again-" + member, Map.of(), UUID.randomUUID()).block())
                    .as("m-" + member + " holds the limit in their home bucket").isEqualTo(new ClaimOutcome.Refused(ClaimOutcome.Refusal.LIMIT_REACHED));
        }
        int granted = 0;
        for (int newcomer = 0; newcomer < stock; newcomer++) {
            ClaimOutcome outcome = claimUntilAnswered(whole, "new-" + newcomer, "key").block();
            if (outcome instanceof ClaimOutcome.Granted) {
                granted++;
            } else {
                assertThat(outcome).isEqualTo(new ClaimOutcome.Refused(ClaimOutcome.Refusal.SOLD_OUT));
            }
        }
        assertThat(granted).as("exactly the units left").isEqualTo(stock - 15);
    }
}
