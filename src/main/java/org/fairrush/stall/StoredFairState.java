package org.fairrush.stall;

import java.util.Optional;

import org.fairrush.rush.PoolRef;
import org.fairrush.rush.ScopeState;
import org.fairrush.stall.domain.Fair;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * A fair's pools as Postgres holds them (stalls left, waiting lists in order): what reads answer once the fair was
 * retired from Redis (docs/operations.md, "Retention"). The same computation as a rebuild's, so a read after
 * retirement answers what it answered from Redis before.
 */
@Service
class StoredFairState {

    private final FairRepository fairs;
    private final RegistrationRepository registrations;
    private final JsonMapper json;

    StoredFairState(FairRepository fairs, RegistrationRepository registrations, JsonMapper json) {
        this.fairs = fairs;
        this.registrations = registrations;
        this.json = json;
    }

    Mono<ScopeState> of(Fair fair) {
        Mono<Optional<DrawView>> draw = fairs.findDraw(fair.id()).map(stored -> json.readValue(stored.result(), DrawView.class))
                .map(Optional::of).defaultIfEmpty(Optional.empty());
        return Mono.zip(registrations.findClaims(fair.id()).collectList(), draw)
                .map(stored -> RebuildingFair.state(fair, stored.getT1(), stored.getT2()));
    }

    static ScopeState.Pool pool(ScopeState state, PoolRef ref) {
        return state.pools().stream().filter(pool -> pool.definition().ref().equals(ref)).findFirst()
                .orElseThrow(() -> new IllegalStateException("no pool " + ref + " in " + state.scope()));
    }
}
