package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;

import org.fairrush.rush.RushProperties;
import org.fairrush.rush.WatchedPools;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;

/**
 * The campaigns operators watch (metrics per pool, live dashboard): those whose grab window is open,
 * opens within a day, or closed less than an hour ago, with the vouchers already stored.
 */
@Component
class CampaignWatch implements WatchedPools {

    static final Duration AHEAD = Duration.ofDays(1);
    static final Duration AFTER = Duration.ofHours(1);

    private final DatabaseClient db;
    private final Duration after;

    /** A pool is watched no longer than it lives in Redis: a retired one ({@code fairrush.rush.retention}) is not read. */
    CampaignWatch(DatabaseClient db, RushProperties rush) {
        this.db = db;
        this.after = rush.retention().compareTo(AFTER) < 0 ? rush.retention() : AFTER;
    }

    @Override
    public String group() {
        return "Campaigns";
    }

    @Override
    public Flux<WatchedPool> watched(Instant now, int limit) {
        return db.sql("select c.id, c.name, c.stock, (select count(*) from voucher v where v.campaign_id = c.id) as stored "
                        + "from campaign c where c.grab_starts_at < :ahead and c.grab_ends_at > :after "
                        + "order by c.grab_starts_at, c.id limit :limit")
                .bind("ahead", now.plus(AHEAD))
                .bind("after", now.minus(after))
                .bind("limit", limit)
                .map(row -> new WatchedPool(Campaigns.pool(row.get("id", Long.class)), row.get("name", String.class),
                        row.get("stock", Integer.class), row.get("stored", Long.class)))
                .all();
    }
}
