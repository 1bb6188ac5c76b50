package org.fairrush.rush;

import java.time.Clock;
import java.util.List;

import org.fairrush.rush.lua.AcknowledgeScript;
import org.fairrush.rush.lua.Acknowledgements;
import org.fairrush.rush.lua.ChangeScripts;
import org.fairrush.rush.lua.ClaimScript;
import org.fairrush.rush.lua.DefinePoolScript;
import org.fairrush.rush.lua.RebuildScript;
import org.fairrush.rush.lua.ReleaseScript;
import org.fairrush.rush.lua.TransferScripts;
import org.fairrush.rush.recovery.ScopeRebuild;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Mono;

/** The engine's parts wired as RushConfiguration wires them, for tests that build an engine of their own. */
public record TestEngine(Claims claims, ChangeOutbox outbox, PoolRegistry registry, PoolQueries queries, ScopeRebuild scopeRebuild,
        Buckets buckets) {

    public static TestEngine of(ReactiveStringRedisTemplate redis, ClaimCodec codec, ClaimPublisher publisher, SoldOutBoard soldOut,
            Clock clock, RushProperties properties) {
        return of(redis, codec, publisher, soldOut, clock, properties, RushMetrics.NONE, List.of());
    }

    public static TestEngine of(ReactiveStringRedisTemplate redis, ClaimCodec codec, ClaimPublisher publisher, SoldOutBoard soldOut,
            Clock clock, RushProperties properties, RushMetrics metrics, List<ClaimSink> sinks) {
        PoolRegistry registry = new PoolRegistry(redis, new DefinePoolScript(redis), soldOut, clock, properties);
        PoolQueries queries = new PoolQueries(redis, codec, properties);
        Buckets buckets = new Buckets(redis, new TransferScripts(redis), clock, properties);
        Claims claims = new Claims(redis, new ClaimScript(redis, codec, properties.idempotencyTtl()), new ReleaseScript(redis),
                new Acknowledgements(new AcknowledgeScript(redis)), publisher, soldOut, clock, properties, metrics, sinks, buckets);
        ChangeOutbox outbox = new ChangeOutbox(redis, new ChangeScripts(redis, codec), publisher, soldOut, properties);
        // No persisters in these tests, so nothing lags: a rebuild waits only for the scope's own pending claims.
        ScopeRebuild rebuild = new ScopeRebuild(registry, queries, new RebuildScript(redis, codec), soldOut, new TransferScripts(redis),
                () -> Mono.just(0L));
        return new TestEngine(claims, outbox, registry, queries, rebuild, buckets);
    }

    /** The engine's read models over a template of the test's own (one that counts commands, say). */
    public static PoolQueries queries(ReactiveStringRedisTemplate redis, ClaimCodec codec, RushProperties properties) {
        return new PoolQueries(redis, codec, properties);
    }

    /** Rebuilds a scope to {@code state}, leaving its pools as the state says (no pool is paused or resumed around it). */
    public Mono<Void> rebuild(ScopeState state) {
        return scopeRebuild.rebuild(state.scope(), List.of(), Mono.just(state), false);
    }
}
