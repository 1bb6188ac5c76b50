package org.fairrush.webhook;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The webhook_subscription table. */
@Repository
class Subscriptions {

    /** Subscriptions are few (staff create them); listing stops here rather than answering an unbounded body. */
    static final int MOST_LISTED = 1000;

    private final DatabaseClient db;

    Subscriptions(DatabaseClient db) {
        this.db = db;
    }

    Mono<Subscription> create(String url, List<String> events, String secret) {
        return db.sql("insert into webhook_subscription (id, url, events, secret) values (:id, :url, :events, :secret) "
                        + "returning id, url, events, created_at")
                .bind("id", UUID.randomUUID()).bind("url", url).bind("events", events.toArray(String[]::new)).bind("secret", secret)
                .map(Subscriptions::subscription).one();
    }

    Flux<Subscription> list() {
        return db.sql("select id, url, events, created_at from webhook_subscription order by created_at, id limit " + MOST_LISTED)
                .map(Subscriptions::subscription).all();
    }

    Mono<Boolean> exists(UUID id) {
        return db.sql("select 1 from webhook_subscription where id = :id").bind("id", id).fetch().first().hasElement();
    }

    /** Removes the subscription and its delivery history; pending deliveries are not sent any more. */
    Mono<Boolean> delete(UUID id) {
        return db.sql("delete from webhook_subscription where id = :id").bind("id", id).fetch().rowsUpdated().map(rows -> rows > 0);
    }

    private static Subscription subscription(Readable row) {
        return new Subscription(row.get("id", UUID.class), row.get("url", String.class),
                Arrays.asList(row.get("events", String[].class)), row.get("created_at", OffsetDateTime.class).toInstant());
    }

    static Instant instant(Readable row, String column) {
        OffsetDateTime time = row.get(column, OffsetDateTime.class);
        return time == null ? null : time.toInstant();
    }
}
