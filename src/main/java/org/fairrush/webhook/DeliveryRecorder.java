package org.fairrush.webhook;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.fairrush.rush.ClaimEventTypes;
import org.fairrush.rush.ClaimEventTypes.ClaimEvent;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.ClaimStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.util.retry.Retry;
import tools.jackson.databind.json.JsonMapper;

/**
 * Turns claim events into webhook deliveries: reads the claim topics with a consumer group of its own (so it never
 * delays a grab or the persister), asks each feature what its claims mean ({@link ClaimEventTypes}), and records one
 * delivery per event and subscribed subscription in Postgres before it commits the log position. A batch not recorded
 * (database down) is retried with backoff and its position left uncommitted, so nothing is skipped; a batch read again
 * records nothing twice. Sending is the {@link DeliveryDispatcher}'s, from the table, so a slow receiver never holds
 * the log back.
 *
 * <p>Only claims the persister has stored are announced: a claim on the log may have been reversed (Kafka's
 * acknowledgement came too late, the member was answered 503 and the persister skipped it), and no receiver should hear
 * of a voucher that does not exist. A batch with claims not stored yet is recorded again after a backoff, until they
 * are stored or {@code storedWithin} has passed since the batch was read; those still not stored then are taken as
 * reversed and announced to nobody (logged). A persister stopped for longer than that loses their announcements, never
 * a claim.
 *
 * <p>A subscription receives the events read after it was created; one created while this consumer lags may also get
 * events of the minutes before.
 */
final class DeliveryRecorder implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryRecorder.class);

    private final ClaimStream stream;
    private final Map<String, List<ClaimEventTypes>> typesByKind;
    private final Subscriptions subscriptions;
    private final Deliveries deliveries;
    private final JsonMapper json;
    private final Map<String, ClaimSink> sinksByKind;
    private final Clock clock;
    private final Duration storedWithin;
    private Sinks.Empty<Void> stopping = Sinks.empty();
    private Disposable running;

    DeliveryRecorder(ClaimStream stream, List<ClaimEventTypes> types, List<ClaimSink> sinks, Subscriptions subscriptions,
            Deliveries deliveries, JsonMapper json, Clock clock, Duration storedWithin) {
        this.sinksByKind = sinks.stream().collect(Collectors.toMap(ClaimSink::kind, Function.identity()));
        this.storedWithin = storedWithin;
        this.stream = stream;
        // A kind may have several: what its claims mean to a member, and what they mean to the campaign or fair (a draw).
        this.typesByKind = types.stream().collect(Collectors.groupingBy(ClaimEventTypes::kind));
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.json = json;
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        stopping = Sinks.empty();
        running = stream.batches()
                .takeUntilOther(stopping.asMono())
                .concatMap(batch -> record(batch, clock.instant())
                        .retryWhen(retryForever("recording deliveries of " + batch.records() + " claims"))
                        .then(batch.commit()), 1)
                .retryWhen(Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(200)).maxBackoff(Duration.ofSeconds(10))
                        .doBeforeRetry(signal -> log.warn("webhook claim stream failed, resubscribing: {}", signal.failure().toString())))
                .subscribe(recorded -> { }, failure -> log.error("webhook recorder stopped", failure));
    }

    @Override
    public synchronized void stop() {
        stopping.tryEmitEmpty();
        if (running != null) {
            running.dispose();
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return running != null && !running.isDisposed();
    }

    /**
     * Records the deliveries the stored claims mean to the current subscriptions; fails while some are not stored yet.
     * With no subscription wanting any of the claims' events, reads nothing more.
     */
    Mono<Void> record(List<ClaimRecorded> claims, Instant readAt) {
        return record(new ClaimStream.Batch(claims, List.of(), Mono.empty()), readAt);
    }

    /**
     * The same for a batch read from the log, whose records are decoded only if some subscription wants an event of
     * their kinds: during a rush nobody subscribed to costs the recorder no parsing, and a feature's events nobody
     * wants (a campaign's stock, counted in Postgres) are not computed.
     */
    private Mono<Void> record(ClaimStream.Batch batch, Instant readAt) {
        if (batch.records() == 0) {
            return Mono.empty();
        }
        return subscriptions.list().collectList().flatMap(subscribed -> {
            Map<String, List<ClaimEventTypes>> wanted = typesWantedBy(subscribed);
            return wanted.isEmpty() ? Mono.empty() : eventsOf(batch.claims(), wanted).flatMap(events -> {
                List<ClaimEvent> announced = events.stream()
                        .filter(event -> subscribed.stream().anyMatch(subscription -> subscription.wants(event.type()))).toList();
                return announced.isEmpty() ? Mono.empty() : storedOnly(announced, readAt)
                        .flatMap(stored -> deliveries.record(due(stored, subscribed, readAt)));
            });
        });
    }

    /** Per kind, the features' event types of which some subscription wants at least one event. */
    private Map<String, List<ClaimEventTypes>> typesWantedBy(List<Subscription> subscribed) {
        Map<String, List<ClaimEventTypes>> wanted = new LinkedHashMap<>();
        typesByKind.forEach((kind, types) -> {
            List<ClaimEventTypes> some = types.stream()
                    .filter(feature -> feature.types().stream().anyMatch(type -> subscribed.stream().anyMatch(s -> s.wants(type))))
                    .toList();
            if (!some.isEmpty()) {
                wanted.put(kind, some);
            }
        });
        return wanted;
    }

    private Mono<List<ClaimEvent>> eventsOf(List<ClaimRecorded> claims, Map<String, List<ClaimEventTypes>> wanted) {
        Map<String, List<ClaimRecorded>> byKind = claims.stream()
                .collect(Collectors.groupingBy(ClaimRecorded::kind, LinkedHashMap::new, Collectors.toList()));
        return Flux.fromIterable(byKind.entrySet())
                .filter(kind -> wanted.containsKey(kind.getKey()))
                .concatMap(kind -> Flux.fromIterable(wanted.get(kind.getKey())).concatMap(types -> types.eventsOf(kind.getValue())))
                .flatMapIterable(Function.identity())
                .collectList();
    }

    /** The events of stored claims; fails while some are not stored and storedWithin has not passed since readAt. */
    private Mono<List<ClaimEvent>> storedOnly(List<ClaimEvent> events, Instant readAt) {
        Map<String, List<UUID>> idsByKind = events.stream().collect(Collectors.groupingBy(event -> event.claim().kind(),
                Collectors.mapping(event -> event.claim().eventId(), Collectors.toList())));
        return Flux.fromIterable(idsByKind.entrySet())
                .filter(kind -> sinksByKind.containsKey(kind.getKey()))
                .concatMap(kind -> sinksByKind.get(kind.getKey()).storedAmong(kind.getValue()))
                .collect(Collectors.toSet())
                .flatMap(stored -> {
                    List<ClaimEvent> announced = events.stream().filter(event -> stored.contains(event.claim().eventId())).toList();
                    int unstored = events.size() - announced.size();
                    if (unstored > 0 && clock.instant().isBefore(readAt.plus(storedWithin))) {
                        return Mono.error(new NotStoredYet(unstored));
                    }
                    if (unstored > 0) {
                        log.warn("{} claims were not stored within {}: taken as reversed, not announced", unstored, storedWithin);
                    }
                    return Mono.just(announced);
                });
    }

    /**
     * The deliveries of the events. The body's timestamp is when the claim was made, or for a later change of it
     * (revision above 0: released, promoted, drawn) when it was read here, the closest time the log keeps of that change.
     */
    private List<Deliveries.Due> due(List<ClaimEvent> events, List<Subscription> subscribed, Instant readAt) {
        List<Deliveries.Due> due = new ArrayList<>();
        for (ClaimEvent event : events) {
            Instant at = event.claim().revision() == 0 ? event.claim().occurredAt() : readAt;
            due.addAll(Deliveries.dueTo(subscribed, event.id(), event.type(), at, event.data(), json));
        }
        return due;
    }

    /** Some claims of the batch are not stored yet: the usual case for a moment, while the persister writes them. */
    private static final class NotStoredYet extends RuntimeException {
        NotStoredYet(int claims) {
            super(claims + " claims are not stored yet", null, false, false);
        }
    }

    private static Retry retryForever(String what) {
        return Retry.backoff(Long.MAX_VALUE, Duration.ofMillis(100)).maxBackoff(Duration.ofSeconds(10))
                .doBeforeRetry(signal -> (signal.failure() instanceof NotStoredYet ? log.atDebug() : log.atWarn()).log("{} failed (attempt {}), retrying: {}", what, signal.totalRetries() + 1,
                        signal.failure().toString()));
    }
}
