package org.fairrush.rush.lua;

import java.time.Instant;
import java.util.List;

import org.fairrush.rush.ClaimRecorded;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/** Calls release.lua: reverses a claim that could not be made durable. */
public final class ReleaseScript {

    private static final RedisScript<Long> SCRIPT = LuaScripts.number("release");

    public enum Result {
        /** Unknown: not pending any more (stored or reversed before). */
        UNKNOWN,
        /** Reversed: the unit is back, the actor's count and idempotency key are undone. */
        REVERSED,
        /** The persister had already taken the claim over: it is durable and stands. */
        DURABLE
    }

    private final ReactiveStringRedisTemplate redis;

    public ReleaseScript(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    public Mono<Result> run(PoolKeys keys, ClaimRecorded claim, String idempotencyKey, Instant now) {
        List<String> keyList = keys.withDay(List.of(keys.stock(), keys.holders(), keys.pending(),
                keys.idempotency(claim.actorId(), idempotencyKey), keys.waitlist(), keys.confirmed(), keys.reversed(),
                keys.claims(), keys.unsent()));
        List<String> args = List.of(claim.eventId().toString(), claim.actorId(), claim.item() == null ? "" : claim.item(),
                claim.status(), Long.toString(now.toEpochMilli()));
        return redis.execute(SCRIPT, keyList, args).next().map(code -> Result.values()[code.intValue()]);
    }
}
