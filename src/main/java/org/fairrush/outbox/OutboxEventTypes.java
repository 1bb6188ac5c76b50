package org.fairrush.outbox;

import java.util.Set;

/**
 * Port a feature implements to name the event types it writes to the {@link EventOutbox}, the way
 * {@code rush.ClaimEventTypes} names those its claims mean: whoever reads the outbox (webhooks) offers exactly these.
 */
public interface OutboxEventTypes {

    Set<String> types();
}
