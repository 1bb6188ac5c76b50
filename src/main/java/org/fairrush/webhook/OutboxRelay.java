package org.fairrush.webhook;

import java.util.ArrayList;
import java.util.List;

import org.fairrush.outbox.EventOutbox;
import org.fairrush.outbox.OutboxEvent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.Disposable;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns the events of the {@link EventOutbox} (redemptions, refunds: changes made in Postgres, not claims on a topic)
 * into webhook deliveries, as the {@link DeliveryRecorder} does for claims. Every {@code pollInterval} it takes the
 * outbox's oldest events and records one delivery per event and subscription wanting it, in one transaction: the
 * events leave the outbox only with their deliveries recorded, so a database failure leaves them for the next look,
 * and nothing is recorded twice. Sending is the {@link DeliveryDispatcher}'s, so a slow receiver never holds back the
 * outbox, and nothing of it runs on a request. Instances take turns (the outbox's reader lock), keeping the order the
 * events were added in.
 */
final class OutboxRelay implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(OutboxRelay.class);

    private final EventOutbox outbox;
    private final Subscriptions subscriptions;
    private final Deliveries deliveries;
    private final TransactionalOperator transaction;
    private final JsonMapper json;
    private final WebhookProperties settings;
    private Disposable running;

    OutboxRelay(EventOutbox outbox, Subscriptions subscriptions, Deliveries deliveries, TransactionalOperator transaction,
            JsonMapper json, WebhookProperties settings) {
        this.outbox = outbox;
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.transaction = transaction;
        this.json = json;
        this.settings = settings;
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        running = QuietLoop.every(settings.pollInterval(), this::relayAll, "relaying the event outbox", log);
    }

    @Override
    public synchronized void stop() {
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return running != null && !running.isDisposed();
    }

    /** Relays batches until the outbox has fewer than a batch left. */
    Mono<Void> relayAll() {
        return relayBatch().expand(taken -> taken < settings.batchSize() ? Mono.empty() : relayBatch()).then();
    }

    /** One transaction: takes a batch of events and records their deliveries; emits how many events it took. */
    private Mono<Integer> relayBatch() {
        return subscriptions.list().collectList()
                .flatMap(subscribed -> outbox.take(settings.batchSize()).collectList()
                        .flatMap(events -> deliveries.record(due(events, subscribed)).thenReturn(events.size())))
                .as(transaction::transactional);
    }

    private List<Deliveries.Due> due(List<OutboxEvent> events, List<Subscription> subscribed) {
        List<Deliveries.Due> due = new ArrayList<>();
        for (OutboxEvent event : events) {
            due.addAll(Deliveries.dueTo(subscribed, event.id(), event.type(), event.occurredAt(), event.data(), json));
        }
        return due;
    }
}
