package org.fairrush.stall;

import java.time.Duration;
import java.time.Instant;

import org.fairrush.rush.RushProperties;
import org.fairrush.rush.WatchedPools;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * The stall categories operators watch (metrics per pool, live dashboard): those of fairs whose
 * registration is open, opens within a day, or closed less than an hour ago, with the stalls already
 * held in Postgres. The dashboard shows each category's waiting list beside its stalls left.
 */
@Component
class FairWatch implements WatchedPools {

    static final Duration AHEAD = Duration.ofDays(1);
    static final Duration AFTER = Duration.ofHours(1);

    private final DatabaseClient db;
    private final Duration after;

    /** A pool is watched no longer than it lives in Redis: a retired one ({@code fairrush.rush.retention}) is not read. */
    FairWatch(DatabaseClient db, RushProperties rush) {
        this.db = db;
        this.after = rush.retention().compareTo(AFTER) < 0 ? rush.retention() : AFTER;
    }

    @Override
    public String group() {
        return "Fairs";
    }

    @Override
    public Flux<WatchedPool> watched(Instant now, int limit) {
        return db.sql("select f.id, f.name, c.code, c.name as category_name, c.stalls, "
                        + "(select count(*) from registration r where r.fair_id = f.id and r.category = c.code "
                        + "and r.status in ('HELD', 'OFFERED')) as stored "
                        + "from fair f join fair_category c on c.fair_id = f.id "
                        + "where f.registration_opens_at < :ahead and f.registration_closes_at > :after "
                        + "order by f.registration_opens_at, f.id, c.position limit :limit")
                .bind("ahead", now.plus(AHEAD))
                .bind("after", now.minus(after))
                .bind("limit", limit)
                .map(row -> new WatchedPool(Fairs.pool(row.get("id", Long.class), row.get("code", String.class)),
                        row.get("name", String.class) + " / " + row.get("category_name", String.class),
                        row.get("stalls", Integer.class), row.get("stored", Long.class)))
                .all();
    }
}
