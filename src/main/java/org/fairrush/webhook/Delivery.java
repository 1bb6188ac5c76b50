package org.fairrush.webhook;

import java.time.Instant;
import java.util.UUID;

/**
 * One event's delivery to one subscription, as its history shows it.
 *
 * @param status PENDING (to be sent or retried at nextAttemptAt), DELIVERED (the receiver answered 2xx) or FAILED
 *               (still failing when the retry period ended)
 */
record Delivery(long id, UUID subscriptionId, String eventId, String type, String status, int attempts, Integer lastStatus,
        String lastError, Instant createdAt, Instant nextAttemptAt, Instant deliveredAt) {
}
