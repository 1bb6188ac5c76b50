package org.fairrush.outbox;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event_outbox table: events of changes that are Postgres transactions of their own rather than claims on a
 * Kafka topic. A feature adds its event inside the transaction that makes the change (so a rolled-back change
 * announces nothing and a committed one is never lost); a reader takes events in the order they were added and
 * removes them in its own transaction, together with whatever it did with them (so a failed reader leaves them).
 * Neither knows the other: this package knows no feature and no reader.
 */
@Repository
public class EventOutbox {

    /** The advisory lock of the outbox's reader: a constant of its own (no other code takes advisory locks). */
    private static final long READER_LOCK = 0x6672_6f75_7462_6f78L;
    private static final TypeReference<Map<String, Object>> DATA = new TypeReference<>() { };

    private final DatabaseClient db;
    private final JsonMapper json;

    EventOutbox(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** Adds the event in the caller's transaction (or alone, without one); an id added twice is kept once. */
    public Mono<Void> add(OutboxEvent event) {
        return db.sql("insert into event_outbox (event_id, event_type, occurred_at, data) values (:id, :type, :at, :data) "
                        + "on conflict (event_id) do nothing")
                .bind("id", event.id()).bind("type", event.type()).bind("at", event.occurredAt())
                .bind("data", json.writeValueAsString(event.data()))
                .then();
    }

    /**
     * Removes and emits up to {@code limit} events, oldest first. Must run in the reader's transaction: the events are
     * gone only if it commits. One reader at a time (a transaction-scoped advisory lock; another instance's reader
     * finds nothing meanwhile), so readers take the events in the order they were added.
     */
    public Flux<OutboxEvent> take(int limit) {
        return db.sql("select pg_try_advisory_xact_lock(:lock) as got").bind("lock", READER_LOCK)
                .map(row -> Boolean.TRUE.equals(row.get("got", Boolean.class))).one()
                .flatMapMany(got -> got ? removeOldest(limit) : Flux.empty());
    }

    private Flux<OutboxEvent> removeOldest(int limit) {
        return db.sql("delete from event_outbox where id in (select id from event_outbox order by id limit :limit) "
                        + "returning id, event_id, event_type, occurred_at, data")
                .bind("limit", limit)
                .map(row -> new Ordered(row.get("id", Long.class), new OutboxEvent(row.get("event_id", String.class),
                        row.get("event_type", String.class), row.get("occurred_at", Instant.class),
                        json.readValue(row.get("data", String.class), DATA))))
                .all()
                // delete ... returning does not promise the subquery's order.
                .collectSortedList((a, b) -> Long.compare(a.position(), b.position()))
                .flatMapIterable(List::copyOf)
                .map(Ordered::event);
    }

    private record Ordered(long position, OutboxEvent event) {
    }
}
