package org.fairrush.rush;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Hands a counted pool's units to the claims waiting in another pool of the same scope, in a decided order (a
 * randomized opening's draw; grant-in-order.lua): the first claims become HELD in the target pool while units last,
 * the others RELEASED, and the target pool opens. Exactly once per target pool, however many instances ask: the
 * script's step is atomic and marks the pool drawn. The changes travel to Kafka as later revisions of the claims,
 * through the engine's outbox, so the winners' units reach Postgres on the claims' own durable path.
 */
public final class GrantInOrder {

    private static final RedisScript<List<Object>> GRANT = LuaScripts.list("grant-in-order");

    private final RushEngine engine;
    private final ReactiveStringRedisTemplate redis;
    private final SoldOutBoard soldOut;

    GrantInOrder(RushEngine engine, ReactiveStringRedisTemplate redis, SoldOutBoard soldOut) {
        this.engine = engine;
        this.redis = redis;
        this.soldOut = soldOut;
    }

    /** What became of a grant: whether it was applied now, before, or refused because the order is not the entries. */
    public enum Code {
        /** The order is not exactly the entries pool's waiting claims; nothing changed. */
        MISMATCH,
        GRANTED,
        /** Applied before; its unacknowledged changes were published again. */
        ALREADY
    }

    /** @param granted claims that got a unit now (0 when {@code ALREADY}), remaining units left in the target pool */
    public record Granting(Code code, long granted, long remaining) {
    }

    /**
     * Grants {@code target}'s units to {@code entries}' waiting claims in {@code order} and opens {@code target} at
     * {@code opensAt}; publishes the changes to Kafka (fails when Kafka does not take them: asking again publishes what
     * is left, and changes nothing else).
     */
    public Mono<Granting> grant(PoolRef entries, PoolRef target, List<UUID> order, Instant opensAt) {
        PoolKeys from = engine.keys(entries);
        PoolKeys to = engine.keys(target);
        List<String> args = new ArrayList<>(order.size() + 3);
        args.add(Integer.toString(order.size()));
        order.forEach(id -> args.add(id.toString()));
        args.add(Long.toString(opensAt.toEpochMilli()));
        args.add(target.pool());
        List<String> keys = List.of(from.meta(), from.waitlist(), to.meta(), to.stock(), to.holders(), to.claims(), to.changes());
        return redis.execute(GRANT, keys, args).next()
                .map(reply -> new Granting(Code.values()[Math.toIntExact((Long) reply.get(0))], (Long) reply.get(1), (Long) reply.get(2)))
                .flatMap(granting -> granting.code() == Code.MISMATCH ? Mono.just(granting)
                        : (granting.remaining() == 0 ? soldOut.markSoldOut(target) : Mono.<Void>empty())
                                .then(engine.publishChanges(target))
                                .thenReturn(granting));
    }
}
