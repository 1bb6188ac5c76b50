package org.fairrush.rush.lua;

import java.util.ArrayList;
import java.util.List;

import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.ScopeState;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Calls rebuild-scope.lua and rebuild-pool.lua: replaces a scope's Redis state with what Postgres implies.
 * Two scripts, so that a scope of many pools is not one long-running script; the pools are paused meanwhile.
 */
public final class RebuildScript {

    private static final RedisScript<Long> SCOPE = LuaScripts.number("rebuild-scope");
    private static final RedisScript<Long> POOL = LuaScripts.number("rebuild-pool");

    private final ReactiveStringRedisTemplate redis;
    private final ClaimCodec codec;

    public RebuildScript(ReactiveStringRedisTemplate redis, ClaimCodec codec) {
        this.redis = redis;
        this.codec = codec;
    }

    /** Emits the number of claims written. */
    public Mono<Long> scope(PoolKeys keys, ScopeState state) {
        List<String> args = new ArrayList<>();
        args.add(Integer.toString(state.holders().size()));
        state.holders().forEach((actor, count) -> {
            args.add(actor);
            args.add(Integer.toString(count));
        });
        state.claims().forEach(claim -> {
            args.add(claim.eventId().toString());
            args.add(codec.write(claim));
        });
        return redis.execute(SCOPE, List.of(keys.holders(), keys.pending(), keys.confirmed(), keys.unsent(), keys.claims(),
                keys.changes(), keys.offers(), keys.transfers()), args).next();
    }

    /** Emits the units left in the pool. */
    public Mono<Long> pool(PoolKeys keys, ScopeState.Pool pool) {
        PoolDefinition definition = pool.definition();
        List<String> args = new ArrayList<>(List.of(
                Long.toString(definition.opensAt().toEpochMilli()),
                Long.toString(definition.closesAt().toEpochMilli()),
                Integer.toString(definition.perActorLimit()),
                definition.waitlist() ? "1" : "0",
                Integer.toString(definition.stock()),
                pool.items() ? "1" : "0",
                Long.toString(pool.remaining()),
                pool.assigned() ? "1" : "0",
                Long.toString(definition.activeUntil().toEpochMilli()),
                Integer.toString(pool.waiting().size())));
        pool.waiting().forEach(claimId -> args.add(claimId.toString()));
        args.addAll(pool.freeItems());
        return redis.execute(POOL, List.of(keys.meta(), keys.stock(), keys.waitlist()), args).next();
    }
}
