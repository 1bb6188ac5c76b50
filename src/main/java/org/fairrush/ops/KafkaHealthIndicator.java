package org.fairrush.ops;

import java.time.Duration;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.ReactiveHealthIndicator;
import reactor.core.publisher.Mono;

/**
 * Readiness of the claim path's second half: an instance whose Kafka cluster does not answer cannot
 * acknowledge a single grab, so it should get no traffic. Boot has no Kafka health indicator of its own.
 */
final class KafkaHealthIndicator implements ReactiveHealthIndicator {

    private final KafkaCluster kafka;
    private final Duration timeout;

    KafkaHealthIndicator(KafkaCluster kafka, Duration timeout) {
        this.kafka = kafka;
        this.timeout = timeout;
    }

    @Override
    public Mono<Health> health() {
        return kafka.brokers(timeout)
                .map(brokers -> brokers > 0
                        ? Health.up().withDetail("brokers", brokers).build()
                        : Health.down().withDetail("brokers", 0).build())
                .onErrorResume(failure -> Mono.just(Health.down().withDetail("error", failure.toString()).build()));
    }
}
