package org.fairrush.rush.lua;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Calls give-units.lua and receive-units.lua, and settles a transfer: stock units moving from one bucket of a scope to
 * another (docs/design.md section 11, note 33). Each call touches one bucket's slot only.
 */
public final class TransferScripts {

    private static final RedisScript<List<Object>> GIVE = LuaScripts.list("give-units");
    private static final RedisScript<Long> RECEIVE = LuaScripts.number("receive-units");

    private final ReactiveStringRedisTemplate redis;

    public TransferScripts(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    /**
     * @param units   units taken off the giver's stock and journalled (0: it had none, or is paused)
     * @param journal transfers in the giver's journal after the call: units on their way to another bucket
     * @param withheld whether the giver holds units it did not give (it is paused)
     */
    public record Given(long units, long journal, boolean withheld) {
    }

    /** One unsettled transfer in a giver's journal. */
    public record Transfer(String id, int toBucket, long units, Instant at) {

        static Transfer parse(String id, String value) {
            String[] parts = value.split(":");
            return new Transfer(id, Integer.parseInt(parts[0]), Long.parseLong(parts[1]), Instant.ofEpochMilli(Long.parseLong(parts[2])));
        }
    }

    public Mono<Given> give(PoolKeys giver, String transferId, int toBucket, Instant now) {
        return redis.execute(GIVE, List.of(giver.meta(), giver.stock(), giver.transfers()),
                        List.of(transferId, Integer.toString(toBucket), Long.toString(now.toEpochMilli())))
                .next()
                .map(reply -> new Given((Long) reply.get(0), (Long) reply.get(1), (Long) reply.get(2) == 1L));
    }

    /** Emits true when this call credited the units, false when the transfer had arrived before. */
    public Mono<Boolean> receive(PoolKeys receiver, String transferId, long units) {
        return redis.execute(RECEIVE, List.of(receiver.stock(), receiver.received()), List.of(transferId, Long.toString(units)))
                .next()
                .map(credited -> credited == 1L);
    }

    /** The transfer arrived: it leaves the giver's journal (one HDEL, atomic on its own). */
    public Mono<Void> settle(PoolKeys giver, String transferId) {
        return redis.opsForHash().remove(giver.transfers(), transferId).then();
    }

    /**
     * The transfer will never be credited (a rebuild counted its units from Postgres): its id joins the receiver's set of
     * received transfers, so a receive-units.lua that comes later credits nothing (one SADD, atomic on its own).
     */
    public Mono<Void> cancel(PoolKeys receiver, String transferId) {
        return redis.opsForSet().add(receiver.received(), transferId).then();
    }

    /** The giver's unsettled transfers. */
    public Flux<Transfer> journal(PoolKeys giver) {
        return redis.<String, String>opsForHash().entries(giver.transfers()).map(entry -> Transfer.parse(entry.getKey(), entry.getValue()));
    }

    /** Units given by this bucket and not yet credited to their receiver (for the stock's sums). */
    public Mono<Long> unitsOnTheirWay(PoolKeys giver, Map<Integer, PoolKeys> buckets) {
        return journal(giver)
                .filterWhen(transfer -> redis.opsForSet().isMember(buckets.get(transfer.toBucket()).received(), transfer.id()).map(in -> !in))
                .map(Transfer::units)
                .reduce(0L, Long::sum);
    }

    public static String newTransferId() {
        return UUID.randomUUID().toString();
    }
}
