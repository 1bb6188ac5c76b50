package org.fairrush.rush.lua;

import java.util.List;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/** Calls acknowledge.lua: marks claims of one scope that Kafka acknowledged as durable. */
public final class AcknowledgeScript {

    private static final RedisScript<Long> SCRIPT = LuaScripts.number("acknowledge");

    private final ReactiveStringRedisTemplate redis;

    public AcknowledgeScript(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    /** Emits how many of {@code claimIds} (at least one, all of the scope of {@code keys}) were newly marked. */
    public Mono<Long> run(PoolKeys keys, List<String> claimIds) {
        return redis.execute(SCRIPT, List.of(keys.confirmed(), keys.unsent()), claimIds).next();
    }
}
