package org.fairrush.webhook;

import java.time.Clock;
import java.time.Duration;
import java.util.List;

import org.fairrush.outbox.EventOutbox;
import org.fairrush.outbox.OutboxEventTypes;
import org.fairrush.rush.ClaimEventTypes;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.kafka.ClaimStreams;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.reactive.TransactionalOperator;
import tools.jackson.databind.json.JsonMapper;

/** Wires webhooks: the address rule, the recorder on its own consumer group, the outbox relay, and the dispatcher. */
@Configuration(proxyBeanMethods = false)
class WebhookConfiguration {

    /** How long a claim read from the log may take to be stored before it is taken as reversed (see DeliveryRecorder). */
    static final Duration STORED_WITHIN = Duration.ofMinutes(10);

    /**
     * Claims read per batch: each batch costs a few statements whatever its size, so during a rush the recorder keeps
     * up with a few batches a second.
     */
    static final int CLAIMS_PER_BATCH = 2000;

    @Bean
    ReceiverAddresses receiverAddresses(WebhookProperties settings) {
        return new ReceiverAddresses(settings.allowPrivate());
    }

    @Bean
    EventTypes eventTypes(List<ClaimEventTypes> claimTypes, List<OutboxEventTypes> outboxTypes) {
        return new EventTypes(claimTypes, outboxTypes);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "fairrush.webhooks.enabled", matchIfMissing = true)
    DeliveryRecorder deliveryRecorder(ClaimStreams streams, List<ClaimEventTypes> types, List<ClaimSink> sinks,
            Subscriptions subscriptions, Deliveries deliveries, JsonMapper json, Clock clock, WebhookProperties settings) {
        return new DeliveryRecorder(streams.forGroup(settings.groupId(), CLAIMS_PER_BATCH, Duration.ofMillis(100)), types, sinks,
                subscriptions, deliveries, json, clock, STORED_WITHIN);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "fairrush.webhooks.enabled", matchIfMissing = true)
    OutboxRelay outboxRelay(EventOutbox outbox, Subscriptions subscriptions, Deliveries deliveries, TransactionalOperator transaction,
            JsonMapper json, WebhookProperties settings) {
        return new OutboxRelay(outbox, subscriptions, deliveries, transaction, json, settings);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "fairrush.webhooks.enabled", matchIfMissing = true)
    DeliveryDispatcher deliveryDispatcher(Deliveries deliveries, WebhookProperties settings, ReceiverAddresses addresses, Clock clock) {
        return new DeliveryDispatcher(deliveries, settings, addresses, clock);
    }
}
