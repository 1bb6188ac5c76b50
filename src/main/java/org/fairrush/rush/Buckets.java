package org.fairrush.rush;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.zip.CRC32C;

import org.fairrush.rush.lua.PoolKeys;
import org.fairrush.rush.lua.TransferScripts;
import org.fairrush.rush.lua.TransferScripts.Transfer;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A scope's single stock split over buckets, each its own pool under its own hash tag (docs/design.md section 11,
 * note 33): an actor's home bucket, and stock moving to a home bucket that ran out from the buckets that still have
 * some. Every claim stays one claim script on the actor's home bucket, which holds their limit and idempotency records,
 * so both stay exact; only whole units move between buckets, each move journalled by its giver until it arrived.
 */
public class Buckets {

    /** What a refill of an empty home bucket found. */
    public enum Refill {
        /** Units arrived in the home bucket: claim there again. */
        MOVED,
        /** Every other bucket is empty and no units are on their way anywhere: the whole stock is sold out. */
        EMPTY,
        /**
         * No bucket could give, but units are on their way between buckets (a move in flight or stranded by a crash), or
         * a paused bucket holds some.
         */
        IN_TRANSIT
    }

    private final ReactiveStringRedisTemplate redis;
    private final TransferScripts transfers;
    private final Clock clock;
    private final String keyPrefix;

    public Buckets(ReactiveStringRedisTemplate redis, TransferScripts transfers, Clock clock, RushProperties properties) {
        this.redis = redis;
        this.transfers = transfers;
        this.clock = clock;
        this.keyPrefix = properties.keyPrefix();
    }

    /**
     * The actor's home bucket among {@code buckets}: a CRC-32C of their id, the same on every instance and every
     * day, so an actor's claims and replays always meet their own records. The number of buckets of a stock never
     * changes after it is defined.
     */
    public static int home(String actorId, int buckets) {
        CRC32C crc = new CRC32C();
        crc.update(actorId.getBytes(StandardCharsets.UTF_8));
        return (int) (crc.getValue() % buckets);
    }

    /**
     * Moves units to the empty bucket {@code home} from the first other bucket that has some, trying the others
     * from a random one on (so empty homes do not all drain the same bucket).
     */
    Mono<Refill> refill(PoolRef home, int buckets) {
        int start = ThreadLocalRandom.current().nextInt(buckets);
        return Flux.range(0, buckets)
                .map(i -> (start + i) % buckets)
                .filter(bucket -> bucket != home.bucket())
                .concatMap(bucket -> moveFrom(home.inBucket(bucket), home).map(given -> Map.entry(bucket, given)))
                .takeUntil(given -> given.getValue().units() > 0)
                .collectList()
                .flatMap(tries -> {
                    if (!tries.isEmpty() && tries.get(tries.size() - 1).getValue().units() > 0) {
                        return Mono.just(Refill.MOVED);
                    }
                    // Nothing to give anywhere. Units may still be on their way: in another journal, or in the home's own.
                    boolean onTheirWay = tries.stream().anyMatch(tried -> tried.getValue().journal() > 0 || tried.getValue().withheld());
                    return onTheirWay ? Mono.just(Refill.IN_TRANSIT)
                            : allEmptyAtOnce(home, buckets).map(empty -> empty ? Refill.EMPTY : Refill.IN_TRANSIT);
                });
    }

    /**
     * Whether there was one instant at which no bucket held a unit and none was on its way: the scan above looks at one
     * bucket after the other, and units may have moved into a bucket it had already passed. Two collects of every
     * bucket's stock, journal size and count of received moves, one after the other: the count only grows, so if both
     * collects read the same, nothing arrived anywhere between them, and at the instant between the two collects every
     * bucket was as read, empty (a double collect). A unit a reversed claim gives back is the one exception, as with one
     * pool (it clears the sold-out mark).
     */
    private Mono<Boolean> allEmptyAtOnce(PoolRef any, int buckets) {
        return collect(any, buckets).flatMap(first -> collect(any, buckets)
                .map(second -> first.equals(second) && first.stream().allMatch(state -> state.get(0) == 0 && state.get(1) == 0)));
    }

    /** Per bucket, read one after the other: units held, moves in its journal, moves it received. */
    private Mono<List<List<Long>>> collect(PoolRef any, int buckets) {
        return Flux.range(0, buckets)
                .concatMap(bucket -> {
                    PoolKeys keys = keys(any.inBucket(bucket));
                    return redis.opsForValue().get(keys.stock()).map(Long::parseLong).defaultIfEmpty(0L)
                            .flatMap(held -> redis.opsForHash().size(keys.transfers())
                                    .flatMap(journal -> redis.opsForSet().size(keys.received()).map(received -> List.of(held, journal, received))));
                })
                .collectList();
    }

    /** Gives, credits and settles: the three steps of one move, in this order (note 33 says why a crash loses nothing). */
    private Mono<TransferScripts.Given> moveFrom(PoolRef giver, PoolRef receiver) {
        String id = TransferScripts.newTransferId();
        PoolKeys from = keys(giver);
        return transfers.give(from, id, receiver.bucket(), clock.instant())
                .flatMap(given -> given.units() == 0 ? Mono.just(given)
                        : transfers.receive(keys(receiver), id, given.units()).then(transfers.settle(from, id)).thenReturn(given));
    }

    /**
     * Completes the moves a bucket started before {@code before} and never settled (its instance died between the
     * steps): credits each receiver (once, whoever else repeats it) and settles. Emits the number completed.
     */
    public Mono<Long> settleStranded(PoolRef giver, Instant before) {
        PoolKeys from = keys(giver);
        return transfers.journal(from)
                .filter(transfer -> transfer.at().isBefore(before))
                .concatMap(transfer -> complete(from, giver, transfer))
                .count();
    }

    private Mono<Transfer> complete(PoolKeys from, PoolRef giver, Transfer transfer) {
        return transfers.receive(keys(giver.inBucket(transfer.toBucket())), transfer.id(), transfer.units())
                .then(transfers.settle(from, transfer.id()))
                .thenReturn(transfer);
    }

    /**
     * Units left in the whole stock of {@code buckets} buckets: what the buckets hold plus units on their way between
     * them; empty when no bucket is loaded.
     */
    public Mono<Long> remaining(PoolRef whole, int buckets) {
        Map<Integer, PoolKeys> all = new HashMap<>();
        for (int bucket = 0; bucket < buckets; bucket++) {
            all.put(bucket, keys(whole.inBucket(bucket)));
        }
        return Flux.range(0, buckets)
                .concatMap(bucket -> redis.opsForValue().get(all.get(bucket).stock()).map(Long::parseLong)
                        .flatMap(held -> transfers.unitsOnTheirWay(all.get(bucket), all).map(moving -> held + moving)))
                .reduce(Long::sum);
    }

    private PoolKeys keys(PoolRef ref) {
        return new PoolKeys(keyPrefix, ref);
    }
}
