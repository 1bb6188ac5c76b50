package org.fairrush.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** A staff subscription: where to send which event types. Its secret is kept apart and shown only at creation. */
record Subscription(UUID id, String url, List<String> events, Instant createdAt) {

    boolean wants(String type) {
        return events.contains(type);
    }
}
