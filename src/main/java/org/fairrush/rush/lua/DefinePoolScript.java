package org.fairrush.rush.lua;

import java.util.ArrayList;
import java.util.List;

import org.fairrush.rush.PoolDefinition;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/** Calls define-pool.lua: loads a pool into Redis unless it is there already. */
public final class DefinePoolScript {

    private static final RedisScript<Long> SCRIPT = LuaScripts.number("define-pool");

    private final ReactiveStringRedisTemplate redis;

    public DefinePoolScript(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    /** Emits true when the pool was created, false when it existed already (and was left alone). */
    public Mono<Boolean> run(PoolKeys keys, PoolDefinition pool) {
        List<String> args = new ArrayList<>(List.of(
                Long.toString(pool.opensAt().toEpochMilli()),
                Long.toString(pool.closesAt().toEpochMilli()),
                Integer.toString(pool.perActorLimit()),
                pool.waitlist() ? "1" : "0",
                Integer.toString(pool.stock()),
                Long.toString(pool.activeUntil().toEpochMilli())));
        args.addAll(pool.items());
        return redis.execute(SCRIPT, List.of(keys.meta(), keys.stock()), args).next().map(created -> created == 1L);
    }
}
