package org.fairrush.voucher;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.validation.Valid;
import org.fairrush.voucher.CampaignRequests.NewCampaign;
import org.fairrush.voucher.Grabbing.GrabbedVoucher;
import org.fairrush.web.ApiProblem;
import org.fairrush.web.Caller;
import org.fairrush.web.ErrorCode;
import org.fairrush.web.ProblemCodes;
import org.fairrush.web.Refusals;
import org.fairrush.web.Refusals.Answer;
import org.fairrush.web.RequestExample;
import org.fairrush.web.Page;
import org.fairrush.rush.ClaimOutcome.Refusal;
import org.fairrush.rush.recovery.Reconciliation;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** Campaign administration (ADMIN), reading campaigns (any role) and grabbing vouchers (MEMBER). */
@RestController
@RequestMapping("/api/v1/campaigns")
class CampaignController {

    static final int MAX_PAGE = 500;

    private final Campaigns campaigns;
    private final Grabbing grabbing;
    private final RebuildingCampaign rebuilding;
    private final Clock clock;

    CampaignController(Campaigns campaigns, Grabbing grabbing, RebuildingCampaign rebuilding, Clock clock) {
        this.campaigns = campaigns;
        this.grabbing = grabbing;
        this.rebuilding = rebuilding;
        this.clock = clock;
    }

    @ProblemCodes(ErrorCode.VALIDATION_FAILED)
    @RequestExample("""
            {"name": "Spend 30, save 20", "stock": 2000, "perMemberLimit": 1,
             "grabStartsAt": "2030-05-01T10:00:00+08:00", "grabEndsAt": "2030-05-01T10:30:00+08:00",
             "redeemStartsAt": "2030-05-01T10:00:00+08:00", "redeemEndsAt": "2030-05-31T22:00:00+08:00",
             "discount": {"type": "AMOUNT_OFF", "amountOffCents": 2000, "minSpendCents": 3000}}""")
    @PostMapping
    Mono<ResponseEntity<CampaignView>> create(@Valid @RequestBody NewCampaign request) {
        List<CampaignRequests.RuleBroken> broken = CampaignRequests.brokenRules(request, clock.instant());
        if (!broken.isEmpty()) {
            return Mono.error(ApiProblem.invalid(broken.stream()
                    .map(rule -> new ApiProblem.InvalidField(rule.field(), rule.message())).toList()));
        }
        return campaigns.create(request).map(view -> ResponseEntity.status(HttpStatus.CREATED)
                .header("Location", "/api/v1/campaigns/" + view.id()).body(view));
    }

    /** Campaigns, latest grab window first, a page at a time ({@code limit} up to 500, the default; {@code cursor}). */
    @GetMapping
    Mono<ResponseEntity<List<CampaignView>>> list(@RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor, ServerHttpRequest request) {
        Page page = Page.of(limit, cursor, MAX_PAGE, MAX_PAGE, 2);
        Optional<Map.Entry<Instant, Long>> after = page.after().map(key -> Map.entry(page.value(0, Instant::parse), page.value(1, Long::parseLong)));
        return campaigns.list(after, page.limit() + 1)
                .map(list -> page.answer(request, list, view -> List.of(view.grabStartsAt().toString(), Long.toString(view.id()))));
    }

    @ProblemCodes(ErrorCode.CAMPAIGN_NOT_FOUND)
    @GetMapping("/{id}")
    Mono<CampaignView> get(@PathVariable long id) {
        return campaigns.view(id).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    @ProblemCodes(ErrorCode.CAMPAIGN_NOT_FOUND)
    @PostMapping("/{id}/pause")
    Mono<CampaignView> pause(@PathVariable long id) {
        return campaigns.setPaused(id, true).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    @ProblemCodes(ErrorCode.CAMPAIGN_NOT_FOUND)
    @PostMapping("/{id}/resume")
    Mono<CampaignView> resume(@PathVariable long id) {
        return campaigns.setPaused(id, false).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /**
     * Restores the campaign's stock and holdings in Redis from Postgres after Redis lost its data; answers
     * the pool's reconciliation afterwards. Waits up to a minute for the persisters to drain.
     */
    @ProblemCodes(ErrorCode.CAMPAIGN_NOT_FOUND)
    @PostMapping("/{id}/rebuild")
    Mono<Reconciliation.PoolReport> rebuild(@PathVariable long id) {
        return rebuilding.rebuild(id).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /**
     * Grabs one voucher. Idempotency-Key is required: a retry with the same key returns the same voucher
     * (header Idempotent-Replayed: true) and never a second one.
     */
    @ProblemCodes({ErrorCode.CAMPAIGN_NOT_FOUND, ErrorCode.SOLD_OUT, ErrorCode.LIMIT_REACHED, ErrorCode.NOT_STARTED,
            ErrorCode.ENDED, ErrorCode.PAUSED, ErrorCode.REQUEST_IN_PROGRESS})
    @PostMapping("/{id}/grabs")
    Mono<ResponseEntity<GrabbedVoucher>> grab(@PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey, Authentication caller) {
        String key = Caller.requireIdempotencyKey(idempotencyKey);
        return grabbing.grab(id, Caller.of(caller).id(), key).map(outcome -> {
            if (outcome instanceof Grabbing.Grabbed grabbed) {
                return ResponseEntity.status(HttpStatus.CREATED)
                        .header("Idempotent-Replayed", Boolean.toString(grabbed.replayed()))
                        .body(grabbed.voucher());
            }
            if (outcome instanceof Grabbing.Refused refused) {
                throw REFUSALS.problem(refused.reason());
            }
            if (outcome instanceof Grabbing.Busy busy) {
                throw Refusals.busy(busy.why());
            }
            throw notFound(id);
        });
    }

    private static final Refusals REFUSALS = Refusals.answering(Map.of(
            Refusal.SOLD_OUT, new Answer(ErrorCode.SOLD_OUT, "All vouchers of this campaign are gone"),
            Refusal.LIMIT_REACHED, new Answer(ErrorCode.LIMIT_REACHED, "You already hold as many vouchers of this campaign as allowed"),
            Refusal.NOT_STARTED, new Answer(ErrorCode.NOT_STARTED, "Grabbing has not started yet"),
            Refusal.ENDED, new Answer(ErrorCode.ENDED, "Grabbing has ended"),
            Refusal.PAUSED, new Answer(ErrorCode.PAUSED, "The organisers paused this campaign; try again later"),
            Refusal.UNKNOWN_POOL, new Answer(ErrorCode.BUSY, "This campaign's stock is being restored"),
            Refusal.IN_PROGRESS, new Answer(ErrorCode.REQUEST_IN_PROGRESS,
                    "Your earlier grab with this Idempotency-Key is still being stored; ask again with the same key")));

    private static ApiProblem notFound(long id) {
        return ApiProblem.of(ErrorCode.CAMPAIGN_NOT_FOUND, "No campaign with id " + id);
    }
}
