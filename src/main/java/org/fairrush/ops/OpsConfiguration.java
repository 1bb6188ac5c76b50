package org.fairrush.ops;

import java.time.Clock;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import org.fairrush.rush.Leases;
import org.fairrush.rush.PoolQueries;
import org.fairrush.rush.RushMetrics;
import org.fairrush.rush.RushProperties;
import org.fairrush.rush.WatchedPools;
import org.fairrush.rush.kafka.ClaimLag;
import org.fairrush.rush.recovery.Reconciliation;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/** Wires metrics, the Kafka readiness check, the persister lag and the live dashboard's sampler. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OpsProperties.class)
class OpsConfiguration {

    /** Invariant 3 every minute in the log, on the lease holder (see MinuteReconciliation). */
    @Bean
    MinuteReconciliation minuteReconciliation(Reconciliation reconciliation, Leases leases, RushProperties rush) {
        return new MinuteReconciliation(reconciliation, leases, rush.keyPrefix());
    }

    @Bean
    RushMetrics rushMetrics(MeterRegistry registry) {
        return new MicrometerRushMetrics(registry);
    }

    @Bean(destroyMethod = "close")
    KafkaCluster kafkaCluster(KafkaProperties kafka) {
        return new KafkaCluster(kafka.buildAdminProperties());
    }

    /** Health contributor "kafka", part of the readiness group. */
    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(KafkaCluster kafka, OpsProperties properties) {
        return new KafkaHealthIndicator(kafka, properties.kafkaHealthTimeout());
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    PersisterLag persisterLag(ClaimLag lag, OpsProperties properties, MeterRegistry registry) {
        return new PersisterLag(lag, properties.lagInterval(), registry);
    }

    @Bean
    LiveBoard liveBoard(List<WatchedPools> sources, PoolQueries poolQueries, MeterRegistry registry, PersisterLag lag, Clock clock,
            OpsProperties properties, ReactiveStringRedisTemplate redis, RushProperties rush) {
        String instance = System.getenv().getOrDefault("HOSTNAME", "local");
        return new LiveBoard(sources, poolQueries, registry, lag, clock, properties, instance,
                new FleetTotals(redis, rush.keyPrefix() + ":live:totals"));
    }
}
