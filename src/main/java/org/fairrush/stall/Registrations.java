package org.fairrush.stall;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

import org.fairrush.rush.PoolQueries;
import org.fairrush.stall.domain.Fair;
import org.fairrush.stall.domain.Registration;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reading registrations: one registration, and a merchant's own list, from Redis where the state is current
 * the moment it changes, falling back on Postgres; the lists (a merchant's, the organisers') page through the
 * rows stored in Postgres and show each in its live state from Redis, read in batches.
 */
@Service
class Registrations {

    static final int EXPORT_PAGE = 500;

    private final Fairs fairs;
    private final RegistrationRepository repository;
    private final PoolQueries poolQueries;

    Registrations(Fairs fairs, RegistrationRepository repository, PoolQueries poolQueries) {
        this.fairs = fairs;
        this.repository = repository;
        this.poolQueries = poolQueries;
    }

    /** The current registration, or empty when the fair or registration is unknown. */
    Mono<Registration> find(long fairId, UUID registrationId) {
        return poolQueries.findClaim(Fairs.scope(fairId), registrationId)
                .map(Registration::of)
                .switchIfEmpty(repository.findById(registrationId))
                .filter(registration -> registration.fairId() == fairId);
    }

    Mono<RegistrationView> view(Fair fair, Registration registration) {
        Mono<Long> position = registration.waiting() ? waitingPosition(fair, registration) : Mono.just(0L);
        return Mono.zip(fairs.drawn(fair), position)
                .map(both -> RegistrationView.of(registration, fair, both.getT1(), both.getT2()));
    }

    /** A waiting registration's place in its category's line (1 = next), from Redis, or from Postgres once the fair is retired. */
    private Mono<Long> waitingPosition(Fair fair, Registration registration) {
        return poolQueries.waitingPosition(Fairs.pool(fair.id(), registration.category()), registration.id())
                .filter(found -> found > 0)
                .switchIfEmpty(Mono.defer(() -> fairs.waiting(fair, registration.category())
                        .map(waiting -> waiting.indexOf(registration.id()) + 1L)));
    }

    /**
     * A page of a merchant's registrations as stored, each with its current state from Redis: per fair on the page
     * one HMGET of the claims and one query for the draw, however many registrations.
     */
    Mono<List<RegistrationView>> ofMerchant(String merchantId, Optional<Map.Entry<Instant, UUID>> after, int count) {
        return repository.findByMerchant(merchantId, after, count).collectList()
                .flatMap(stored -> Flux.fromIterable(stored.stream().map(Registration::fairId).distinct().toList())
                        .flatMapSequential(fairId -> fairs.find(fairId).flatMap(fair ->
                                current(fair, stored.stream().filter(registration -> registration.fairId() == fairId).toList())))
                        .flatMapIterable(views -> views)
                        .collectMap(RegistrationView::registrationId)
                        .map(views -> stored.stream().map(registration -> views.get(registration.id())).filter(Objects::nonNull).toList()));
    }

    /**
     * A page of a fair's registrations for the organisers, in the live state: rows stored in Postgres, each shown as
     * Redis holds it now (right after a cancellation: CANCELLED, and the stall with the merchant promoted).
     */
    Mono<List<RegistrationView>> ofFair(Fair fair, Optional<RegistrationRepository.FairOrder> after, int count) {
        return repository.findByFair(fair.id(), after, count).collectList().flatMap(stored -> current(fair, stored));
    }

    /** Every registration of a fair, live as {@link #ofFair}, read a page at a time as the export is written. */
    Flux<RegistrationView> everyOfFair(Fair fair) {
        return ofFair(fair, Optional.empty(), EXPORT_PAGE)
                .expand(page -> page.size() < EXPORT_PAGE ? Mono.empty() : ofFair(fair, Optional.of(order(page.get(page.size() - 1))), EXPORT_PAGE))
                .flatMapIterable(page -> page);
    }

    /** Registrations of the fair recorded in Redis and not stored yet: not in the lists for a moment more. */
    Mono<Long> notYetListed(Fair fair) {
        return poolQueries.pendingCount(Fairs.scope(fair.id()));
    }

    static RegistrationRepository.FairOrder order(RegistrationView view) {
        return new RegistrationRepository.FairOrder(view.category(), view.registeredAt(), view.registrationId());
    }

    /** Stored registrations of one fair with their state in Redis: one HMGET, one draw lookup, waiting positions pipelined. */
    private Mono<List<RegistrationView>> current(Fair fair, List<Registration> stored) {
        return Mono.zip(fairs.drawn(fair), poolQueries.findClaims(Fairs.scope(fair.id()), stored.stream().map(Registration::id).toList()))
                .flatMap(both -> Flux.fromIterable(stored)
                        .map(registration -> Optional.ofNullable(both.getT2().get(registration.id())).map(Registration::of).orElse(registration))
                        .flatMapSequential(registration -> (registration.waiting() ? waitingPosition(fair, registration)
                                : Mono.just(0L)).map(position -> RegistrationView.of(registration, fair, both.getT1(), position)))
                        .collectList());
    }
}
