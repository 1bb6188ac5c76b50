package org.fairrush.stall;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.rush.RushEngine;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Reading registrations: one registration, and a merchant's own list, from Redis where the state is current
 * the moment it changes, falling back on Postgres; the organisers' list of a fair as stored in Postgres
 * (complete once the persister has drained), with the live waiting-list positions from Redis.
 */
@Service
class Registrations {

    private final Fairs fairs;
    private final RegistrationRepository repository;
    private final RushEngine engine;

    Registrations(Fairs fairs, RegistrationRepository repository, RushEngine engine) {
        this.fairs = fairs;
        this.repository = repository;
        this.engine = engine;
    }

    /** The current registration, or empty when the fair or registration is unknown. */
    Mono<Registration> find(long fairId, UUID registrationId) {
        return engine.findClaim(Fairs.scope(fairId), registrationId)
                .map(Registration::of)
                .switchIfEmpty(repository.findById(registrationId))
                .filter(registration -> registration.fairId() == fairId);
    }

    Mono<RegistrationView> view(Fair fair, Registration registration) {
        Mono<Long> position = registration.waiting()
                ? engine.waitingPosition(Fairs.pool(fair.id(), registration.category()), registration.id())
                        .filter(found -> found > 0)
                        // Not in Redis: the fair may have been retired, its waiting lists are then read from Postgres.
                        .switchIfEmpty(Mono.defer(() -> fairs.waiting(fair, registration.category())
                                .map(waiting -> waiting.indexOf(registration.id()) + 1L)))
                : Mono.just(0L);
        return Mono.zip(fairs.drawn(fair), position)
                .map(both -> RegistrationView.of(registration, fair, both.getT1(), both.getT2()));
    }

    /** A merchant's registrations as stored, each with its current state from Redis where it has one. */
    Flux<RegistrationView> ofMerchant(String merchantId) {
        return repository.findByMerchant(merchantId)
                .concatMap(stored -> engine.findClaim(Fairs.scope(stored.fairId()), stored.id()).map(Registration::of)
                        .defaultIfEmpty(stored)
                        .flatMap(current -> fairs.find(current.fairId()).flatMap(fair -> view(fair, current))));
    }

    Flux<RegistrationView> ofFair(Fair fair) {
        return Mono.zip(fairs.drawn(fair), positions(fair))
                .flatMapMany(both -> repository.findByFair(fair.id()).map(registration -> RegistrationView.of(registration, fair,
                        both.getT1(), both.getT2().getOrDefault(registration.id(), 0L))));
    }

    /** Every waiting claim's position in its category's waiting list. */
    private Mono<Map<UUID, Long>> positions(Fair fair) {
        return Flux.fromIterable(fair.categories())
                .concatMap(category -> fairs.waiting(fair, category.code()))
                .collect(HashMap::new, (Map<UUID, Long> all, List<UUID> waiting) -> {
                    for (int i = 0; i < waiting.size(); i++) {
                        all.put(waiting.get(i), i + 1L);
                    }
                });
    }
}
