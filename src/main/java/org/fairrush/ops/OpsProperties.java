package org.fairrush.ops;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of metrics, health and the live dashboard ({@code fairrush.ops.*}).
 *
 * @param sampleInterval     how often pools are read for the per-pool gauges and the live stream
 * @param watchedPoolsLimit  most pools per feature that get per-pool gauges and dashboard rows (bounds tag cardinality)
 * @param watchRefresh       how often the watched pools and their stored counts are read from Postgres (a count per
 *                           pool, on every instance); Redis' figures are read every {@code sampleInterval}
 * @param lagInterval        how often the persister's consumer lag is read from Kafka
 * @param kafkaHealthTimeout longest wait for the Kafka cluster to answer a readiness check
 * @param liveStreamMax      a live stream ends after this long and the page reconnects, so that an expired token is noticed
 */
@Validated
@ConfigurationProperties("fairrush.ops")
public record OpsProperties(
        @DefaultValue("1s") @NotNull Duration sampleInterval,
        @DefaultValue("50") @Min(1) @Max(500) int watchedPoolsLimit,
        @DefaultValue("10s") @NotNull Duration watchRefresh,
        @DefaultValue("5s") @NotNull Duration lagInterval,
        @DefaultValue("2s") @NotNull Duration kafkaHealthTimeout,
        @DefaultValue("10m") @NotNull Duration liveStreamMax) {
}
