package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import org.fairrush.web.FreeText;
import org.fairrush.web.Text;

/** Request bodies of the campaign API, and the rules that span several fields. */
final class CampaignRequests {

    private CampaignRequests() {
    }

    static final long MAX_CENTS = 100_000_000L;
    static final Duration DEFAULT_REFUND_WINDOW = Duration.ofDays(7);
    static final Duration MAX_REFUND_WINDOW = Duration.ofDays(366);

    record NewCampaign(
            @NotBlank @FreeText(maxChars = 120) String name,
            @NotNull @Min(1) @Max(1_000_000) Integer stock,
            @NotNull @Min(1) @Max(100) Integer perMemberLimit,
            @NotNull Instant grabStartsAt,
            @NotNull Instant grabEndsAt,
            @NotNull Instant redeemStartsAt,
            @NotNull Instant redeemEndsAt,
            @NotNull @Valid NewDiscount discount,
            @Positive Long fairId,
            Duration refundWindow) {

        NewCampaign {
            name = Text.nfc(name);
        }

        Duration refundWindowOrDefault() {
            return refundWindow == null ? DEFAULT_REFUND_WINDOW : refundWindow;
        }
    }

    record NewDiscount(
            @NotNull @Pattern(regexp = Discount.AMOUNT_OFF, message = "must be AMOUNT_OFF") String type,
            @NotNull @Min(1) @Max(MAX_CENTS) Long amountOffCents,
            @NotNull @Min(0) @Max(MAX_CENTS) Long minSpendCents) {
    }

    record RuleBroken(String field, String message) {
    }

    /** The rules no single field can check: windows in order, a campaign not over before it is created, a sane discount. */
    static List<RuleBroken> brokenRules(NewCampaign campaign, Instant now) {
        List<RuleBroken> broken = new ArrayList<>();
        if (!campaign.grabStartsAt().isBefore(campaign.grabEndsAt())) {
            broken.add(new RuleBroken("grabEndsAt", "must be after grabStartsAt"));
        }
        if (!campaign.grabEndsAt().isAfter(now)) {
            broken.add(new RuleBroken("grabEndsAt", "must be in the future"));
        }
        if (!campaign.redeemStartsAt().isBefore(campaign.redeemEndsAt())) {
            broken.add(new RuleBroken("redeemEndsAt", "must be after redeemStartsAt"));
        }
        if (campaign.redeemEndsAt().isBefore(campaign.grabEndsAt())) {
            broken.add(new RuleBroken("redeemEndsAt", "must not be before grabEndsAt"));
        }
        Duration refundWindow = campaign.refundWindowOrDefault();
        if (refundWindow.isNegative() || refundWindow.compareTo(MAX_REFUND_WINDOW) > 0 || refundWindow.getNano() != 0) {
            broken.add(new RuleBroken("refundWindow", "must be whole seconds from PT0S to P366D"));
        }
        NewDiscount discount = campaign.discount();
        if (discount.minSpendCents() > 0 && discount.amountOffCents() > discount.minSpendCents()) {
            broken.add(new RuleBroken("discount.amountOffCents", "must not exceed minSpendCents"));
        }
        return broken;
    }
}
