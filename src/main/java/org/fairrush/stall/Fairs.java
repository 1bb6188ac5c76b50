package org.fairrush.stall;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

import org.fairrush.draw.SeedCommitment;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolQueries;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.PoolRegistry;
import org.fairrush.rush.ScopeState;
import org.fairrush.stall.FairRequests.NewFair;
import org.fairrush.stall.domain.Category;
import org.fairrush.stall.domain.Fair;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.util.function.Tuple2;
import reactor.util.function.Tuples;

/**
 * Creating and reading fairs. A fair is one scope of the rush engine: each category is a pool of its
 * stall numbers with a waiting list, and a merchant holds at most one claim across the fair's pools. A
 * lottery fair's pools start empty, so every registration during the window waits (an entry) until the
 * draw hands out the stalls. Fairs do not change once created, so each instance keeps the ones it has seen.
 */
@Service
class Fairs {

    static final String KIND = "f";
    static final int ONE_STALL_PER_MERCHANT = 1;

    private final FairRepository repository;
    private final SeedCommitments commitments;
    private final PoolRegistry poolRegistry;
    private final PoolQueries poolQueries;
    private final TransactionalOperator transaction;
    private final Clock clock;
    private final StoredFairState stored;
    private final Map<Long, Fair> known = new ConcurrentHashMap<>();

    Fairs(FairRepository repository, SeedCommitments commitments, PoolRegistry poolRegistry, PoolQueries poolQueries, TransactionalOperator transaction, Clock clock,
            StoredFairState stored) {
        this.repository = repository;
        this.commitments = commitments;
        this.poolRegistry = poolRegistry;
        this.poolQueries = poolQueries;
        this.transaction = transaction;
        this.clock = clock;
        this.stored = stored;
        // A fair retired from Redis is over: this instance need not keep it in memory.
        poolRegistry.retiredScopes().filter(scope -> KIND.equals(scope.kind()))
                .subscribe(scope -> known.remove(Long.parseLong(scope.scope())));
    }

    static PoolRef pool(long fairId, String category) {
        return new PoolRef(KIND, Long.toString(fairId), category);
    }

    static PoolRef scope(long fairId) {
        return PoolRef.single(KIND, Long.toString(fairId));
    }

    /** Stores the fair and loads its pools into Redis in one step: a fair never exists without its stalls. */
    Mono<FairView> create(NewFair request) {
        return repository.insert(request)
                .flatMap(fair -> (request.seedCommitment() == null ? Mono.empty()
                        : commitments.put(fair.id(), new SeedCommitment(request.seedCommitment()), clock.instant()))
                        .thenMany(Flux.fromIterable(fair.categories()))
                        .concatMap(category -> poolRegistry.define(definition(fair, category)))
                        .then(Mono.just(fair)))
                .as(transaction::transactional)
                .doOnNext(fair -> known.put(fair.id(), fair))
                .flatMap(this::view);
    }

    /**
     * A category's pool as created: its stall numbers, handed out first come, first served; a lottery's pool
     * starts without any (every registration waits) until the draw hands them out in its order.
     */
    static PoolDefinition definition(Fair fair, Category category) {
        PoolRef ref = pool(fair.id(), category.code());
        if (fair.lottery()) {
            return new PoolDefinition(ref, fair.registrationOpensAt(), fair.registrationClosesAt(), ONE_STALL_PER_MERCHANT, 0,
                    List.of(), true, activeUntil(fair));
        }
        return withStalls(fair, category);
    }

    /** A category's pool once its stall numbers are in it: from the start, or after a lottery's draw. */
    static PoolDefinition withStalls(Fair fair, Category category) {
        return new PoolDefinition(pool(fair.id(), category.code()), fair.registrationOpensAt(), fair.registrationClosesAt(),
                ONE_STALL_PER_MERCHANT, category.stalls(), category.stallNumbers(), true, activeUntil(fair));
    }

    /** Registrations change (cancellations, promotions) until the fair is over, after registration has closed. */
    static Instant activeUntil(Fair fair) {
        return fair.endsAt().isAfter(fair.registrationClosesAt()) ? fair.endsAt() : fair.registrationClosesAt();
    }

    /**
     * The claims waiting for a category's pool, next first: from Redis while the pool lives there, from Postgres
     * once the fair may have been retired; none when Redis lost a live pool.
     */
    Mono<List<UUID>> waiting(Fair fair, String category) {
        PoolRef ref = pool(fair.id(), category);
        return poolQueries.remaining(ref).flatMap(present -> poolQueries.waitingClaims(ref).collectList())
                .switchIfEmpty(Mono.defer(() -> retired(fair).map(state -> StoredFairState.pool(state, ref).waiting())))
                .defaultIfEmpty(List.of());
    }

    /** The fair's state as Postgres holds it, or empty while the fair lives in Redis. */
    private Mono<ScopeState> retired(Fair fair) {
        return poolRegistry.pastRetention(activeUntil(fair)) ? stored.of(fair) : Mono.empty();
    }

    Mono<Fair> find(long id) {
        Fair cached = known.get(id);
        if (cached != null) {
            return Mono.just(cached);
        }
        return repository.findById(id).doOnNext(fair -> known.put(id, fair));
    }

    Mono<Boolean> drawn(Fair fair) {
        return fair.lottery() ? repository.findDraw(fair.id()).hasElement() : Mono.just(false);
    }

    Mono<FairView> view(long id) {
        return find(id).flatMap(this::view);
    }

    /**
     * A page of fairs (one more than {@code count} asked for tells there are more): their draws in one query, every
     * category's numbers pipelined in one round trip, however many fairs and categories.
     */
    Mono<List<FairView>> list(java.util.Optional<Map.Entry<java.time.Instant, Long>> after, int count) {
        return repository.findPage(after, count).collectList().flatMap(page -> {
            page.forEach(fair -> known.putIfAbsent(fair.id(), fair));
            List<PoolRef> pools = page.stream().flatMap(fair -> fair.categories().stream().map(category -> pool(fair.id(), category.code())))
                    .toList();
            return Mono.zip(repository.findDrawn(page.stream().filter(Fair::lottery).map(Fair::id).toList()), poolQueries.itemNumbers(pools))
                    .flatMap(both -> Flux.fromIterable(page)
                            // A fair no longer in Redis (retired) is read from Postgres, as GET /fairs/{id} reads it.
                            .concatMap(fair -> inRedis(fair, both.getT2()) ? Mono.just(view(fair, both.getT1().contains(fair.id()), both.getT2()))
                                    : view(fair))
                            .collectList());
        });
    }

    private static boolean inRedis(Fair fair, Map<PoolRef, PoolQueries.ItemNumbers> numbers) {
        return fair.categories().stream().allMatch(category -> {
            PoolQueries.ItemNumbers these = numbers.get(pool(fair.id(), category.code()));
            return these != null && these.remaining() >= 0;
        });
    }

    private FairView view(Fair fair, boolean drawn, Map<PoolRef, PoolQueries.ItemNumbers> numbers) {
        List<FairView.CategoryView> categories = fair.categories().stream().map(category -> {
            PoolQueries.ItemNumbers these = numbers.getOrDefault(pool(fair.id(), category.code()), new PoolQueries.ItemNumbers(-1, 0));
            long left = fair.lottery() && !drawn ? category.stalls() : these.remaining();
            return new FairView.CategoryView(category.code(), category.name(), category.stalls(), category.feeCents(), left, these.waiting());
        }).toList();
        return new FairView(fair.id(), fair.name(), fair.theme(), fair.venue(), fair.startsAt(), fair.endsAt(), fair.registrationOpensAt(),
                fair.registrationClosesAt(), fair.allocation(), fair.status(clock.instant(), drawn), categories,
                        FairView.WaitlistView.of(fair.waitlist()));
    }

    private Mono<FairView> view(Fair fair) {
        Mono<ScopeState> retired = retired(fair).cache();
        return drawn(fair).flatMap(drawn -> Flux.fromIterable(fair.categories())
                .concatMap(category -> categoryView(fair, category, drawn, retired))
                .collectList()
                .map(categories -> new FairView(fair.id(), fair.name(), fair.theme(), fair.venue(), fair.startsAt(), fair.endsAt(),
                        fair.registrationOpensAt(), fair.registrationClosesAt(), fair.allocation(),
                        fair.status(clock.instant(), drawn), categories,
                        FairView.WaitlistView.of(fair.waitlist()))));
    }

    /** Stalls left and waiting list length: from Redis while the pool lives there, else from Postgres once retired. */
    private Mono<FairView.CategoryView> categoryView(Fair fair, Category category, boolean drawn, Mono<ScopeState> retired) {
        PoolRef ref = pool(fair.id(), category.code());
        Mono<Tuple2<Long, Long>> live = Mono.zip(poolQueries.remaining(ref), poolQueries.waitingCount(ref));
        Mono<Tuple2<Long, Long>> stored = retired.map(state -> StoredFairState.pool(state, ref))
                .map(pool -> Tuples.of(pool.remaining(), (long) pool.waiting().size()));
        return live.switchIfEmpty(stored).defaultIfEmpty(Tuples.of(-1L, 0L))
                .map(numbers -> new FairView.CategoryView(category.code(), category.name(), category.stalls(), category.feeCents(),
                        fair.lottery() && !drawn ? category.stalls() : numbers.getT1(), numbers.getT2()));
    }
}
