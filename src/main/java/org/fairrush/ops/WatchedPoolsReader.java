package org.fairrush.ops;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.fairrush.rush.WatchedPools;
import org.fairrush.rush.WatchedPools.WatchedPool;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The watched pools of every source for the live board, read from Postgres again only once {@code refresh} has passed
 * since the last read. Each read counts every watched pool's stored claims: for a campaign of a million vouchers that
 * is a scan of a million index entries (about 90 ms here), which every instance of the fleet would otherwise run
 * every second. Between reads the board still reads remaining, pending and waiting from Redis each sample; a new
 * campaign or fair appears, and a pool's stored count moves, at most {@code refresh} late.
 */
final class WatchedPoolsReader {

    private final List<WatchedPools> sources;
    private final int limit;
    private final Duration refresh;
    private volatile Read last;

    WatchedPoolsReader(List<WatchedPools> sources, int limit, Duration refresh) {
        this.sources = List.copyOf(sources);
        this.limit = limit;
        this.refresh = refresh;
    }

    /** One source's watched pools, under the source's group ("Campaigns", "Fairs"). */
    record Watched(String group, List<WatchedPool> pools) {
    }

    /** Every source's watched pools, in the sources' order: the last read's, unless it is too old. */
    Mono<List<Watched>> read(Instant now) {
        Read read = last;
        if (read != null && now.isBefore(read.at().plus(refresh)) && !now.isBefore(read.at())) {
            return Mono.just(read.watched());
        }
        return Flux.fromIterable(sources)
                .concatMap(source -> source.watched(now, limit).collectList().map(pools -> new Watched(source.group(), pools)))
                .collectList()
                .doOnNext(watched -> last = new Read(now, watched));
    }

    private record Read(Instant at, List<Watched> watched) {
    }
}
