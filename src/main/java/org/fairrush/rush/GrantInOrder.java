package org.fairrush.rush;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.fairrush.rush.lua.GrantScript;
import reactor.core.publisher.Mono;

/**
 * Hands a counted pool's units to the claims waiting in another pool of the same scope, in a decided order (a
 * randomized opening's draw; grant-in-order.lua): the first claims become HELD in the target pool while units last,
 * the others RELEASED, and the target pool opens. Exactly once per target pool, however many instances ask: the
 * script's step is atomic and marks the pool drawn. The changes travel to Kafka as later revisions of the claims,
 * through the change outbox, so the winners' units reach Postgres on the claims' own durable path.
 */
public final class GrantInOrder {

    private final PoolRegistry registry;
    private final ChangeOutbox outbox;
    private final GrantScript script;
    private final SoldOutBoard soldOut;

    GrantInOrder(PoolRegistry registry, ChangeOutbox outbox, GrantScript script, SoldOutBoard soldOut) {
        this.registry = registry;
        this.outbox = outbox;
        this.script = script;
        this.soldOut = soldOut;
    }

    /**
     * Grants {@code target}'s units to {@code entries}' waiting claims in {@code order} and opens {@code target} at
     * {@code opensAt}; publishes the changes to Kafka (fails when Kafka does not take them: asking again publishes what
     * is left, and changes nothing else). Emits true once applied (now or before), false when the order is not exactly
     * the claims waiting in {@code entries} (nothing changed).
     */
    public Mono<Boolean> grant(PoolRef entries, PoolRef target, List<UUID> order, Instant opensAt) {
        return script.run(registry.keys(entries), registry.keys(target), order, opensAt)
                .flatMap(answer -> answer.code() == GrantScript.Code.MISMATCH ? Mono.just(false)
                        : (answer.remaining() == 0 ? soldOut.markSoldOut(target) : Mono.<Void>empty())
                                .then(outbox.publishChanges(target))
                                .thenReturn(true));
    }
}
