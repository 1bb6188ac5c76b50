package org.fairrush.rush.lua;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

import io.lettuce.core.cluster.SlotHash;
import org.fairrush.devstack.RedisClusterServers;
import org.fairrush.rush.ChangeOutbox;
import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimOutcome;
import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.DeadLetter;
import org.fairrush.rush.Leases;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.ReleaseOutcome;
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
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every Lua script of the engine on a real Redis Cluster of three primaries, connected the way Boot connects
 * with spring.data.redis.cluster.nodes: a script whose keys span two slots would be refused (CROSSSLOT), and
 * pools of many scopes land on different nodes. Also the sold-out messages, which travel by cluster pub/sub.
 */
class ScriptsOnRedisClusterTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:05:00Z");

    private static RedisClusterServers cluster;
    private static ReactiveStringRedisTemplate redis;

    private final RushProperties properties = properties("frc" + UUID.randomUUID().toString().substring(0, 8));
    private final ClaimCodec codec = new ClaimCodec(JsonMapper.builder().findAndAddModules().build());
    private final AtomicBoolean kafkaDown = new AtomicBoolean();
    private final List<ClaimRecorded> published = new ArrayList<>();
    private final ClaimPublisher kafka = new ClaimPublisher() {
        @Override
        public Mono<Void> publish(ClaimRecorded claim) {
            if (kafkaDown.get()) {
                return Mono.error(new IllegalStateException("broker gone"));
            }
            synchronized (published) {
                published.add(claim);
            }
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
        board.stop();
        redis.scan(ScanOptions.scanOptions().match(properties.keyPrefix() + ":*").build()).flatMap(redis::unlink).blockLast(Duration.ofSeconds(10));
    }

    private static RushProperties properties(String prefix) {
        Map<String, Object> settings = new HashMap<>();
        settings.put("fairrush.rush.key-prefix", prefix);
        settings.put("fairrush.rush.send-timeout", "2s");
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate("fairrush.rush", Bindable.of(RushProperties.class));
    }

    private static PoolDefinition counted(PoolRef ref, int stock) {
        return PoolDefinition.counted(ref, NOW.minusSeconds(60), NOW.plusSeconds(600), 1, stock);
    }

    private static PoolDefinition stalls(PoolRef ref, String... numbers) {
        return new PoolDefinition(ref, NOW.minusSeconds(60), NOW.plusSeconds(600), 1, numbers.length, List.of(numbers), true);
    }

    @Test
    void claimsConfirmsAndClearsOnPoolsSpreadOverEveryNode() {
        List<PoolRef> pools = new ArrayList<>();
        for (int campaign = 1; campaign <= 12; campaign++) {
            pools.add(PoolRef.single("c", Integer.toString(campaign)));
        }
        Set<Integer> slots = pools.stream().map(ref -> SlotHash.getSlot(new PoolKeys(properties.keyPrefix(), ref).meta()))
                .collect(Collectors.toSet());
        assertThat(slots.stream().map(slot -> slot * 3 / 16384).distinct()).as("pools on every node").hasSize(3);
        PersistenceScripts persistence = new PersistenceScripts(redis);

        for (PoolRef pool : pools) {
            assertThat(engine.registry().define(counted(pool, 5)).block()).isTrue();
            ClaimOutcome outcome = engine.claims().claim(pool, "m-1", "key-00001", Map.of()).block();
            assertThat(outcome).isInstanceOf(ClaimOutcome.Granted.class);
            ClaimRecorded claim = ((ClaimOutcome.Granted) outcome).claim();
            PoolKeys keys = new PoolKeys(properties.keyPrefix(), pool);
            assertThat(redis.opsForSet().isMember(keys.confirmed(), claim.eventId().toString()).block())
                    .as("acknowledge.lua marked the granted claim on its pool's node").isTrue();
            assertThat(persistence.confirm(keys, List.of(claim)).block()).containsExactly(claim);
            persistence.clear(keys, List.of(claim)).block();
            assertThat(engine.queries().pendingCount(pool).block()).isZero();
            assertThat(engine.queries().remaining(pool).block()).isEqualTo(4);
        }
    }

    @Test
    void reversesAClaimKafkaRefused() {
        PoolRef pool = PoolRef.single("c", "21");
        engine.registry().define(counted(pool, 1)).block();
        kafkaDown.set(true);

        assertThat(engine.claims().claim(pool, "m-1", "key-00001", Map.of()).block()).isInstanceOf(ClaimOutcome.Busy.class);
        assertThat(engine.queries().remaining(pool).block()).isEqualTo(1);
    }

    @Test
    void releasesAStallAndPromotesTheFirstWaiting() {
        PoolRef food = new PoolRef("f", "31", "FOOD");
        engine.registry().define(stalls(food, "FOOD-01")).block();
        ClaimRecorded holder = ((ClaimOutcome.Granted) engine.claims().claim(food, "noodles", "key-noodles", Map.of()).block()).claim();
        ClaimRecorded waiting = ((ClaimOutcome.Waitlisted) engine.claims().claim(food, "teahouse", "key-teahouse", Map.of()).block()).claim();

        ReleaseOutcome released = engine.outbox().release(food, holder.eventId()).block();

        assertThat(released).isInstanceOf(ReleaseOutcome.Released.class);
        assertThat(((ReleaseOutcome.Released) released).promoted()).hasValueSatisfying(promoted ->
                assertThat(promoted.eventId()).isEqualTo(waiting.eventId()));
        assertThat(engine.queries().unpublishedChanges(food).block()).as("changes forgotten once acknowledged").isZero();
    }

    @Test
    void assignsALotteryPoolInTheDrawnOrder() {
        PoolRef crafts = new PoolRef("f", "41", "CRAFT");
        engine.registry().define(new PoolDefinition(crafts, NOW.minusSeconds(60), NOW.plusSeconds(600), 1, 0, List.of(), true)).block();
        UUID first = ((ClaimOutcome.Waitlisted) engine.claims().claim(crafts, "a", "key-aaaaa", Map.of()).block()).claim().eventId();
        UUID second = ((ClaimOutcome.Waitlisted) engine.claims().claim(crafts, "b", "key-bbbbb", Map.of()).block()).claim().eventId();

        assertThat(engine.outbox().assignInOrder(crafts, List.of(second, first), List.of("CRAFT-01")).block())
                .isEqualTo(ChangeOutbox.Assignment.ASSIGNED);
        assertThat(engine.queries().findClaim(crafts, second).block().item()).isEqualTo("CRAFT-01");
    }

    @Test
    void rebuildsAScopeFromWhatPostgresImplies() {
        PoolRef pool = PoolRef.single("c", "51");
        ScopeState state = new ScopeState(pool, Map.of("m-1", 1), List.of(), List.of(ScopeState.Pool.counted(counted(pool, 10), 9)));

        engine.rebuild(state).block();
        engine.registry().setPaused(pool, false).block();

        assertThat(engine.queries().remaining(pool).block()).isEqualTo(9);
        assertThat(engine.claims().claim(pool, "m-1", "key-00002", Map.of()).block())
                .isEqualTo(new ClaimOutcome.Refused(ClaimOutcome.Refusal.LIMIT_REACHED));
    }

    @Test
    void takesRenewsAndReleasesALease() {
        String key = new PoolKeys(properties.keyPrefix(), PoolRef.single("c", "61")).sweeperLease();
        Leases first = new Leases(redis, "instance-1");

        assertThat(first.hold(key, Duration.ofSeconds(30)).block()).isTrue();
        assertThat(new Leases(redis, "instance-2").hold(key, Duration.ofSeconds(30)).block()).isFalse();
        assertThat(first.release(key).block()).isTrue();
    }

    @Test
    void soldOutMarksTravelToTheOtherInstances() {
        SoldOutBoard other = new SoldOutBoard(redis, properties.keyPrefix());
        other.start();
        board.start();
        PoolRef pool = PoolRef.single("c", "71");
        try {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                board.markRestocked(pool).block();
                board.markSoldOut(pool).block();
                assertThat(other.isSoldOut(pool)).isTrue();
            });
        } finally {
            other.stop();
        }
    }
}
