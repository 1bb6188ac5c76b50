package org.fairrush.rush;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.fairrush.rush.kafka.ClaimLag;
import org.fairrush.rush.kafka.ClaimTopics;
import org.fairrush.rush.kafka.ReactorKafkaClaimStream;
import org.fairrush.rush.lua.PersistenceScripts;
import org.fairrush.rush.lua.RebuildScript;
import org.fairrush.rush.lua.TransferScripts;
import org.fairrush.rush.persist.Persister;
import org.fairrush.rush.recovery.OfferExpiry;
import org.fairrush.rush.recovery.PendingSweeper;
import org.fairrush.rush.recovery.PoolRetirement;
import org.fairrush.rush.recovery.Reconciliation;
import org.fairrush.rush.recovery.ScopeRebuild;
import org.fairrush.rush.recovery.StrandedClaims;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.ReceiverOptions;

/**
 * Wires the engine's jobs: the persister, the pending sweeper, the stranded-claims check, reconciliation, rebuild,
 * retirement, the expiry of waiting-list offers, and the consumer lag they read. The face they work on is wired by
 * {@link RushConfiguration}.
 */
@Configuration(proxyBeanMethods = false)
class RushJobsConfiguration {

    @Bean(destroyMethod = "close")
    ClaimLag claimLag(KafkaProperties kafka, ClaimTopics topics, RushProperties properties) {
        Map<String, Object> admin = new HashMap<>(kafka.buildAdminProperties());
        admin.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "fairrush-claim-lag");
        return new ClaimLag(Admin.create(admin),
                properties.persister().groupId(), topics.topicByKind().values());
    }

    @Bean
    Reconciliation reconciliation(PoolRegistry registry, PoolQueries queries, ReactiveStringRedisTemplate redis, List<ClaimSink> sinks,
            ClaimLag lag, Clock clock, Buckets buckets) {
        return new Reconciliation(registry, queries, redis, sinks, lag::total, clock, buckets);
    }

    /** Every minute, the PENDING records of claims stored in Postgres whose clear was lost (see StrandedClaims). */
    @Bean
    StrandedClaims strandedClaims(PoolRegistry registry, PoolQueries queries, ReactiveStringRedisTemplate redis, List<ClaimSink> sinks,
            ClaimCodec codec, Clock clock, RushProperties properties, ClaimLag lag) {
        return new StrandedClaims(registry, queries, redis, sinks, codec, clock, java.time.Duration.ofMinutes(1),
                properties.sweepAfter(), lag::total);
    }

    @Bean
    ScopeRebuild scopeRebuild(PoolRegistry registry, PoolQueries queries, RebuildScript rebuildScript, SoldOutBoard soldOut,
            TransferScripts transferScripts, ClaimLag lag) {
        return new ScopeRebuild(registry, queries, rebuildScript, soldOut, transferScripts, lag::total);
    }

    @Bean
    PendingSweeper pendingSweeper(PoolRegistry registry, PoolQueries queries, ChangeOutbox outbox, ReactiveStringRedisTemplate redis, ClaimPublisher publisher,
            Clock clock, RushProperties properties, Leases leases) {
        return new PendingSweeper(registry, queries, outbox, redis, publisher, clock, properties, leases);
    }

    @Bean
    OfferExpiry offerExpiry(PoolRegistry registry, PoolQueries queries, Offers offers, List<OfferTerms> terms, Leases leases,
            Clock clock, RushProperties properties) {
        return new OfferExpiry(registry, queries, offers, terms, leases, clock, properties.keyPrefix(), properties.sweepInterval());
    }

    @Bean
    PoolRetirement poolRetirement(PoolRegistry registry, ReactiveStringRedisTemplate redis, SoldOutBoard soldOut, ClaimLag lag,
            Clock clock, RushProperties properties) {
        return new PoolRetirement(registry, redis, soldOut, lag, clock, properties);
    }

    @Bean
    @ConditionalOnBooleanProperty(name = "fairrush.rush.persister.enabled", matchIfMissing = true)
    Persister persister(KafkaProperties kafka, ClaimCodec codec, ClaimTopics topics, List<ClaimSink> sinks,
            ReactiveStringRedisTemplate redis, TransactionalOperator transaction, ClaimPublisher publisher,
            RushProperties properties, ObjectProvider<RushMetrics> metrics, DatabaseClient db,
            ObjectProvider<ObservationRegistry> observations, Environment environment) {
        RushProperties.Persister settings = properties.persister();
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        ReceiverOptions<String, String> options = ReceiverOptions.<String, String>create(config)
                .pollTimeout(settings.pollTimeout())
                .commitInterval(java.time.Duration.ZERO)
                .commitBatchSize(0)
                .closeTimeout(java.time.Duration.ofSeconds(10))
                .subscription(topics.topicByKind().values());
        ClaimStream stream = new ReactorKafkaClaimStream(KafkaReceiver.create(options), codec,
                settings.batchSize(), settings.batchWindow());
        Mono<Void> databaseAnswers = db.sql("select 1").fetch().rowsUpdated().then();
        return new Persister(stream, sinks, new PersistenceScripts(redis), transaction, publisher, codec, properties.keyPrefix(),
                databaseAnswers, metrics.getIfAvailable(() -> RushMetrics.NONE),
                RushConfiguration.tracing(environment) ? observations.getIfAvailable(() -> ObservationRegistry.NOOP) : ObservationRegistry.NOOP);
    }
}
