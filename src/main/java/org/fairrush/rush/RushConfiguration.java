package org.fairrush.rush;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.micrometer.observation.ObservationRegistry;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringSerializer;
import org.fairrush.rush.kafka.ClaimTopics;
import org.fairrush.rush.kafka.KafkaClaimPublisher;
import org.fairrush.rush.lua.AcknowledgeScript;
import org.fairrush.rush.lua.Acknowledgements;
import org.fairrush.rush.lua.ChangeScripts;
import org.fairrush.rush.lua.ClaimScript;
import org.fairrush.rush.lua.ConsolidatedFlushes;
import org.fairrush.rush.lua.DefinePoolScript;
import org.fairrush.rush.lua.GrantScript;
import org.fairrush.rush.lua.OfferScript;
import org.fairrush.rush.lua.RebuildScript;
import org.fairrush.rush.lua.ReleaseScript;
import org.fairrush.rush.lua.ReplicaAckingPublisher;
import org.fairrush.rush.lua.ReplicaAcks;
import org.fairrush.rush.lua.TransferScripts;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Primary;
import org.springframework.core.env.Environment;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/** Wires the engine's face: scripts, the Kafka publisher, the sold-out board and the parts features call (its jobs: RushJobsConfiguration). */
@Configuration(proxyBeanMethods = false)
class RushConfiguration {

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /**
     * Every Redis connection of the service (Spring Data's, the replicas' acknowledgement's) consolidates its flushes
     * unless told not to (design note 55).
     */
    @Bean
    ClientResourcesBuilderCustomizer consolidatedRedisFlushes(RushProperties properties) {
        return builder -> {
            if (properties.redisFlushConsolidation()) {
                builder.nettyCustomizer(new ConsolidatedFlushes());
            }
        };
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

    /** Started and stopped as a lifecycle, around the Redis connection factory's (SoldOutBoard#getPhase). */
    @Bean
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

    /** Waiting-list offers: the transitions features call (offer.lua), and their expiry on the sweeper's interval. */
    @Bean
    Offers offers(ChangeOutbox outbox, ReactiveStringRedisTemplate redis, ClaimCodec codec, SoldOutBoard soldOut, Clock clock,
            RushProperties properties) {
        return new Offers(outbox, new OfferScript(redis, codec), redis, soldOut, clock, properties.keyPrefix());
    }

    /**
     * Whether traces are on (management.tracing.enabled, false in application.yml). Off, the claim path creates no
     * observation and its records carry no trace headers: nothing is added to a grab.
     */
    static boolean tracing(Environment environment) {
        return environment.getProperty("management.tracing.enabled", Boolean.class, true);
    }
}
