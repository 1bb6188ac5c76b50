package org.fairrush.rush;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/** Calls rebuild.lua: replaces a pool's Redis state with the numbers Postgres implies. */
final class RebuildScript {

    private static final RedisScript<Long> SCRIPT = LuaScripts.number("rebuild");

    private final ReactiveStringRedisTemplate redis;

    RebuildScript(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    Mono<Long> run(PoolKeys keys, PoolDefinition pool, long remaining, List<String> freeItems, Map<String, Integer> holders) {
        List<String> args = new ArrayList<>(List.of(
                Long.toString(pool.opensAt().toEpochMilli()),
                Long.toString(pool.closesAt().toEpochMilli()),
                Integer.toString(pool.perActorLimit()),
                pool.waitlist() ? "1" : "0",
                Integer.toString(pool.stock()),
                Long.toString(remaining),
                Integer.toString(holders.size())));
        holders.forEach((actor, count) -> {
            args.add(actor);
            args.add(Integer.toString(count));
        });
        args.addAll(freeItems);
        return redis.execute(SCRIPT, List.of(keys.meta(), keys.stock(), keys.holders(), keys.pending(), keys.confirmed(), keys.unsent()), args)
                .next();
    }
}
