package org.fairrush.voucher;

import java.time.Clock;
import java.util.UUID;

import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import org.fairrush.voucher.VoucherController.RedemptionView;
import org.fairrush.voucher.VoucherController.WalletVoucher;
import org.fairrush.voucher.domain.Refunding;
import org.fairrush.web.ApiProblem;
import org.fairrush.web.Caller;
import org.fairrush.web.ErrorCode;
import org.fairrush.web.FreeText;
import org.fairrush.web.ProblemCodes;
import org.fairrush.web.RequestExample;
import org.fairrush.web.Text;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.Authentication;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/** A merchant refunding a redemption (MERCHANT, the one who redeemed) and staff voiding a voucher (ADMIN). */
@RestController
@RequestMapping("/api/v1")
class RefundController {

    private final RefundingRedemption refunding;
    private final VoidingVoucher voiding;
    private final Clock clock;

    RefundController(RefundingRedemption refunding, VoidingVoucher voiding, Clock clock) {
        this.refunding = refunding;
        this.voiding = voiding;
        this.clock = clock;
    }

    record VoidRequest(@NotBlank @FreeText(maxChars = 200) String reason) {

        VoidRequest {
            reason = Text.nfc(reason);
        }
    }

    /**
     * Refunds a redemption within its campaign's {@code refundWindow}: the redemption becomes REFUNDED and the voucher
     * is redeemable again while valid. Idempotent: a refund of a refunded redemption answers it again (header
     * Idempotent-Replayed: true) and changes nothing.
     */
    @ProblemCodes({ErrorCode.REDEMPTION_NOT_FOUND, ErrorCode.REFUND_WINDOW_CLOSED})
    @PostMapping("/redemptions/{redemptionId}/refund")
    Mono<ResponseEntity<RedemptionView>> refund(@PathVariable UUID redemptionId, Authentication caller) {
        return refunding.refund(Caller.of(caller).id(), redemptionId).map(outcome -> {
            if (outcome instanceof RefundingRedemption.Refunded refunded) {
                return ResponseEntity.ok().header(Caller.IDEMPOTENT_REPLAYED, Boolean.toString(refunded.replayed()))
                        .body(RedemptionView.of(refunded.redemption()));
            }
            if (outcome instanceof RefundingRedemption.Refused refused) {
                throw refusal(refused.decision());
            }
            throw ApiProblem.of(ErrorCode.REDEMPTION_NOT_FOUND, "No redemption with id " + redemptionId);
        });
    }

    private static ApiProblem refusal(Refunding.Decision decision) {
        if (decision instanceof Refunding.WindowClosed closed) {
            return ApiProblem.of(ErrorCode.REFUND_WINDOW_CLOSED, "This redemption could be refunded until " + closed.refundableUntil());
        }
        return ApiProblem.of(ErrorCode.FORBIDDEN, "Only the merchant who redeemed may refund this redemption");
    }

    /** Voids a voucher: never redeemable again (VOUCHER_VOID), the reason shown in the member's wallet. Voiding again keeps the first reason. */
    @ProblemCodes(ErrorCode.VOUCHER_NOT_FOUND)
    @RequestExample("""
            {"reason": "Reported stolen by the member"}""")
    @PostMapping("/vouchers/{voucherId}/void")
    Mono<ResponseEntity<WalletVoucher>> voidVoucher(@PathVariable UUID voucherId, @Valid @RequestBody VoidRequest request,
            Authentication caller) {
        return voiding.voidVoucher(voucherId, request.reason(), Caller.of(caller).id())
                .map(voided -> ResponseEntity.ok().header(Caller.IDEMPOTENT_REPLAYED, Boolean.toString(voided.replayed()))
                        .body(WalletVoucher.of(voided.voucher(), clock.instant())))
                .switchIfEmpty(Mono.error(() -> ApiProblem.of(ErrorCode.VOUCHER_NOT_FOUND, "No voucher with id " + voucherId)));
    }
}
