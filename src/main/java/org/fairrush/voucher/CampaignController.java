package org.fairrush.voucher;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Size;
import org.fairrush.rush.recovery.Reconciliation;
import org.fairrush.voucher.CampaignRequests.NewCampaign;
import org.fairrush.web.ApiProblem;
import org.fairrush.web.Caller;
import org.fairrush.web.ErrorCode;
import org.fairrush.web.Page;
import org.fairrush.web.ProblemCodes;
import org.fairrush.web.Refusals;
import org.fairrush.web.RequestExample;
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
    private final GrabRoute grabs;
    private final RebuildingCampaign rebuilding;
    private final CampaignDrawing drawing;
    private final Clock clock;

    CampaignController(Campaigns campaigns, GrabRoute grabs, RebuildingCampaign rebuilding, CampaignDrawing drawing, Clock clock) {
        this.campaigns = campaigns;
        this.drawing = drawing;
        this.grabs = grabs;
        this.rebuilding = rebuilding;
        this.clock = clock;
    }

    @ProblemCodes(ErrorCode.VALIDATION_FAILED)
    @RequestExample("""
            {"name": "Spend 30, save 20", "stock": 2000, "perMemberLimit": 1,
             "grabStartsAt": "2030-05-01T10:00:00+08:00", "grabEndsAt": "2030-05-01T10:30:00+08:00",
             "redeemStartsAt": "2030-05-01T10:00:00+08:00", "redeemEndsAt": "2030-05-31T22:00:00+08:00",
             "discount": {"type": "AMOUNT_OFF", "amountOffCents": 2000, "minSpendCents": 3000},
             "zone": "Asia/Shanghai", "dailyStock": 500, "perMemberDailyLimit": 1, "validity": {"days": 7},
             "redeemHours": [{"days": ["MON", "TUE", "WED", "THU", "FRI"], "from": "10:00", "to": "22:00"}]}""")
    @PostMapping
    Mono<ResponseEntity<CampaignView>> create(@Valid @RequestBody NewCampaign request) {
        List<NewCampaignRules.RuleBroken> broken = NewCampaignRules.brokenRules(request, clock.instant());
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
    @ProblemCodes({ErrorCode.CAMPAIGN_NOT_FOUND})
    @PostMapping("/{id}/rebuild")
    Mono<Reconciliation.PoolReport> rebuild(@PathVariable long id) {
        return rebuilding.rebuild(id).switchIfEmpty(Mono.error(() -> notFound(id)));
    }

    /**
     * Grabs one voucher. Idempotency-Key is required: a retry with the same key returns the same voucher
     * (header Idempotent-Replayed: true) and never a second one.
     */
    @ProblemCodes({ErrorCode.CAMPAIGN_NOT_FOUND, ErrorCode.SOLD_OUT, ErrorCode.LIMIT_REACHED, ErrorCode.NOT_STARTED,
            ErrorCode.ENDED, ErrorCode.PAUSED, ErrorCode.REQUEST_IN_PROGRESS, ErrorCode.DAILY_SOLD_OUT, ErrorCode.DAILY_LIMIT_REACHED,
            ErrorCode.NOT_SELECTED})
    @PostMapping("/{id}/grabs")
    Mono<ResponseEntity<Object>> grab(@PathVariable long id,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey, Authentication caller) {
        String key = Caller.requireIdempotencyKey(idempotencyKey);
        return grabs.grab(id, Caller.of(caller).id(), key).map(answered -> ResponseEntity.status(answered.status())
                .header(Caller.IDEMPOTENT_REPLAYED, Boolean.toString(answered.replayed()))
                .body(answered.body()));
    }

    record NewDraw(@NotBlank @Size(max = 200) String seed) {
    }

    /**
     * Draws a randomized opening with the seed whose SHA-256 is the campaign's commitment (201), or answers the
     * published draw again (200). A campaign whose seed the service generated draws itself at its result time.
     */
    @ProblemCodes({ErrorCode.CAMPAIGN_NOT_FOUND, ErrorCode.VALIDATION_FAILED, ErrorCode.OPENING_NOT_OVER, ErrorCode.SEED_MISMATCH})
    @RequestExample("""
            {"seed": "2030-05-01 union board, dice 4-1-6"}""")
    @PostMapping("/{id}/draw")
    Mono<ResponseEntity<CampaignDrawView>> draw(@PathVariable long id, @Valid @RequestBody NewDraw request) {
        return drawing.draw(id, request.seed()).map(outcome -> {
            if (outcome instanceof CampaignDrawing.Drawn drawn) {
                return ResponseEntity.status(drawn.again() ? HttpStatus.OK : HttpStatus.CREATED).body(drawn.draw());
            }
            if (outcome instanceof CampaignDrawing.FirstCome) {
                throw ApiProblem.invalid("seed", "this campaign allocates first come, first served; it has no draw");
            }
            if (outcome instanceof CampaignDrawing.OpeningNotOver open) {
                throw ApiProblem.of(ErrorCode.OPENING_NOT_OVER, "The draw can run once the opening closes at " + open.resultAt());
            }
            if (outcome instanceof CampaignDrawing.SeedMismatch mismatch) {
                throw ApiProblem.of(ErrorCode.SEED_MISMATCH, "The seed's SHA-256 is not the campaign's seed commitment "
                        + mismatch.commitment().hex() + "; nothing was drawn");
            }
            if (outcome instanceof CampaignDrawing.Busy busy) {
                throw Refusals.busy(busy.why());
            }
            throw notFound(id);
        });
    }

    /** A randomized opening's draw: pending (its commitment and result time) or published (all needed to recompute it). */
    @ProblemCodes(ErrorCode.CAMPAIGN_NOT_FOUND)
    @GetMapping("/{id}/draw")
    Mono<CampaignDrawView> publishedDraw(@PathVariable long id) {
        return drawing.published(id).switchIfEmpty(Mono.error(() -> ApiProblem.of(ErrorCode.CAMPAIGN_NOT_FOUND,
                "No randomized opening with campaign id " + id)));
    }

    static ApiProblem notFound(long id) {
        return ApiProblem.of(ErrorCode.CAMPAIGN_NOT_FOUND, "No campaign with id " + id);
    }
}
