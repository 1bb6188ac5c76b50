package org.fairrush.ops;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.fairrush.rush.kafka.ClaimLag;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The persisters' consumer lag per claim topic, read from Kafka every few seconds and published as
 * {@code fairrush_persister_lag_records{topic}}: claims acknowledged to members but not yet in Postgres.
 * Every instance reports the same fleet-wide number (take the max in Prometheus); NaN until first read.
 */
final class PersisterLag {

    static final String LAG = "fairrush.persister.lag";
    private static final Logger log = LoggerFactory.getLogger(PersisterLag.class);

    private final ClaimLag lag;
    private final Duration interval;
    private final Map<String, Long> lastRead = new ConcurrentHashMap<>();
    private Disposable polling;

    PersisterLag(ClaimLag lag, Duration interval, MeterRegistry registry) {
        this.lag = lag;
        this.interval = interval;
        for (String topic : lag.topics()) {
            Gauge.builder(LAG, lastRead, read -> read.containsKey(topic) ? read.get(topic) : Double.NaN)
                    .description("Claim events in Kafka not yet stored by the persisters")
                    .baseUnit("records").tag("topic", topic).register(registry);
        }
    }

    void start() {
        polling = Flux.interval(Duration.ZERO, interval)
                .onBackpressureDrop()
                .concatMap(tick -> lag.byTopic()
                        .doOnNext(lastRead::putAll)
                        .onErrorResume(failure -> {
                            log.debug("reading the persister lag failed: {}", failure.toString());
                            lastRead.clear();
                            return Mono.empty();
                        }))
                .subscribe(read -> { }, failure -> log.error("the persister lag reader stopped", failure));
    }

    void stop() {
        if (polling != null) {
            polling.dispose();
        }
    }

    /** Records behind over all claim topics, or null when Kafka has not told yet. */
    Long total() {
        return lastRead.isEmpty() ? null : lastRead.values().stream().mapToLong(Long::longValue).sum();
    }
}
