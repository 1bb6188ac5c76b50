package org.fairrush.rush.lua;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/** Calls grant-in-order.lua (a randomized opening's draw applied in Redis) and turns its answer into a value. */
public final class GrantScript {

    private static final RedisScript<List<Object>> GRANT = LuaScripts.list("grant-in-order");

    private final ReactiveStringRedisTemplate redis;

    public GrantScript(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    /** The script's codes, in its order. */
    public enum Code {
        /** The order is not exactly the entries pool's waiting claims; nothing changed. */
        MISMATCH,
        GRANTED,
        /** Applied before; nothing changed. */
        ALREADY
    }

    /** @param granted claims that got a unit now (0 unless {@code GRANTED}), remaining units left in the target pool */
    public record Answer(Code code, long granted, long remaining) {
    }

    public Mono<Answer> run(PoolKeys entries, PoolKeys target, List<UUID> order, Instant opensAt) {
        List<String> args = new ArrayList<>(order.size() + 3);
        args.add(Integer.toString(order.size()));
        order.forEach(id -> args.add(id.toString()));
        args.add(Long.toString(opensAt.toEpochMilli()));
        args.add(target.ref().pool());
        List<String> keys = List.of(entries.meta(), entries.waitlist(), target.meta(), target.stock(), target.holders(), target.claims(),
                target.changes());
        return redis.execute(GRANT, keys, args).next()
                .map(reply -> new Answer(Code.values()[Math.toIntExact((Long) reply.get(0))], (Long) reply.get(1), (Long) reply.get(2)));
    }
}
