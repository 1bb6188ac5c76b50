package org.fairrush.stall;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.fairrush.draw.SeedCommitment;
import org.fairrush.rush.ChangeOutbox;
import org.fairrush.rush.PoolQueries;
import org.fairrush.stall.FairRepository.StoredDraw;
import org.fairrush.stall.domain.Category;
import org.fairrush.stall.domain.Fair;
import org.fairrush.stall.domain.LotteryDraw;
import org.fairrush.stall.domain.Registration;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * The lottery draw of a fair, after its registration window: the entries stored in Postgres (all of them,
 * once the persister has drained the fair's claims) go through {@link LotteryDraw}, the result is published
 * (stored once per fair), and the engine hands the stalls to the winners in the drawn order, the others
 * waiting in that order. Asking again with the same seed answers the published draw (and finishes handing
 * out stalls if an earlier attempt stopped half way); another seed is refused.
 */
@Service
class Drawing {

    private final Fairs fairs;
    private final FairRepository fairRepository;
    private final SeedCommitments commitments;
    private final RegistrationRepository registrations;
    private final ChangeOutbox outbox;
    private final PoolQueries poolQueries;
    private final JsonMapper json;
    private final Clock clock;

    Drawing(Fairs fairs, FairRepository fairRepository, SeedCommitments commitments, RegistrationRepository registrations,
            ChangeOutbox outbox, PoolQueries poolQueries, JsonMapper json, Clock clock) {
        this.fairs = fairs;
        this.fairRepository = fairRepository;
        this.commitments = commitments;
        this.registrations = registrations;
        this.outbox = outbox;
        this.poolQueries = poolQueries;
        this.json = json;
        this.clock = clock;
    }

    sealed interface Outcome {
    }

    record Drawn(DrawView draw, boolean again) implements Outcome {
    }

    record NoSuchFair() implements Outcome {
    }

    record NotALottery() implements Outcome {
    }

    record RegistrationStillOpen(Instant closesAt) implements Outcome {
    }

    record DrawnWithAnotherSeed() implements Outcome {
    }

    /** The fair has a seed commitment and this seed does not hash to it: nothing was drawn. */
    record SeedMismatch(SeedCommitment commitment) implements Outcome {
    }

    record Busy(String why) implements Outcome {
    }

    Mono<Outcome> draw(long fairId, String seed) {
        return fairs.find(fairId).flatMap(fair -> {
            if (!fair.lottery()) {
                return Mono.just((Outcome) new NotALottery());
            }
            if (!fair.registrationClosedAt(clock.instant())) {
                return Mono.just((Outcome) new RegistrationStillOpen(fair.registrationClosesAt()));
            }
            return commitments.find(fairId).map(Optional::of).defaultIfEmpty(Optional.empty()).flatMap(committed -> {
                Optional<SeedCommitment> commitment = committed.map(SeedCommitments.Committed::commitment);
                if (commitment.isPresent() && !commitment.get().opensWith(seed)) {
                    return Mono.just((Outcome) new SeedMismatch(commitment.get()));
                }
                return fairRepository.findDraw(fairId)
                        .flatMap(published -> again(fair, published, seed))
                        .switchIfEmpty(Mono.defer(() -> first(fair, seed, commitment.orElse(null))));
            });
        }).defaultIfEmpty(new NoSuchFair());
    }

    /** The published draw of a fair, if any. */
    Mono<DrawView> published(long fairId) {
        return fairRepository.findDraw(fairId).map(this::read);
    }

    private Mono<Outcome> again(Fair fair, StoredDraw published, String seed) {
        if (!published.seed().equals(seed)) {
            return Mono.just(new DrawnWithAnotherSeed());
        }
        DrawView draw = read(published);
        return apply(fair, draw).map(applied -> applied ? new Drawn(draw, true) : busy());
    }

    private Mono<Outcome> first(Fair fair, String seed, SeedCommitment commitment) {
        return poolQueries.pendingCount(Fairs.scope(fair.id())).flatMap(pending -> pending > 0
                ? Mono.just(busy())
                : registrations.findWaiting(fair.id()).collectList().flatMap(entries -> sameAsRedis(fair, entries)
                        .flatMap(same -> same ? publish(fair, seed, commitment, entries) : Mono.just(busy()))));
    }

    private Mono<Outcome> publish(Fair fair, String seed, SeedCommitment commitment, List<Registration> entries) {
        LotteryDraw.Result result = LotteryDraw.draw(seed,
                entries.stream().map(e -> new LotteryDraw.Entry(e.category(), e.merchantId())).toList(), fair.categories());
        DrawView draw = view(fair.id(), result, commitment, entries, clock.instant());
        StoredDraw stored = new StoredDraw(fair.id(), seed, result.entriesDigest(), json.writeValueAsString(draw), draw.drawnAt());
        return fairRepository.insertDraw(stored).flatMap(inserted -> inserted
                ? apply(fair, draw).map(applied -> applied ? new Drawn(draw, false) : busy())
                // Another admin's draw was stored a moment before this one.
                : fairRepository.findDraw(fair.id()).flatMap(published -> again(fair, published, seed)));
    }

    /** Whether the entries read from Postgres are exactly the claims waiting in Redis (none still in flight). */
    private Mono<Boolean> sameAsRedis(Fair fair, List<Registration> entries) {
        Set<UUID> stored = entries.stream().map(Registration::id).collect(Collectors.toSet());
        return Flux.fromIterable(fair.categories())
                .concatMap(category -> poolQueries.waitingClaims(Fairs.pool(fair.id(), category.code())))
                .collect(HashSet<UUID>::new, Set::add)
                .map(stored::equals);
    }

    private Mono<Boolean> apply(Fair fair, DrawView draw) {
        Map<String, Category> categories = fair.categories().stream().collect(Collectors.toMap(Category::code, Function.identity()));
        return Flux.fromIterable(draw.categories())
                .concatMap(order -> outbox.assignInOrder(Fairs.pool(fair.id(), order.code()),
                        order.order().stream().map(DrawView.Place::registrationId).toList(),
                        categories.get(order.code()).stallNumbers()))
                .all(assignment -> assignment != ChangeOutbox.Assignment.MISMATCH);
    }

    private static DrawView view(long fairId, LotteryDraw.Result result, SeedCommitment commitment, List<Registration> entries,
            Instant drawnAt) {
        Map<String, UUID> ids = entries.stream().collect(Collectors.toMap(e -> e.category() + "\n" + e.merchantId(), Registration::id));
        List<DrawView.CategoryOrder> categories = result.categories().stream()
                .map(category -> new DrawView.CategoryOrder(category.code(), category.order().stream()
                        .map(place -> new DrawView.Place(place.rank(), place.merchantId(),
                                ids.get(category.code() + "\n" + place.merchantId()), place.stallNumber(), place.waitlistPosition()))
                        .toList()))
                .toList();
        return new DrawView(fairId, result.algorithm(), result.seed(), commitment == null ? null : commitment.hex(),
                result.entriesDigest(), drawnAt,
                result.entries().stream().map(e -> new DrawView.Entry(e.category(), e.merchantId())).toList(), categories);
    }

    private DrawView read(StoredDraw stored) {
        return json.readValue(stored.result(), DrawView.class);
    }

    private static Busy busy() {
        return new Busy("the entries are still being stored; retry the draw in a moment");
    }
}
