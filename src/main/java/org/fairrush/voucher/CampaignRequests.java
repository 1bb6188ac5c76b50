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
import org.fairrush.draw.SeedCommitment;
import org.fairrush.web.FreeText;
import org.fairrush.web.Text;

/** Request bodies of the campaign API, and the rules that span several fields. */
final class CampaignRequests {

    private CampaignRequests() {
    }

    static final long MAX_CENTS = 100_000_000L;

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
            @Pattern(regexp = Opening.FIRST_COME + "|" + Opening.RANDOMIZED, message = "must be FIRST_COME or RANDOMIZED_OPENING")
            String allocation,
            Duration openingWindow,
            @Pattern(regexp = SeedCommitment.PATTERN, message = "must be 64 hex digits (the SHA-256 of the seed)") String seedCommitment) {

        NewCampaign {
            name = Text.nfc(name);
        }

        /** A first-come campaign, as before round 2. */
        NewCampaign(String name, Integer stock, Integer perMemberLimit, Instant grabStartsAt, Instant grabEndsAt,
                Instant redeemStartsAt, Instant redeemEndsAt, NewDiscount discount, Long fairId) {
            this(name, stock, perMemberLimit, grabStartsAt, grabEndsAt, redeemStartsAt, redeemEndsAt, discount, fairId, null, null, null);
        }

        boolean randomized() {
            return Opening.RANDOMIZED.equals(allocation);
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
        broken.addAll(brokenOpeningRules(campaign));
        NewDiscount discount = campaign.discount();
        if (discount.minSpendCents() > 0 && discount.amountOffCents() > discount.minSpendCents()) {
            broken.add(new RuleBroken("discount.amountOffCents", "must not exceed minSpendCents"));
        }
        return broken;
    }

    static final Duration LONGEST_OPENING = Duration.ofHours(1);

    /** A randomized opening needs a window, inside the grab window; a first-come campaign has neither window nor seed. */
    private static List<RuleBroken> brokenOpeningRules(NewCampaign campaign) {
        if (!campaign.randomized()) {
            List<RuleBroken> broken = new ArrayList<>();
            if (campaign.openingWindow() != null) {
                broken.add(new RuleBroken("openingWindow", "only a RANDOMIZED_OPENING campaign has an opening window"));
            }
            if (campaign.seedCommitment() != null) {
                broken.add(new RuleBroken("seedCommitment", "only a RANDOMIZED_OPENING campaign has a seed to commit to"));
            }
            return broken;
        }
        Duration window = campaign.openingWindow();
        if (window == null) {
            return List.of(new RuleBroken("openingWindow", "is required for RANDOMIZED_OPENING (e.g. PT10S)"));
        }
        if (window.isNegative() || window.isZero() || window.compareTo(LONGEST_OPENING) > 0) {
            return List.of(new RuleBroken("openingWindow", "must be positive and at most " + LONGEST_OPENING));
        }
        if (!campaign.grabStartsAt().plus(window).isBefore(campaign.grabEndsAt())) {
            return List.of(new RuleBroken("openingWindow", "must end before grabEndsAt"));
        }
        return List.of();
    }
}
