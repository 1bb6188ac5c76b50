package org.fairrush.webhook;

import java.time.Duration;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of webhook delivery ({@code fairrush.webhooks.*}).
 *
 * @param enabled        false on instances that neither record nor send deliveries (the API still manages subscriptions)
 * @param allowPrivate   whether receiver URLs may resolve to private, loopback or link-local addresses (local and test
 *                       profiles only: elsewhere that would let a subscriber reach the service's own network)
 * @param groupId        Kafka consumer group that turns claims into deliveries
 * @param requestTimeout longest wait for a receiver's answer (connecting included)
 * @param initialBackoff wait after the first failed attempt; each further failure doubles it
 * @param maxBackoff     longest wait between two attempts
 * @param giveUpAfter    a delivery still failing this long after it was recorded is marked FAILED
 * @param pollInterval   how often due deliveries are looked for
 * @param batchSize      most due deliveries taken per look
 * @param concurrency    most subscriptions being sent to at once (each sends its deliveries one after the other)
 */
@Validated
@ConfigurationProperties("fairrush.webhooks")
public record WebhookProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("false") boolean allowPrivate,
        @DefaultValue("fairrush-webhooks") @NotBlank String groupId,
        @DefaultValue("5s") @NotNull Duration requestTimeout,
        @DefaultValue("5s") @NotNull Duration initialBackoff,
        @DefaultValue("1h") @NotNull Duration maxBackoff,
        @DefaultValue("24h") @NotNull Duration giveUpAfter,
        @DefaultValue("1s") @NotNull Duration pollInterval,
        @DefaultValue("100") @Min(1) @Max(5000) int batchSize,
        @DefaultValue("16") @Min(1) @Max(256) int concurrency) {
}
