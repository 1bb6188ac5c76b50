package org.fairrush.webhook;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import reactor.core.Disposable;
import reactor.core.Disposables;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/**
 * Sends recorded deliveries (Standard Webhooks 1.0) and retries failed ones with exponential backoff until
 * {@link WebhookProperties#giveUpAfter()}. Every {@code pollInterval} it leases the due deliveries of subscriptions it
 * is not already sending to, and sends each subscription's deliveries one after the other in the order they were
 * recorded, at most {@code concurrency} subscriptions at once. A receiver that is slow or down only delays its own
 * deliveries: each attempt ends after {@code requestTimeout}, and other subscriptions are sent to meanwhile.
 *
 * <p>Order: while a receiver answers, it gets its deliveries in the order they were recorded (per registration, the
 * order of its revisions). A failed delivery is retried later, so one recorded after it may arrive first; the data
 * carries the registration's {@code revision} for receivers that keep the latest.
 */
final class DeliveryDispatcher implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeliveryDispatcher.class);

    private final Deliveries deliveries;
    private final WebhookProperties settings;
    private final ReceiverAddresses addresses;
    private final HttpClient http;
    private final Clock clock;
    private final Set<UUID> busy = ConcurrentHashMap.newKeySet();
    private Disposable.Composite sending = Disposables.composite();
    private Disposable running;

    DeliveryDispatcher(Deliveries deliveries, WebhookProperties settings, ReceiverAddresses addresses, Clock clock) {
        this.deliveries = deliveries;
        this.settings = settings;
        this.addresses = addresses;
        this.clock = clock;
        this.http = HttpClient.newBuilder()
                .connectTimeout(settings.requestTimeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    @Override
    public synchronized void start() {
        if (isRunning()) {
            return;
        }
        sending = Disposables.composite();
        running = QuietLoop.every(settings.pollInterval(), this::dispatchDue, "looking for due webhook deliveries", log);
    }

    @Override
    public synchronized void stop() {
        if (running != null) {
            running.dispose();
        }
        // Attempts in flight are abandoned; their lease ends and they are sent again (receivers de-duplicate by id).
        sending.dispose();
        busy.clear();
    }

    @Override
    public synchronized boolean isRunning() {
        return running != null && !running.isDisposed();
    }

    /** Leases due deliveries and starts sending to each of their subscriptions, within the concurrency bound. */
    private Mono<Void> dispatchDue() {
        int free = settings.concurrency() - busy.size();
        if (free <= 0) {
            return Mono.empty();
        }
        Duration lease = settings.requestTimeout().plusSeconds(1).multipliedBy(settings.batchSize()).plusSeconds(30);
        return deliveries.lease(settings.batchSize(), lease, List.copyOf(busy)).collectList().flatMap(leased -> {
            Map<UUID, List<Deliveries.Attempt>> bySubscription = new LinkedHashMap<>();
            leased.forEach(attempt -> bySubscription.computeIfAbsent(attempt.subscriptionId(), id -> new ArrayList<>()).add(attempt));
            List<Long> notTaken = new ArrayList<>();
            bySubscription.forEach((subscription, attempts) -> {
                if (busy.size() < settings.concurrency() && busy.add(subscription)) {
                    Disposable.Swap task = Disposables.swap();
                    sending.add(task);
                    task.update(Flux.fromIterable(attempts).concatMap(this::send)
                            .doFinally(signal -> {
                                busy.remove(subscription);
                                sending.remove(task);
                            })
                            .subscribe(sent -> { }, failure -> log.warn("sending webhook deliveries failed: {}", failure.toString())));
                } else {
                    attempts.forEach(attempt -> notTaken.add(attempt.id()));
                }
            });
            return deliveries.release(notTaken);
        });
    }

    /** One attempt: checks the address again, signs with this attempt's timestamp, posts, and records the result. */
    private Mono<Void> send(Deliveries.Attempt attempt) {
        return Mono.fromCallable(() -> addresses.refusal(attempt.url()))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(refusal -> refusal.isPresent()
                        ? deliveries.failed(attempt.id(), null, "refused: url " + refusal.get(), settings)
                        : post(attempt))
                .onErrorResume(failure -> {
                    log.warn("recording webhook delivery {} failed: {}", attempt.id(), failure.toString());
                    return Mono.empty();
                });
    }

    private Mono<Void> post(Deliveries.Attempt attempt) {
        long timestamp = clock.instant().getEpochSecond();
        HttpRequest request = HttpRequest.newBuilder(URI.create(attempt.url()))
                .timeout(settings.requestTimeout())
                .header("content-type", "application/json")
                .header("user-agent", "fairrush-webhooks/1")
                .header("webhook-id", attempt.eventId())
                .header("webhook-timestamp", Long.toString(timestamp))
                .header("webhook-signature", Signature.sign(attempt.secret(), attempt.eventId(), timestamp, attempt.payload()))
                .POST(HttpRequest.BodyPublishers.ofString(attempt.payload()))
                .build();
        return Mono.fromFuture(() -> http.sendAsync(request, HttpResponse.BodyHandlers.discarding()))
                .map(HttpResponse::statusCode)
                .flatMap(status -> status >= 200 && status < 300
                        ? deliveries.delivered(attempt.id(), status)
                        : deliveries.failed(attempt.id(), status, "HTTP " + status, settings))
                // No answer (refused, timed out, reset): recorded as a failed attempt, as is a failure to record the
                // success, which only means the receiver may get this delivery twice.
                .onErrorResume(failure -> deliveries.failed(attempt.id(), null, String.valueOf(failure), settings));
    }
}
