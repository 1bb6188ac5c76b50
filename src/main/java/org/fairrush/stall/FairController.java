package org.fairrush.stall;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import jakarta.validation.Valid;
import org.fairrush.draw.SeedCommitment;
import org.fairrush.stall.FairRequests.NewDraw;
import org.fairrush.stall.FairRequests.NewFair;
import org.fairrush.stall.FairRequests.NewSeedCommitment;
import org.fairrush.web.ApiProblem;
import org.fairrush.web.ErrorCode;
import org.fairrush.web.Page;
import org.fairrush.web.ProblemCodes;
import org.fairrush.web.Refusals;
import org.fairrush.web.RequestExample;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Fair administration (ADMIN: create, rebuild after a Redis loss), reading fairs (any role), and the lottery draw
 * (ADMIN runs it, anyone reads it).
 */
@RestController
@RequestMapping("/api/v1/fairs")
class FairController {

    static final int MAX_PAGE = 200;

    private final Fairs fairs;
    private final Drawing drawing;
    private final RebuildingFair rebuilding;
    private final SeedCommitments seedCommitments;
    private final Clock clock;

    FairController(Fairs fairs, Drawing drawing, RebuildingFair rebuilding, SeedCommitments seedCommitments, Clock clock) {
        this.seedCommitments = seedCommitments;
        this.fairs = fairs;
        this.drawing = drawing;
        this.rebuilding = rebuilding;
        this.clock = clock;
    }

    @ProblemCodes(ErrorCode.VALIDATION_FAILED)
    @RequestExample("""
            {"name": "Spring fair", "theme": "Local food", "venue": "Workers' Cultural Palace",
             "startsAt": "2030-05-08T09:00:00+08:00", "endsAt": "2030-05-09T18:00:00+08:00",
             "registrationOpensAt": "2030-05-01T10:00:00+08:00", "registrationClosesAt": "2030-05-02T10:00:00+08:00",
             "allocation": "FIRST_COME",
             "categories": [{"code": "FOOD", "name": "Food and local specialties", "stalls": 12, "feeCents": 15000}]}""")
    @PostMapping
    Mono<ResponseEntity<FairView>> create(@Valid @RequestBody NewFair request) {
        List<FairRequests.RuleBroken> broken = FairRequests.brokenRules(request, clock.instant());
        if (!broken.isEmpty()) {
            return Mono.error(FairRequests.invalid(broken));
        }
        return fairs.create(request).map(view -> ResponseEntity.status(HttpStatus.CREATED)
                .header("Location", "/api/v1/fairs/" + view.id()).body(view));
    }

    /** Fairs, latest registration window first, a page at a time ({@code limit} up to 200, the default; {@code cursor}). */
    @GetMapping
    Mono<ResponseEntity<List<FairView>>> list(@RequestParam(required = false) String limit, @RequestParam(required = false) String cursor,
            ServerHttpRequest request) {
        Page page = Page.of(limit, cursor, MAX_PAGE, MAX_PAGE, 2);
        var after = page.after().map(key -> Map.entry(page.value(0, Instant::parse), page.value(1, Long::parseLong)));
        return fairs.list(after, page.limit() + 1)
                .map(list -> page.answer(request, list, view -> List.of(view.registrationOpensAt().toString(), Long.toString(view.id()))));
    }

    @ProblemCodes(ErrorCode.FAIR_NOT_FOUND)
    @GetMapping("/{id}")
    Mono<FairView> get(@PathVariable long id) {
        return fairs.view(id).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /**
     * Runs the lottery with the given seed (201), or answers the published draw again for the same seed (200).
     */
    @ProblemCodes({ErrorCode.FAIR_NOT_FOUND, ErrorCode.REGISTRATION_OPEN, ErrorCode.ALREADY_DRAWN, ErrorCode.SEED_MISMATCH})
    @RequestExample("""
            {"seed": "2030-05-02 union board, dice 4-1-6"}""")
    @PostMapping("/{id}/draw")
    Mono<ResponseEntity<DrawView>> draw(@PathVariable long id, @Valid @RequestBody NewDraw request) {
        return drawing.draw(id, request.seed()).map(outcome -> {
            if (outcome instanceof Drawing.Drawn drawn) {
                return ResponseEntity.status(drawn.again() ? HttpStatus.OK : HttpStatus.CREATED).body(drawn.draw());
            }
            if (outcome instanceof Drawing.NotALottery) {
                throw FairRequests.invalid("seed", "this fair allocates first come, first served; it has no draw");
            }
            if (outcome instanceof Drawing.RegistrationStillOpen open) {
                throw ApiProblem.of(ErrorCode.REGISTRATION_OPEN, "The draw can run once registration closes at " + open.closesAt());
            }
            if (outcome instanceof Drawing.SeedMismatch mismatch) {
                throw ApiProblem.of(ErrorCode.SEED_MISMATCH, "The seed's SHA-256 is not the fair's seed commitment "
                        + mismatch.commitment().hex() + "; nothing was drawn");
            }
            if (outcome instanceof Drawing.DrawnWithAnotherSeed) {
                throw ApiProblem.of(ErrorCode.ALREADY_DRAWN, "This fair's lottery was drawn with another seed; see GET .../draw");
            }
            if (outcome instanceof Drawing.Busy busy) {
                throw Refusals.busy(busy.why());
            }
            throw notFound(id);
        });
    }

    /**
     * Sets or replaces a lottery fair's seed commitment (the SHA-256 of the seed, 64 hex digits) until registration
     * closes; from then on the draw must present the seed that hashes to it.
     */
    @PutMapping("/{id}/seed-commitment")
    @ProblemCodes({ErrorCode.FAIR_NOT_FOUND, ErrorCode.VALIDATION_FAILED, ErrorCode.REGISTRATION_CLOSED})
    Mono<SeedCommitmentView> commitSeed(@PathVariable long id, @Valid @RequestBody NewSeedCommitment request) {
        return fairs.find(id).switchIfEmpty(Mono.error(() -> notFound(id))).flatMap(fair -> {
            if (!fair.lottery()) {
                return Mono.error(FairRequests.invalid("seedCommitment", "only a lottery fair has a seed to commit to"));
            }
            if (fair.registrationClosedAt(clock.instant())) {
                return Mono.error(ApiProblem.of(ErrorCode.REGISTRATION_CLOSED,
                        "Registration closed at " + fair.registrationClosesAt() + "; the seed commitment can no longer change"));
            }
            return seedCommitments.put(id, new SeedCommitment(request.seedCommitment()), clock.instant())
                    .map(committed -> new SeedCommitmentView(id, committed.commitment().hex(), committed.committedAt()));
        });
    }

    /** A fair's published seed commitment. */
    record SeedCommitmentView(long fairId, String seedCommitment, java.time.Instant committedAt) {
    }

    @ProblemCodes({ErrorCode.FAIR_NOT_FOUND, ErrorCode.NOT_FOUND})
    @GetMapping("/{id}/draw")
    Mono<DrawView> publishedDraw(@PathVariable long id) {
        return fairs.find(id)
                .switchIfEmpty(Mono.error(() -> notFound(id)))
                .flatMap(fair -> drawing.published(id))
                .switchIfEmpty(Mono.error(() -> ApiProblem.of(ErrorCode.NOT_FOUND, "This fair has not been drawn")));
    }

    /**
     * Restores the fair's pools in Redis from Postgres after Redis lost its data (docs/operations.md), and answers
     * each pool's reconciliation. 503 while the persisters have not drained Kafka within a minute.
     */
    @ProblemCodes(ErrorCode.FAIR_NOT_FOUND)
    @PostMapping("/{id}/rebuild")
    Mono<RebuildingFair.Rebuilt> rebuild(@PathVariable long id) {
        return rebuilding.rebuild(id).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    static ApiProblem notFound(long id) {
        return ApiProblem.of(ErrorCode.FAIR_NOT_FOUND, "No fair with id " + id);
    }
}
