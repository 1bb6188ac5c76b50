package org.fairrush.voucher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.fairrush.voucher.domain.Discount;
import org.fairrush.voucher.domain.RedeemHours;
import org.fairrush.voucher.domain.Redeeming;
import org.fairrush.voucher.domain.VoucherStatus;
import org.fairrush.web.ApiProblem;
import org.fairrush.web.Caller;
import org.fairrush.web.ErrorCode;
import org.fairrush.web.Page;
import org.fairrush.web.ProblemCodes;
import org.fairrush.web.RequestExample;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A member's wallet (MEMBER) and redemptions at a stall (MERCHANT). */
@RestController
@RequestMapping("/api/v1")
class VoucherController {

    static final int MAX_PAGE = 200;

    private final VoucherRepository vouchers;
    private final RedeemingVoucher redeeming;
    private final Clock clock;

    VoucherController(VoucherRepository vouchers, RedeemingVoucher redeeming, Clock clock) {
        this.vouchers = vouchers;
        this.redeeming = redeeming;
        this.clock = clock;
    }

    /**
     * @param status     ISSUED, REDEEMED, EXPIRED or VOID ({@link VoucherStatus})
     * @param validUntil the end (exclusive) of this voucher's own validity: redeemEndsAt, or earlier with a campaign's
     *                   {@code validity} counted from the grab
     * @param voidReason why staff voided the voucher (status VOID only)
     */
    record WalletVoucher(UUID voucherId, String code, long campaignId, String campaignName, String status,
            Instant grabbedAt, Instant redeemedAt, Discount discount, Instant redeemStartsAt, Instant redeemEndsAt,
            Instant validUntil, @JsonInclude(JsonInclude.Include.NON_NULL) String voidReason) {

        static WalletVoucher of(VoucherRepository.StoredVoucher v, Instant now) {
            return new WalletVoucher(v.id(), v.code(), v.campaign().id(), v.campaign().name(), v.status(now).name(), v.grabbedAt(),
                    v.redeemedAt(), v.campaign().discount(), v.campaign().redeemStartsAt(), v.campaign().redeemEndsAt(), v.validUntil(),
                    v.voidReason());
        }
    }

    record NewRedemption(@NotBlank @Size(max = 40) String voucherCode,
            @NotNull @Min(1) @Max(CampaignRequests.MAX_CENTS) Long orderAmountCents) {
    }

    /**
     * @param status     REDEEMED, or REFUNDED once its merchant refunded it
     * @param refundedAt when it was refunded (REFUNDED only)
     */
    record RedemptionView(UUID redemptionId, String voucherCode, long orderAmountCents, long discountCents,
            long payableCents, Instant redeemedAt, String status, @JsonInclude(JsonInclude.Include.NON_NULL) Instant refundedAt) {

        static RedemptionView of(VoucherRepository.StoredRedemption r) {
            return new RedemptionView(r.id(), r.voucherCode(), r.orderAmountCents(), r.discountCents(), r.payableCents(), r.redeemedAt(),
                    r.refundedAt() == null ? "REDEEMED" : "REFUNDED", r.refundedAt());
        }
    }

    /**
     * The caller's vouchers, newest first, read from Postgres: a voucher grabbed a moment ago appears once
     * the persister stored it (normally well under a second); the grab's own 201 answer already holds it.
     */
    @GetMapping("/me/vouchers")
    Mono<ResponseEntity<List<WalletVoucher>>> wallet(Authentication caller, @RequestParam(required = false) String limit,
            @RequestParam(required = false) String cursor, ServerHttpRequest request) {
        Page page = Page.of(limit, cursor, MAX_PAGE, MAX_PAGE, 2);
        Optional<Map.Entry<Instant, UUID>> after = page.after().map(key -> Map.entry(page.value(0, Instant::parse), page.value(1, UUID::fromString)));
        Instant now = clock.instant();
        return vouchers.findByMember(Caller.of(caller).id(), after, page.limit() + 1).map(v -> WalletVoucher.of(v, now))
                .collectList()
                .map(list -> page.answer(request, list, v -> List.of(v.grabbedAt().toString(), v.voucherId().toString())));
    }

    @ProblemCodes({ErrorCode.VOUCHER_NOT_FOUND, ErrorCode.ALREADY_REDEEMED, ErrorCode.NOT_REDEEMABLE, ErrorCode.BELOW_THRESHOLD,
            ErrorCode.IDEMPOTENCY_KEY_REUSED, ErrorCode.VOUCHER_EXPIRED, ErrorCode.OUTSIDE_REDEEM_HOURS, ErrorCode.VOUCHER_VOID,
            ErrorCode.MERCHANT_NOT_AT_FAIR})
    @RequestExample("""
            {"voucherCode": "7-K3QD-M9XA-P2HT", "orderAmountCents": 4500}""")
    @PostMapping("/redemptions")
    Mono<ResponseEntity<RedemptionView>> redeem(@Valid @RequestBody NewRedemption request,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey, Authentication caller) {
        String key = Caller.requireIdempotencyKey(idempotencyKey);
        String code = RedeemingVoucher.canonical(request.voucherCode())
                .orElseThrow(() -> ApiProblem.invalid("voucherCode", "is not a voucher code"));
        return redeeming.redeem(Caller.of(caller).id(), key, code, request.orderAmountCents()).map(outcome -> {
            if (outcome instanceof RedeemingVoucher.Redeemed redeemed) {
                return ResponseEntity.status(HttpStatus.CREATED)
                        .header(Caller.IDEMPOTENT_REPLAYED, Boolean.toString(redeemed.replayed()))
                        .body(RedemptionView.of(redeemed.redemption()));
            }
            if (outcome instanceof RedeemingVoucher.Refused refused) {
                throw refusal(refused.decision());
            }
            if (outcome instanceof RedeemingVoucher.NotYetStored) {
                throw ApiProblem.retryLater(ErrorCode.BUSY,
                        "This voucher was grabbed a moment ago and is still being stored; retry shortly", Duration.ofSeconds(2));
            }
            if (outcome instanceof RedeemingVoucher.KeyReused) {
                throw ApiProblem.of(ErrorCode.IDEMPOTENCY_KEY_REUSED, "This Idempotency-Key was used for another voucher");
            }
            throw ApiProblem.of(ErrorCode.VOUCHER_NOT_FOUND, "No voucher with this code");
        });
    }

    private static ApiProblem refusal(Redeeming.Decision decision) {
        if (decision instanceof Redeeming.OutsideWindow window) {
            return ApiProblem.of(ErrorCode.NOT_REDEEMABLE,
                    "This voucher can be redeemed from " + window.redeemStartsAt() + " until " + window.redeemEndsAt());
        }
        if (decision instanceof Redeeming.VoucherExpired expired) {
            return ApiProblem.withExtra(ErrorCode.VOUCHER_EXPIRED, "This voucher was valid until " + expired.validUntil(),
                    Map.of("validUntil", expired.validUntil().toString()));
        }
        if (decision instanceof Redeeming.OutsideRedeemHours hours) {
            return ApiProblem.withExtra(ErrorCode.OUTSIDE_REDEEM_HOURS, "This voucher is redeemed only " + RedeemHours.spec(hours.hours())
                    .replace(";", ", ") + " (" + hours.zone().getId() + ")", Map.of("zone", hours.zone().getId(), "redeemHours",
                    hours.hours().stream().map(span -> Map.of("days", span.dayNames(), "from", span.fromText(), "to", span.toText())).toList()));
        }
        if (decision instanceof Redeeming.Voided voided) {
            return ApiProblem.of(ErrorCode.VOUCHER_VOID, "This voucher was voided: " + voided.reason());
        }
        if (decision instanceof Redeeming.NotAtFair notAtFair) {
            return ApiProblem.of(ErrorCode.MERCHANT_NOT_AT_FAIR,
                    "This voucher is redeemed only by merchants holding a confirmed stall at fair " + notAtFair.fairId());
        }
        if (decision instanceof Redeeming.BelowThreshold below) {
            return ApiProblem.of(ErrorCode.BELOW_THRESHOLD, "The order must be at least " + below.minSpendCents() + " cents");
        }
        return ApiProblem.of(ErrorCode.ALREADY_REDEEMED, "This voucher was already redeemed");
    }
}
