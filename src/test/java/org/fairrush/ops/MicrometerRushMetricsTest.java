package org.fairrush.ops;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.fairrush.rush.ClaimOutcome;
import org.fairrush.rush.ClaimRecorded;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

class MicrometerRushMetricsTest {

    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final MicrometerRushMetrics metrics = new MicrometerRushMetrics(registry);

    @Test
    void countsAGrantedClaimAsCreatedAndItsReplayAsReplayed() {
        ClaimRecorded claim = new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), Instant.now(), "c", "1", "",
                "m-1", null, 1, ClaimRecorded.HELD, Map.of());
        metrics.claimed("c", new ClaimOutcome.Granted(claim, 4, false));
        metrics.claimed("c", new ClaimOutcome.Granted(claim, -1, true));

        assertThat(count("c", "CREATED")).isEqualTo(1);
        assertThat(count("c", "REPLAYED")).isEqualTo(1);
    }

    @Test
    void countsRefusalsByReasonAndFailuresAsError() {
        metrics.claimed("f", new ClaimOutcome.Refused(ClaimOutcome.Refusal.SOLD_OUT));
        metrics.claimed("f", new ClaimOutcome.Busy("kafka"));
        metrics.claimFailed("f", new IllegalStateException("redis"));

        assertThat(count("f", "SOLD_OUT")).isEqualTo(1);
        assertThat(count("f", "BUSY")).isEqualTo(1);
        assertThat(count("f", "ERROR")).isEqualTo(1);
    }

    @Test
    void timesAKafkaSendThatTimedOutUnderItsOwnResult() {
        metrics.timeKafkaSend(Mono.error(new TimeoutException())).as(StepVerifier::create).verifyError(TimeoutException.class);
        metrics.timeKafkaSend(Mono.just(UUID.randomUUID())).as(StepVerifier::create).expectNextCount(1).verifyComplete();

        assertThat(registry.get(MicrometerRushMetrics.KAFKA_SEND).tag("result", "timeout").timer().count()).isEqualTo(1);
        assertThat(registry.get(MicrometerRushMetrics.KAFKA_SEND).tag("result", "ok").timer().count()).isEqualTo(1);
    }

    @Test
    void countsStoredClaimsOnlyWhenTheBatchWasStored() {
        metrics.timePersisterBatch(7, Mono.empty()).as(StepVerifier::create).verifyComplete();
        metrics.timePersisterBatch(3, Mono.error(new IllegalStateException())).as(StepVerifier::create).verifyError();

        assertThat(registry.get(MicrometerRushMetrics.PERSISTED).counter().count()).isEqualTo(7);
        assertThat(registry.get(MicrometerRushMetrics.BATCH_SIZE).summary().count()).isEqualTo(2);
    }

    private double count(String kind, String outcome) {
        return registry.get(MicrometerRushMetrics.CLAIMS).tag("kind", kind).tag("outcome", outcome).counter().count();
    }
}
