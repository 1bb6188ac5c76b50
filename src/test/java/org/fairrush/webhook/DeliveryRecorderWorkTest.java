package org.fairrush.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import org.fairrush.rush.ClaimEventTypes;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.ClaimStream;
import org.fairrush.rush.PoolRef;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The recorder does only the work some subscription asks for: it runs beside the persister, and during a rush every
 * claim it parses or counts for nobody is CPU taken from storing claims (docs/benchmarks.md, issue 13).
 */
class DeliveryRecorderWorkTest {

    private static final String KIND = "campaign";

    private final List<Subscription> subscribed = new CopyOnWriteArrayList<>();
    private final List<Deliveries.Due> recorded = new CopyOnWriteArrayList<>();
    private final AtomicInteger decoded = new AtomicInteger();
    private final AtomicInteger commits = new AtomicInteger();
    private final CountingTypes granted = new CountingTypes("voucher.granted");
    private final CountingTypes stock = new CountingTypes("campaign.low_stock");
    private DeliveryRecorder recorder;

    @AfterEach
    void stop() {
        recorder.stop();
    }

    @Test
    void withNoSubscriptionTheBatchIsCommittedWithoutBeingDecoded() {
        recorder = recorderOf(batchOf(claim()));
        recorder.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> commits.get() == 1);
        assertThat(decoded).hasValue(0);
        assertThat(granted.asked).hasValue(0);
        assertThat(recorded).isEmpty();
    }

    @Test
    void eventsNoSubscriptionWantsAreNotComputed() {
        subscribed.add(new Subscription(UUID.randomUUID(), "https://receiver.example/hook", List.of("voucher.granted"), Instant.now()));
        recorder = recorderOf(batchOf(claim()));
        recorder.start();

        await().atMost(Duration.ofSeconds(10)).until(() -> commits.get() == 1);
        assertThat(decoded).hasValue(1);
        assertThat(granted.asked).hasValue(1);
        assertThat(stock.asked).as("the stock count nobody subscribed to").hasValue(0);
        assertThat(recorded).extracting(Deliveries.Due::type).containsExactly("voucher.granted");
    }

    private DeliveryRecorder recorderOf(ClaimStream.Batch batch) {
        ClaimStream stream = () -> Flux.concat(Mono.just(batch), Flux.never());
        Subscriptions subscriptions = new Subscriptions(null) {
            @Override
            Flux<Subscription> list() {
                return Flux.fromIterable(subscribed);
            }
        };
        Deliveries deliveries = new Deliveries(null) {
            @Override
            Mono<Void> record(List<Due> due) {
                return Mono.fromRunnable(() -> recorded.addAll(due));
            }
        };
        return new DeliveryRecorder(stream, List.of(granted, stock), List.of(new EverythingStored()), subscriptions, deliveries,
                JsonMapper.builder().build(), Clock.systemUTC(), Duration.ofMinutes(10));
    }

    private ClaimStream.Batch batchOf(ClaimRecorded claim) {
        return ClaimStream.Batch.decodedOnDemand(1, () -> {
            decoded.incrementAndGet();
            return new ClaimStream.Decoded(List.of(claim), List.of());
        }, Mono.fromRunnable(commits::incrementAndGet), List.of());
    }

    private static ClaimRecorded claim() {
        return new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), Instant.now(), KIND, "1", "vouchers", "m-1", null, 1,
                ClaimRecorded.HELD, Map.of());
    }

    /** A feature's events of one type: one per claim, counting how often it was asked. */
    private static final class CountingTypes implements ClaimEventTypes {

        private final String type;
        private final AtomicInteger asked = new AtomicInteger();

        CountingTypes(String type) {
            this.type = type;
        }

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public Set<String> types() {
            return Set.of(type);
        }

        @Override
        public Mono<List<ClaimEvent>> eventsOf(List<ClaimRecorded> claims) {
            asked.incrementAndGet();
            List<ClaimEvent> events = new ArrayList<>();
            claims.forEach(claim -> events.add(new ClaimEvent(type + "_" + claim.eventId(), type, claim, Map.of())));
            return Mono.just(events);
        }
    }

    private static final class EverythingStored implements ClaimSink {

        @Override
        public String kind() {
            return KIND;
        }

        @Override
        public String topic() {
            return "voucher-claims";
        }

        @Override
        public Mono<Void> store(List<ClaimRecorded> claims) {
            return Mono.empty();
        }

        @Override
        public Mono<Long> countHolding(PoolRef pool) {
            return Mono.just(0L);
        }

        @Override
        public Flux<UUID> storedAmong(Collection<UUID> claimIds) {
            return Flux.fromIterable(claimIds);
        }
    }
}
