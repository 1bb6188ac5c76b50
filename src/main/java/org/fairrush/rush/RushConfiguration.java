package org.fairrush.rush;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.fairrush.rush.kafka.ClaimLag;
import org.fairrush.rush.kafka.ClaimTopics;
import org.fairrush.rush.kafka.KafkaClaimPublisher;
import org.fairrush.rush.kafka.ReactorKafkaClaimStream;
import org.fairrush.rush.lua.AcknowledgeScript;
import org.fairrush.rush.lua.Acknowledgements;
import org.fairrush.rush.lua.ChangeScripts;
import org.fairrush.rush.lua.ClaimScript;
import org.fairrush.rush.lua.DefinePoolScript;
import org.fairrush.rush.lua.GrantScript;
import org.fairrush.rush.lua.OfferScript;
import org.fairrush.rush.lua.PersistenceScripts;
import org.fairrush.rush.lua.RebuildScript;
import org.fairrush.rush.lua.ReleaseScript;
import org.fairrush.rush.lua.ReplicaAckingPublisher;
import org.fairrush.rush.lua.ReplicaAcks;
import org.fairrush.rush.lua.TransferScripts;
import org.fairrush.rush.persist.Persister;
import org.fairrush.rush.recovery.OfferExpiry;
import org.fairrush.rush.recovery.PendingSweeper;
import org.fairrush.rush.recovery.PoolRetirement;
import org.fairrush.rush.recovery.Reconciliation;
import org.fairrush.rush.recovery.ScopeRebuild;
import org.fairrush.rush.recovery.StrandedClaims;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.ReceiverOptions;
import tools.jackson.databind.json.JsonMapper;

/** Wires the engine: scripts, Kafka ports, sold-out board and persister. */
@Configuration(proxyBeanMethods = false)
class RushConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    ClaimCodec claimCodec(JsonMapper json) {
        return new ClaimCodec(json);
    }

    @Bean
    ClaimTopics claimTopics(RushProperties properties, List<ClaimSink> sinks, KafkaProperties kafka) {
        Map<String, String> topicByKind = sinks.stream()
                .collect(Collectors.toMap(ClaimSink::kind, sink -> properties.topicPrefix() + sink.topic()));
        return new ClaimTopics(topicByKind, properties.topicPrefix() + "dead-letters", properties.topicPartitions(),
                kafka.buildAdminProperties());
    }

    @Bean(initMethod = "start", destroyMethod = "stop")
    SoldOutBoard soldOutBoard(ReactiveStringRedisTemplate redis, RushProperties properties, Clock clock) {
        return new SoldOutBoard(redis, properties.keyPrefix(), properties.soldOutRecheck(), clock);
    }

    @Bean(initMethod = "start", destroyMethod = "close")
    @Primary
    KafkaClaimPublisher claimPublisher(KafkaProperties kafka, ClaimCodec codec, ClaimTopics topics,
            ObjectProvider<ObservationRegistry> observations, Environment environment) {
        Map<String, Object> config = kafka.buildProducerProperties();
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
        // With tracing on, each claim's send is a span, child of the grab's request, whose context travels in the
        // record's headers to the persister; off, the publisher gets the no-op registry and does nothing more.
        return new KafkaClaimPublisher(new org.apache.kafka.clients.producer.KafkaProducer<>(config), codec, topics.topicByKind(),
                topics.deadLetterTopic(), tracing(environment) ? observations.getIfAvailable(() -> ObservationRegistry.NOOP) : ObservationRegistry.NOOP);
    }

    // --- the script adapters, one per Lua script family, shared by the engine's parts ---

    @Bean
    ClaimScript claimScript(ReactiveStringRedisTemplate redis, ClaimCodec codec, RushProperties properties) {
        return new ClaimScript(redis, codec, properties.idempotencyTtl());
    }

    @Bean
    ReleaseScript releaseScript(ReactiveStringRedisTemplate redis) {
        return new ReleaseScript(redis);
    }

    @Bean
    TransferScripts transferScripts(ReactiveStringRedisTemplate redis) {
        return new TransferScripts(redis);
    }

    @Bean
    DefinePoolScript definePoolScript(ReactiveStringRedisTemplate redis) {
        return new DefinePoolScript(redis);
    }

    @Bean
    ChangeScripts changeScripts(ReactiveStringRedisTemplate redis, ClaimCodec codec) {
        return new ChangeScripts(redis, codec);
    }

    @Bean
    RebuildScript rebuildScript(ReactiveStringRedisTemplate redis, ClaimCodec codec) {
        return new RebuildScript(redis, codec);
    }

    // --- the engine's parts ---

    /**
     * The publisher acknowledged claims and changes are made durable with: Kafka, and the Redis replicas when
     * fairrush.rush.redis-replica-acks is above 0. One bean, asked for by name by the claims and the outbox; everyone
     * else (sweeper, persister's dead letters) gets the Kafka publisher, which is primary.
     */
    @Bean
    ClaimPublisher durableClaimPublisher(KafkaClaimPublisher kafka, RushProperties properties,
            ObjectProvider<ReplicaAcks> replicaAcks) {
        return properties.redisReplicaAcks() > 0
                ? new ReplicaAckingPublisher(kafka, replicaAcks.getObject(), properties.keyPrefix())
                : kafka;
    }

    @Bean
    Claims claims(ReactiveStringRedisTemplate redis, ClaimScript claimScript, ReleaseScript releaseScript,
            @Qualifier("durableClaimPublisher") ClaimPublisher durable, SoldOutBoard soldOut, Clock clock, RushProperties properties,
            ObjectProvider<RushMetrics> metrics, List<ClaimSink> sinks, Buckets buckets) {
        return new Claims(redis, claimScript, releaseScript, new Acknowledgements(new AcknowledgeScript(redis)), durable, soldOut, clock,
                properties, metrics.getIfAvailable(() -> RushMetrics.NONE), sinks, buckets);
    }

    @Bean
    Buckets buckets(ReactiveStringRedisTemplate redis, TransferScripts transferScripts, Clock clock, RushProperties properties) {
        return new Buckets(redis, transferScripts, clock, properties);
    }

    @Bean
    ChangeOutbox changeOutbox(ReactiveStringRedisTemplate redis, ChangeScripts changeScripts,
            @Qualifier("durableClaimPublisher") ClaimPublisher durable, SoldOutBoard soldOut, RushProperties properties) {
        return new ChangeOutbox(redis, changeScripts, durable, soldOut, properties);
    }

    @Bean
    PoolRegistry poolRegistry(ReactiveStringRedisTemplate redis, DefinePoolScript definePoolScript, SoldOutBoard soldOut, Clock clock,
            RushProperties properties) {
        return new PoolRegistry(redis, definePoolScript, soldOut, clock, properties);
    }

    @Bean
    PoolQueries poolQueries(ReactiveStringRedisTemplate redis, ClaimCodec codec, RushProperties properties) {
        return new PoolQueries(redis, codec, properties);
    }

    @Bean(destroyMethod = "close")
    @org.springframework.context.annotation.Lazy
    ReplicaAcks replicaAcks(org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory connections,
            RushProperties properties) {
        return new ReplicaAcks(connections.getNativeClient(), properties.redisReplicaAcks(), properties.redisReplicaTimeout());
    }

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
        return new Reconciliation(registry, queries, redis, sinks, lag, clock, buckets);
    }

    /** Every minute, the PENDING records of claims stored in Postgres whose clear was lost (see StrandedClaims). */
    @Bean
    StrandedClaims strandedClaims(PoolRegistry registry, ReactiveStringRedisTemplate redis, List<ClaimSink> sinks, ClaimCodec codec,
            Clock clock, RushProperties properties) {
        return new StrandedClaims(registry, redis, sinks, codec, clock, java.time.Duration.ofMinutes(1), properties.sweepAfter());
    }

    @Bean
    ScopeRebuild scopeRebuild(PoolRegistry registry, PoolQueries queries, RebuildScript rebuildScript, SoldOutBoard soldOut,
            ClaimLag lag) {
        return new ScopeRebuild(registry, queries, rebuildScript, soldOut, lag::total);
    }

    @Bean
    DailyCounters dailyCounters(ReactiveStringRedisTemplate redis, RushProperties properties) {
        return new DailyCounters(redis, properties.keyPrefix());
    }

    @Bean
    GrantInOrder grantInOrder(PoolRegistry registry, ChangeOutbox outbox, ReactiveStringRedisTemplate redis, SoldOutBoard soldOut) {
        return new GrantInOrder(registry, outbox, new GrantScript(redis), soldOut);
    }

    @Bean
    Leases leases(ReactiveStringRedisTemplate redis) {
        return new Leases(redis);
    }

    @Bean
    PendingSweeper pendingSweeper(PoolRegistry registry, PoolQueries queries, ChangeOutbox outbox, ReactiveStringRedisTemplate redis, ClaimPublisher publisher,
            Clock clock, RushProperties properties, Leases leases) {
        return new PendingSweeper(registry, queries, outbox, redis, publisher, clock, properties, leases);
    }

    /** Waiting-list offers: the transitions features call (offer.lua), and their expiry on the sweeper's interval. */
    @Bean
    Offers offers(ChangeOutbox outbox, ReactiveStringRedisTemplate redis, ClaimCodec codec, SoldOutBoard soldOut, Clock clock,
            RushProperties properties) {
        return new Offers(outbox, new OfferScript(redis, codec), redis, soldOut, clock, properties.keyPrefix());
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
                tracing(environment) ? observations.getIfAvailable(() -> ObservationRegistry.NOOP) : ObservationRegistry.NOOP);
    }

    /**
     * Whether traces are on (management.tracing.enabled, false in application.yml). Off, the claim path creates no
     * observation and its records carry no trace headers: nothing is added to a grab.
     */
    private static boolean tracing(Environment environment) {
        return environment.getProperty("management.tracing.enabled", Boolean.class, true);
    }
}
