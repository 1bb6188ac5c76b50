package org.fairrush.outbox;

import java.time.Instant;
import java.util.Map;

/**
 * An event a feature announces from a Postgres transaction of its own (a redemption, a refund), written in that
 * transaction so that it exists exactly when the change does.
 *
 * @param id         stable event id, the same however often the event is read (e.g. {@code evt_redeemed_<redemptionId>})
 * @param type       one of the types some {@link OutboxEventTypes} names
 * @param occurredAt when the change was made
 * @param data       the event's JSON data (strings, numbers, booleans, null)
 */
public record OutboxEvent(String id, String type, Instant occurredAt, Map<String, Object> data) {
}
