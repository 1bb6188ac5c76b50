package org.fairrush.webhook;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.Size;
import org.fairrush.web.ApiProblem;
import org.fairrush.web.ErrorCode;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

/** Webhook subscriptions and their delivery history (ADMIN, see SecurityConfiguration). */
@RestController
@RequestMapping("/api/v1/webhooks")
class WebhookController {

    static final int DEFAULT_PAGE = 50;
    static final int MOST_PER_PAGE = 200;

    private final Subscriptions subscriptions;
    private final Deliveries deliveries;
    private final ReceiverAddresses addresses;
    private final EventTypes types;

    WebhookController(Subscriptions subscriptions, Deliveries deliveries, ReceiverAddresses addresses, EventTypes types) {
        this.subscriptions = subscriptions;
        this.deliveries = deliveries;
        this.addresses = addresses;
        this.types = types;
    }

    record NewSubscription(
            @NotBlank @Size(max = 2000) String url,
            @NotEmpty @Size(max = 20) List<@NotBlank @Size(max = 64) String> events) {
    }

    /** The created subscription: the only answer that shows its secret. */
    record Created(UUID id, String url, List<String> events, Instant createdAt, String secret) {
    }

    /** A page of delivery history, newest first; {@code nextBefore} asks for the page after it (null: no more). */
    record DeliveryPage(List<Delivery> items, Long nextBefore) {
    }

    @PostMapping
    Mono<ResponseEntity<Created>> subscribe(@Valid @RequestBody NewSubscription request) {
        List<String> unknown = request.events().stream().filter(type -> !types.contains(type)).toList();
        if (!unknown.isEmpty()) {
            return Mono.error(ApiProblem.invalid("events", "unknown event types " + unknown + "; known: " + types.known()));
        }
        String url = request.url().strip();
        List<String> events = request.events().stream().distinct().toList();
        return Mono.fromCallable(() -> addresses.refusal(url))
                .subscribeOn(Schedulers.boundedElastic())
                .flatMap(refusal -> {
                    if (refusal.isPresent()) {
                        return Mono.error(ApiProblem.invalid("url", refusal.get()));
                    }
                    String secret = Signature.newSecret();
                    return subscriptions.create(url, events, secret).map(created -> ResponseEntity.status(HttpStatus.CREATED)
                            .header("Location", "/api/v1/webhooks/" + created.id())
                            .body(new Created(created.id(), created.url(), created.events(), created.createdAt(), secret)));
                });
    }

    @GetMapping
    Flux<Subscription> list() {
        return subscriptions.list();
    }

    @DeleteMapping("/{id}")
    Mono<ResponseEntity<Void>> unsubscribe(@PathVariable UUID id) {
        return subscriptions.delete(id).flatMap(deleted -> deleted
                ? Mono.just(ResponseEntity.noContent().<Void>build())
                : Mono.error(notFound(id)));
    }

    @GetMapping("/{id}/deliveries")
    Mono<DeliveryPage> deliveries(@PathVariable UUID id,
            @RequestParam(required = false) Long before, @RequestParam(defaultValue = "" + DEFAULT_PAGE) int limit) {
        if (limit < 1 || limit > MOST_PER_PAGE) {
            return Mono.error(ApiProblem.invalid("limit", "must be between 1 and " + MOST_PER_PAGE));
        }
        if (before != null && before < 1) {
            return Mono.error(ApiProblem.invalid("before", "must be a delivery id"));
        }
        return subscriptions.exists(id).flatMap(exists -> exists
                ? deliveries.history(id, before, limit).collectList()
                        .map(page -> new DeliveryPage(page, page.size() < limit ? null : page.get(page.size() - 1).id()))
                : Mono.error(notFound(id)));
    }

    private static ApiProblem notFound(UUID id) {
        return ApiProblem.of(ErrorCode.NOT_FOUND, "No webhook subscription with id " + id);
    }
}
