package org.fairrush.ops;

import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.RushEngine;
import org.fairrush.rush.RushMetrics;
import org.fairrush.rush.RushProperties;
import org.fairrush.rush.WatchedPools;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Wires metrics, the Kafka readiness check, the persister lag and the live dashboard's sampler. */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(OpsProperties.class)
class OpsConfiguration {

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
    PersisterLag persisterLag(KafkaCluster kafka, RushProperties rush, List<ClaimSink> sinks, OpsProperties properties,
            MeterRegistry registry) {
        Set<String> topics = sinks.stream().map(sink -> rush.topicPrefix() + sink.topic()).collect(Collectors.toSet());
        return new PersisterLag(kafka, rush.persister().groupId(), topics, properties.lagInterval(), registry);
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    LiveBoard liveBoard(List<WatchedPools> sources, RushEngine engine, MeterRegistry registry, PersisterLag lag, Clock clock,
            OpsProperties properties) {
        String instance = System.getenv().getOrDefault("HOSTNAME", "local");
        return new LiveBoard(sources, engine, registry, lag, clock, properties, instance);
    }
}
