package org.fairrush.webhook;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The webhook_delivery table: the outbox the consumer writes and the dispatcher sends from. Times come from the
 * database's clock, so that instances with skewed clocks agree on what is due.
 */
@Repository
class Deliveries {

    private static final int MOST_ERROR_CHARS = 500;

    private final DatabaseClient db;

    Deliveries(DatabaseClient db) {
        this.db = db;
    }

    /** A delivery to record: the event for one subscription, with the exact body every attempt sends. */
    record Due(UUID subscriptionId, String eventId, String type, String payload) {
    }

    /**
     * The deliveries of one event to those of the subscriptions that want its type, each with the same Standard Webhooks
     * body {@code {type, timestamp, data}}.
     */
    static List<Due> dueTo(List<Subscription> subscribed, String eventId, String type, Instant at, Map<String, Object> data,
            JsonMapper json) {
        List<Subscription> wanting = subscribed.stream().filter(subscription -> subscription.wants(type)).toList();
        if (wanting.isEmpty()) {
            return List.of();
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", type);
        body.put("timestamp", at.toString());
        body.put("data", data);
        String payload = json.writeValueAsString(body);
        return wanting.stream().map(subscription -> new Due(subscription.id(), eventId, type, payload)).toList();
    }

    /** Records the deliveries in one statement; one already recorded (a Kafka record read again) is left as it is. */
    Mono<Void> record(List<Due> due) {
        if (due.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("insert into webhook_delivery (subscription_id, event_id, event_type, payload) "
                        + "select * from unnest(:subscriptions::uuid[], :events::text[], :types::text[], :payloads::text[]) "
                        + "on conflict (subscription_id, event_id) do nothing")
                .bind("subscriptions", due.stream().map(d -> d.subscriptionId().toString()).toArray(String[]::new))
                .bind("events", due.stream().map(Due::eventId).toArray(String[]::new))
                .bind("types", due.stream().map(Due::type).toArray(String[]::new))
                .bind("payloads", due.stream().map(Due::payload).toArray(String[]::new))
                .then();
    }

    /** A leased delivery, with what sending it needs. */
    record Attempt(long id, UUID subscriptionId, String url, String secret, String eventId, String payload) {
    }

    /**
     * Takes up to {@code limit} due deliveries of subscriptions other than {@code busy}, oldest first, and moves their
     * next attempt {@code lease} ahead, so that another instance (or this one's next look) does not send them too;
     * an instance that dies mid-send leaves them to be sent again once the lease ends.
     */
    Flux<Attempt> lease(int limit, Duration lease, List<UUID> busy) {
        return db.sql("with due as (select id from webhook_delivery where status = 'PENDING' and next_attempt_at <= now() "
                        + "and not (subscription_id = any(:busy::uuid[])) order by next_attempt_at, id limit :limit "
                        + "for update skip locked), "
                        + "leased as (update webhook_delivery d set next_attempt_at = now() + :leaseMs * interval '1 millisecond' "
                        + "from due where d.id = due.id returning d.id, d.subscription_id, d.event_id, d.payload) "
                        + "select l.id, l.subscription_id, l.event_id, l.payload, s.url, s.secret "
                        + "from leased l join webhook_subscription s on s.id = l.subscription_id order by l.id")
                .bind("busy", busy.stream().map(UUID::toString).toArray(String[]::new))
                .bind("limit", limit)
                .bind("leaseMs", lease.toMillis())
                .map(row -> new Attempt(row.get("id", Long.class), row.get("subscription_id", UUID.class), row.get("url", String.class),
                        row.get("secret", String.class), row.get("event_id", String.class), row.get("payload", String.class)))
                .all();
    }

    /** Makes leased deliveries due again at once (leased but not taken on now). */
    Mono<Void> release(List<Long> ids) {
        if (ids.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("update webhook_delivery set next_attempt_at = now() where id = any(:ids) and status = 'PENDING'")
                .bind("ids", ids.toArray(Long[]::new)).then();
    }

    Mono<Void> delivered(long id, int httpStatus) {
        return db.sql("update webhook_delivery set status = 'DELIVERED', attempts = attempts + 1, last_status = :status, "
                        + "last_error = null, delivered_at = now() where id = :id and status = 'PENDING'")
                .bind("id", id).bind("status", httpStatus).then();
    }

    /**
     * Counts a failed attempt and schedules the next after the backoff for that many failures, or marks the delivery
     * FAILED once it was recorded {@code giveUpAfter} ago.
     */
    Mono<Void> failed(long id, Integer httpStatus, String error, WebhookProperties settings) {
        String shortError = error.length() > MOST_ERROR_CHARS ? error.substring(0, MOST_ERROR_CHARS) : error;
        var statement = db.sql("update webhook_delivery set attempts = attempts + 1, last_status = :status, last_error = :error, "
                        + "status = case when created_at + :giveUpMs * interval '1 millisecond' <= now() then 'FAILED' else 'PENDING' end, "
                        + "next_attempt_at = now() + least(:initialMs * power(2, least(attempts, 30)), :maxMs) * interval '1 millisecond' "
                        + "where id = :id and status = 'PENDING'")
                .bind("id", id).bind("error", shortError)
                .bind("giveUpMs", settings.giveUpAfter().toMillis())
                .bind("initialMs", settings.initialBackoff().toMillis())
                .bind("maxMs", settings.maxBackoff().toMillis());
        statement = httpStatus == null ? statement.bindNull("status", Integer.class) : statement.bind("status", httpStatus);
        return statement.then();
    }

    /** A subscription's deliveries, newest first, before the given delivery id (null: from the newest). */
    Flux<Delivery> history(UUID subscriptionId, Long before, int limit) {
        return db.sql("select id, subscription_id, event_id, event_type, status, attempts, last_status, last_error, created_at, "
                        + "next_attempt_at, delivered_at from webhook_delivery where subscription_id = :subscription "
                        + "and id < :before order by id desc limit :limit")
                .bind("subscription", subscriptionId)
                .bind("before", before == null ? Long.MAX_VALUE : before)
                .bind("limit", limit)
                .map(Deliveries::delivery).all();
    }

    private static Delivery delivery(Readable row) {
        return new Delivery(row.get("id", Long.class), row.get("subscription_id", UUID.class), row.get("event_id", String.class),
                row.get("event_type", String.class), row.get("status", String.class), row.get("attempts", Integer.class),
                row.get("last_status", Integer.class), row.get("last_error", String.class), Subscriptions.instant(row, "created_at"),
                Subscriptions.instant(row, "next_attempt_at"), Subscriptions.instant(row, "delivered_at"));
    }
}
