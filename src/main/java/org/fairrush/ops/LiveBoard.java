package org.fairrush.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.MultiGauge;
import io.micrometer.core.instrument.Tags;
import org.fairrush.ops.LiveSnapshot.Group;
import org.fairrush.ops.LiveSnapshot.Pool;
import org.fairrush.rush.PeriodicPass;
import org.fairrush.rush.PoolQueries;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.WatchedPools;
import org.fairrush.rush.WatchedPools.WatchedPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Reads the watched pools every {@code sampleInterval} (which pools, and their stored counts, from Postgres every
 * {@code watchRefresh}: {@link WatchedPoolsReader}): sets the per-pool gauges
 * ({@code fairrush_pool_remaining}, {@code fairrush_pool_pending}, {@code fairrush_pool_waiting}, tagged with
 * kind and pool, only for watched pools so their number stays bounded) and publishes one
 * {@link LiveSnapshot} for the live dashboard's streams. One sampler per instance, however many
 * dashboards are open. A lifecycle bean, stopped before the Redis connections as the engine's periodic passes are: a
 * sample in flight when the connection factory stopped failed its Redis reads, and the reads a zip had already given up
 * on dropped their errors (seen by {@code ShutdownTest} when a service stopped within a second of starting).
 */
final class LiveBoard implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(LiveBoard.class);
    private static final String CLAIMS_PREFIX = "claims:";
    private static final String STORED = "stored";

    private final WatchedPoolsReader watched;
    private final PoolQueries poolQueries;
    private final MeterRegistry registry;
    private final PersisterLag lag;
    private final Clock clock;
    private final OpsProperties properties;
    private final String instance;
    private final FleetTotals fleet;
    private final MultiGauge remainingGauge;
    private final MultiGauge pendingGauge;
    private final MultiGauge waitingGauge;
    private final Sinks.Many<LiveSnapshot> frames = Sinks.many().replay().latest();
    private Readings previous;
    private Disposable sampling;

    LiveBoard(List<WatchedPools> sources, PoolQueries poolQueries, MeterRegistry registry, PersisterLag lag, Clock clock,
            OpsProperties properties, String instance, FleetTotals fleet) {
        this.fleet = fleet;
        this.watched = new WatchedPoolsReader(sources, properties.watchedPoolsLimit(), properties.watchRefresh());
        this.poolQueries = poolQueries;
        this.registry = registry;
        this.lag = lag;
        this.clock = clock;
        this.properties = properties;
        this.instance = instance;
        this.remainingGauge = MultiGauge.builder("fairrush.pool.remaining").description("Units left in a watched pool")
                .baseUnit("units").register(registry);
        this.pendingGauge = MultiGauge.builder("fairrush.pool.pending")
                .description("Claims of a watched pool taken in Redis, not yet stored in Postgres").baseUnit("claims").register(registry);
        this.waitingGauge = MultiGauge.builder("fairrush.pool.waiting").description("Claims on a watched pool's waiting list")
                .baseUnit("claims").register(registry);
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        sampling = Flux.interval(Duration.ZERO, properties.sampleInterval())
                .onBackpressureDrop()
                .concatMap(tick -> sample().onErrorResume(failure -> {
                    log.warn("the live board skipped a frame: {}", failure.toString());
                    return Mono.empty();
                }))
                .subscribe(frame -> frames.tryEmitNext(frame), failure -> log.error("the live board stopped", failure));
    }

    @Override
    public synchronized void stop() {
        if (sampling != null) {
            sampling.dispose();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return sampling != null && !sampling.isDisposed();
    }

    /** The engine's background phase: stopped before the Redis connection factory, started after it. */
    @Override
    public int getPhase() {
        return PeriodicPass.BACKGROUND_PHASE;
    }

    /** The latest frame at once, then every new one. */
    Flux<LiveSnapshot> frames() {
        return frames.asFlux();
    }

    Mono<LiveSnapshot> sample() {
        Instant now = clock.instant();
        return watched.read(now)
                .flatMapIterable(sources -> sources)
                .concatMap(source -> Flux.fromIterable(source.pools())
                        .flatMapSequential(this::read, 8)
                        .collectList()
                        .map(pools -> new Reading(source.group(), pools)))
                .collectList()
                .zipWith(fleet.addAndRead(localTotals()))
                .map(read -> frame(now, read.getT1(), read.getT2(), null))
                .onErrorResume(failure -> {
                    log.debug("sampling the watched pools failed: {}", failure.toString());
                    return Mono.just(frame(now, List.of(), null, "pools could not be read: " + failure.getMessage()));
                });
    }

    private record Reading(String group, List<PoolReading> pools) {
    }

    private record PoolReading(WatchedPool pool, long remaining, long pending, long waiting) {
    }

    private Mono<PoolReading> read(WatchedPool pool) {
        PoolRef ref = pool.ref();
        return Mono.zip(poolQueries.remaining(ref).defaultIfEmpty(-1L), poolQueries.pendingCount(ref), poolQueries.waitingCount(ref))
                .map(numbers -> new PoolReading(pool, numbers.getT1(), numbers.getT2(), numbers.getT3()));
    }

    /** @param fleetTotals the fleet's counters (claims:OUTCOME, stored), null when Redis could not be read */
    private synchronized LiveSnapshot frame(Instant now, List<Reading> readings, Map<String, Long> fleetTotals, String problem) {
        if (fleetTotals == null) {
            // Keep the last readings: the next frame's rates then span the gap instead of starting over.
            return new LiveSnapshot(now, instance, List.of(), Map.of(), previous == null ? Map.of() : previous.outcomes(),
                    new LiveSnapshot.Persister(lag.total(), 0), problem);
        }
        Map<String, Long> outcomeTotals = new TreeMap<>();
        fleetTotals.forEach((name, total) -> {
            if (name.startsWith(CLAIMS_PREFIX)) {
                outcomeTotals.put(name.substring(CLAIMS_PREFIX.length()), total);
            }
        });
        Readings current = new Readings(now, outcomeTotals, fleetTotals.getOrDefault(STORED, 0L), new HashMap<>());
        double seconds = previous == null ? 0 : Duration.between(previous.at(), now).toMillis() / 1000.0;
        List<Group> groups = new ArrayList<>();
        for (Reading reading : readings) {
            List<Pool> pools = new ArrayList<>();
            for (PoolReading read : reading.pools()) {
                WatchedPool pool = read.pool();
                String id = id(pool.ref());
                long taken = read.remaining() < 0 ? 0 : pool.stock() - read.remaining();
                current.taken().put(id, taken);
                Long before = previous == null ? null : previous.taken().get(id);
                double takenPerSecond = before == null ? 0 : Rates.perSecond(before, taken, seconds);
                pools.add(new Pool(id, pool.name(), pool.stock(), read.remaining(), read.pending(), read.waiting(), pool.stored(),
                        takenPerSecond));
            }
            groups.add(new Group(reading.group(), pools));
        }
        updateGauges(readings);
        Map<String, Double> outcomes = previous == null ? Map.of() : Rates.perSecond(previous.outcomes(), current.outcomes(), seconds);
        double storedPerSecond = previous == null ? 0 : Rates.perSecond(previous.stored(), current.stored(), seconds);
        previous = current;
        return new LiveSnapshot(now, instance, groups, outcomes, current.outcomes(),
                new LiveSnapshot.Persister(lag.total(), storedPerSecond), problem);
    }

    private record Readings(Instant at, Map<String, Long> outcomes, long stored, Map<String, Long> taken) {
    }

    private void updateGauges(List<Reading> readings) {
        List<MultiGauge.Row<?>> remaining = new ArrayList<>();
        List<MultiGauge.Row<?>> pending = new ArrayList<>();
        List<MultiGauge.Row<?>> waiting = new ArrayList<>();
        for (Reading reading : readings) {
            for (PoolReading read : reading.pools()) {
                Tags tags = Tags.of("kind", read.pool().ref().kind(), "pool", id(read.pool().ref()));
                if (read.remaining() >= 0) {
                    remaining.add(MultiGauge.Row.of(tags, read.remaining()));
                }
                pending.add(MultiGauge.Row.of(tags, read.pending()));
                waiting.add(MultiGauge.Row.of(tags, read.waiting()));
            }
        }
        remainingGauge.register(remaining, true);
        pendingGauge.register(pending, true);
        waitingGauge.register(waiting, true);
    }

    /** This instance's own counters, under the names of the fleet's sums. */
    private Map<String, Long> localTotals() {
        Map<String, Long> totals = new TreeMap<>();
        for (Counter counter : registry.find(MicrometerRushMetrics.CLAIMS).counters()) {
            totals.merge(CLAIMS_PREFIX + counter.getId().getTag("outcome"), (long) counter.count(), Long::sum);
        }
        Counter stored = registry.find(MicrometerRushMetrics.PERSISTED).counter();
        totals.put(STORED, stored == null ? 0 : (long) stored.count());
        return totals;
    }

    static String id(PoolRef ref) {
        return ref.pool().isEmpty() ? ref.scopeTag() : ref.scopeTag() + "/" + ref.pool();
    }
}
