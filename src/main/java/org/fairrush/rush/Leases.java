package org.fairrush.rush;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import org.fairrush.rush.lua.LuaScripts;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Leases in Redis (lease.lua, lease-release.lua): background work that every instance runs on a timer is
 * done for each scope by one instance at a time, its owner, which keeps the lease by renewing it on each
 * pass (compare-and-renew: only the owner can extend it) and loses it when it stops renewing (it died, or
 * a pass outlasted the lease). Work under a lease is bounded by the caller to less than the lease's time,
 * so an owner never works on after its lease has passed to another.
 */
public final class Leases {

    private static final RedisScript<Long> TAKE = LuaScripts.number("lease");
    private static final RedisScript<Long> RELEASE = LuaScripts.number("lease-release");

    private final ReactiveStringRedisTemplate redis;
    private final String owner;

    public Leases(ReactiveStringRedisTemplate redis) {
        this(redis, UUID.randomUUID().toString());
    }

    public Leases(ReactiveStringRedisTemplate redis, String owner) {
        this.redis = redis;
        this.owner = owner;
    }

    /** This instance's id as a lease owner. */
    public String owner() {
        return owner;
    }

    /** Emits true when this instance holds the lease {@code key} for {@code ttl} from now (taken or renewed). */
    public Mono<Boolean> hold(String key, Duration ttl) {
        return redis.execute(TAKE, List.of(key), List.of(owner, Long.toString(ttl.toMillis())))
                .next()
                .map(held -> held == 1L);
    }

    /** Gives the lease back if this instance holds it (on a clean stop, so another takes over at once). */
    public Mono<Boolean> release(String key) {
        return redis.execute(RELEASE, List.of(key), List.of(owner)).next().map(released -> released == 1L);
    }
}
