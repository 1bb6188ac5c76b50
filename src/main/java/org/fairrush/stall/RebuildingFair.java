package org.fairrush.stall;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.ScopeState;
import org.fairrush.rush.recovery.Reconciliation;
import org.fairrush.rush.recovery.ScopeRebuild;
import org.fairrush.stall.domain.Category;
import org.fairrush.stall.domain.Fair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Restores a fair's pools in Redis from Postgres after Redis lost its data (runbook: docs/operations.md). From
 * the stored registrations: each merchant's active registration, every registration's current state (what a
 * cancellation reads), each category's free stall numbers and its waiting list (in arrival order, or in the
 * published draw's order once a lottery is drawn). A lottery category counts as drawn when its stored
 * registrations show the draw's changes; a draw stored but not (or not wholly) applied is applied again from
 * the published result, as a repeated draw with the same seed would.
 */
@Service
class RebuildingFair {

    private static final Logger log = LoggerFactory.getLogger(RebuildingFair.class);

    private final Fairs fairs;
    private final RegistrationRepository registrations;
    private final Drawing drawing;
    private final ScopeRebuild rebuild;
    private final Reconciliation reconciliation;

    RebuildingFair(Fairs fairs, RegistrationRepository registrations, Drawing drawing, ScopeRebuild rebuild,
            Reconciliation reconciliation) {
        this.fairs = fairs;
        this.registrations = registrations;
        this.drawing = drawing;
        this.rebuild = rebuild;
        this.reconciliation = reconciliation;
    }

    /** The reconciliation of a fair's pools after the rebuild; {@code ok} when every pool holds. */
    record Rebuilt(long fairId, boolean ok, List<Reconciliation.PoolReport> pools) {
    }

    Mono<Rebuilt> rebuild(long fairId) {
        return fairs.find(fairId).flatMap(fair -> {
            List<PoolRef> pools = fair.categories().stream().map(category -> Fairs.pool(fairId, category.code())).toList();
            return rebuild.rebuild(Fairs.scope(fairId), pools, stored(fair), false)
                    .then(finishDraw(fair))
                    .thenMany(Flux.fromIterable(pools).concatMap(reconciliation::pool))
                    .collectList()
                    .map(reports -> new Rebuilt(fairId, reports.stream().allMatch(Reconciliation.PoolReport::ok), reports));
        });
    }

    private Mono<ScopeState> stored(Fair fair) {
        return Mono.zip(registrations.findClaims(fair.id()).collectList(), drawing.published(fair.id()).map(Optional::of)
                        .defaultIfEmpty(Optional.empty()))
                .map(stored -> state(fair, stored.getT1(), stored.getT2()));
    }

    /** Pure: the scope's state from the stored registrations (in the order they were made) and the published draw. */
    static ScopeState state(Fair fair, List<ClaimRecorded> claims, Optional<DrawView> draw) {
        Map<String, Integer> holders = new HashMap<>();
        claims.stream().filter(claim -> !claim.released()).forEach(claim -> holders.merge(claim.actorId(), 1, Integer::sum));
        List<ScopeState.Pool> pools = fair.categories().stream()
                .map(category -> pool(fair, category, claims.stream().filter(claim -> claim.pool().equals(category.code())).toList(), draw))
                .toList();
        return new ScopeState(Fairs.scope(fair.id()), holders, claims, pools);
    }

    private static ScopeState.Pool pool(Fair fair, Category category, List<ClaimRecorded> claims, Optional<DrawView> draw) {
        List<UUID> waiting = claims.stream().filter(ClaimRecorded::waiting).map(ClaimRecorded::eventId).toList();
        boolean drawn = draw.isPresent() && claims.stream().anyMatch(claim -> claim.revision() > 0);
        if (fair.lottery() && !drawn) {
            return new ScopeState.Pool(Fairs.definition(fair, category), 0, List.of(), waiting, false);
        }
        // An offered stall is taken until the offer ends, as a held one is.
        Set<String> held = claims.stream().filter(claim -> ClaimRecorded.HELD.equals(claim.status())
                        || ClaimRecorded.OFFERED.equals(claim.status()))
                .map(ClaimRecorded::item).collect(Collectors.toSet());
        List<String> free = category.stallNumbers().stream().filter(stall -> !held.contains(stall)).toList();
        List<UUID> order = fair.lottery() ? inDrawOrder(category, waiting, draw.get()) : waiting;
        return new ScopeState.Pool(Fairs.withStalls(fair, category), free.size(), free, order, fair.lottery());
    }

    /** The waiting claims in the order the draw put them on the waiting list (any it did not place, after them). */
    private static List<UUID> inDrawOrder(Category category, List<UUID> waiting, DrawView draw) {
        Set<UUID> stillWaiting = new LinkedHashSet<>(waiting);
        List<UUID> order = new ArrayList<>();
        draw.categories().stream().filter(drawn -> drawn.code().equals(category.code()))
                .flatMap(drawn -> drawn.order().stream())
                .filter(place -> place.waitlistPosition() != null)
                .sorted(Comparator.comparing(DrawView.Place::waitlistPosition))
                .map(DrawView.Place::registrationId)
                .filter(stillWaiting::remove)
                .forEach(order::add);
        order.addAll(stillWaiting);
        return order;
    }

    /** Hands out the stalls of any category whose draw was published but not applied before Redis lost it. */
    private Mono<Void> finishDraw(Fair fair) {
        return drawing.published(fair.id())
                .flatMap(draw -> drawing.draw(fair.id(), draw.seed()))
                .doOnNext(outcome -> {
                    if (!(outcome instanceof Drawing.Drawn)) {
                        log.warn("fair {}: the published draw could not be applied again after the rebuild ({}); "
                                + "POST its draw with the same seed once Kafka answers", fair.id(), outcome);
                    }
                })
                .then();
    }
}
