package org.fairrush.rush;

import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.fairrush.rush.lua.PersistenceScripts;
import org.fairrush.rush.persist.Persister;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the allocation engine ({@code fairrush.rush.*}).
 *
 * @param keyPrefix      first part of every Redis key, so that several deployments (or test runs) can share one Redis
 * @param topicPrefix    first part of every Kafka topic name
 * @param topicPartitions partitions of a topic that fairrush creates itself
 * @param sendTimeout    how long a grab waits for Kafka's acknowledgement before it is reversed and answered BUSY
 * @param idempotencyTtl how long a successful claim's Idempotency-Key is remembered
 * @param sweepInterval  how often each instance looks for PENDING claims that never reached Kafka
 * @param sweepAfter     how old a PENDING claim must be before it is republished (longer than sendTimeout)
 * @param retention      how long a pool stays in Redis once its life is over (window closed, last change possible)
 *                       and all its claims are stored; then its keys leave Redis and reads answer from Postgres.
 *                       An ISO-8601 duration (P7D) or Spring's form (7d); at least idempotencyTtl, so that every
 *                       Idempotency-Key of a pool has expired by the time the pool is retired
 * @param retireInterval how often each instance looks for pools to retire
 * @param soldOutRecheck how long an instance trusts a pool's sold-out mark before asking Redis again: the
 *                       longest an instance can refuse grabs on a pool whose units came back when the other
 *                       instances' "restocked" message was lost
 * @param redisReplicaAcks replicas of the Redis primary that must have a claim before it is sent to Kafka and
 *                       acknowledged (Redis WAIT); 0 (default) acknowledges after the primary alone, whose
 *                       asynchronous replication may lose the last writes when it dies
 * @param redisReplicaTimeout longest wait for those replicas; beyond it the claim is reversed and answered BUSY
 * @param redisFlushConsolidation whether Redis commands written close together leave in one write (design note 55);
 *                       false sends each at once, as Lettuce does by itself
 * @param persister      the Kafka to Postgres writer
 */
@Validated
@ConfigurationProperties("fairrush.rush")
public record RushProperties(
        @DefaultValue("fr") @NotBlank String keyPrefix,
        @DefaultValue("fairrush.") @NotBlank String topicPrefix,
        @DefaultValue("6") @Min(1) int topicPartitions,
        @DefaultValue("5s") @NotNull Duration sendTimeout,
        @DefaultValue("24h") @NotNull Duration idempotencyTtl,
        @DefaultValue("2s") @NotNull Duration sweepInterval,
        @DefaultValue("10s") @NotNull Duration sweepAfter,
        @DefaultValue("P7D") @NotNull Duration retention,
        @DefaultValue("1m") @NotNull Duration retireInterval,
        @DefaultValue("1s") @NotNull Duration soldOutRecheck,
        @DefaultValue("0") @Min(0) int redisReplicaAcks,
        @DefaultValue("500ms") @NotNull Duration redisReplicaTimeout,
        @DefaultValue("true") boolean redisFlushConsolidation,
        @DefaultValue @Valid Persister persister) {

    public RushProperties {
        if (sweepAfter != null && sendTimeout != null && sweepAfter.compareTo(sendTimeout) <= 0) {
            throw new IllegalArgumentException("fairrush.rush.sweep-after must be longer than fairrush.rush.send-timeout");
        }
        if (retention != null && (retention.isNegative() || retention.isZero())) {
            throw new IllegalArgumentException("fairrush.rush.retention must be positive");
        }
        if (retention != null && idempotencyTtl != null && idempotencyTtl.compareTo(retention) > 0) {
            throw new IllegalArgumentException("fairrush.rush.idempotency-ttl must not be longer than fairrush.rush.retention");
        }
        if (retireInterval != null && (retireInterval.isNegative() || retireInterval.isZero())) {
            throw new IllegalArgumentException("fairrush.rush.retire-interval must be positive");
        }
    }

    /**
     * @param enabled     false on instances that only serve the API (the persister scales apart)
     * @param groupId     Kafka consumer group of the persisters
     * @param batchSize   most claims written in one transaction (at most what one script call can take)
     * @param batchWindow longest wait for a batch to fill
     * @param pollTimeout longest a poll of the log blocks; a commit waits behind the poll in progress, so this
     *                    bounds how long a stored batch waits for its commit to start
     */
    public record Persister(
            @DefaultValue("true") boolean enabled,
            @DefaultValue("fairrush-persister") @NotBlank String groupId,
            @DefaultValue("5000") @Min(1) @Max(PersistenceScripts.MOST_CLAIMS_PER_CALL) int batchSize,
            @DefaultValue("50ms") @NotNull Duration batchWindow,
            @DefaultValue("10ms") @NotNull Duration pollTimeout) {
    }
}
