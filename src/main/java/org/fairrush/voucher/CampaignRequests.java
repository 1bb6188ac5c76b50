package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Positive;
import jakarta.validation.constraints.Size;
import org.fairrush.draw.SeedCommitment;
import org.fairrush.rush.PoolRef;
import org.fairrush.voucher.domain.Campaign;
import org.fairrush.voucher.domain.CouponRules;
import org.fairrush.voucher.domain.Discount;
import org.fairrush.voucher.domain.Opening;
import org.fairrush.voucher.domain.RedeemHours;
import org.fairrush.web.FreeText;
import org.fairrush.web.Text;

/** Request bodies of the campaign API, and the rules that span several fields. */
final class CampaignRequests {

    private CampaignRequests() {
    }

    static final long MAX_CENTS = 100_000_000L;
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
            @Size(max = 64) String zone,
            @Min(1) @Max(1_000_000) Integer dailyStock,
            @Min(1) @Max(100) Integer perMemberDailyLimit,
            @Valid NewValidity validity,
            @Size(min = 1, max = 28) List<@NotNull @Valid NewRedeemHours> redeemHours,
            Duration refundWindow,
            @Pattern(regexp = Opening.FIRST_COME + "|" + Opening.RANDOMIZED, message = "must be FIRST_COME or RANDOMIZED_OPENING")
            String allocation,
            Duration openingWindow,
            @Pattern(regexp = SeedCommitment.PATTERN, message = "must be 64 hex digits (the SHA-256 of the seed)") String seedCommitment,
            @Min(1) @Max(PoolRef.MAX_BUCKETS) Integer buckets) {

        NewCampaign {
            name = Text.nfc(name);
        }

        /** A first-come campaign without coupon rules, with the default refund window. */
        NewCampaign(String name, Integer stock, Integer perMemberLimit, Instant grabStartsAt, Instant grabEndsAt,
                Instant redeemStartsAt, Instant redeemEndsAt, NewDiscount discount, Long fairId) {
            this(name, stock, perMemberLimit, grabStartsAt, grabEndsAt, redeemStartsAt, redeemEndsAt, discount, fairId,
                    null, null, null, null, null, null, null, null, null, null);
        }

        /** A campaign without coupon rules and the default refund window, first come or with a randomized opening. */
        NewCampaign(String name, Integer stock, Integer perMemberLimit, Instant grabStartsAt, Instant grabEndsAt,
                Instant redeemStartsAt, Instant redeemEndsAt, NewDiscount discount, Long fairId, String allocation,
                Duration openingWindow, String seedCommitment) {
            this(name, stock, perMemberLimit, grabStartsAt, grabEndsAt, redeemStartsAt, redeemEndsAt, discount, fairId,
                    null, null, null, null, null, null, allocation, openingWindow, seedCommitment, null);
        }

        /** A campaign without coupon rules, with its refund window (null: the default). */
        NewCampaign(String name, Integer stock, Integer perMemberLimit, Instant grabStartsAt, Instant grabEndsAt,
                Instant redeemStartsAt, Instant redeemEndsAt, NewDiscount discount, Long fairId, Duration refundWindow) {
            this(name, stock, perMemberLimit, grabStartsAt, grabEndsAt, redeemStartsAt, redeemEndsAt, discount, fairId,
                    null, null, null, null, null, refundWindow, null, null, null, null);
        }

        /** A campaign with coupon rules and the default refund window. */
        NewCampaign(String name, Integer stock, Integer perMemberLimit, Instant grabStartsAt, Instant grabEndsAt,
                Instant redeemStartsAt, Instant redeemEndsAt, NewDiscount discount, Long fairId, String zone, Integer dailyStock,
                Integer perMemberDailyLimit, NewValidity validity, List<NewRedeemHours> redeemHours) {
            this(name, stock, perMemberLimit, grabStartsAt, grabEndsAt, redeemStartsAt, redeemEndsAt, discount, fairId,
                    zone, dailyStock, perMemberDailyLimit, validity, redeemHours, null, null, null, null, null);
        }

        Duration refundWindowOrDefault() {
            return refundWindow == null ? Campaign.DEFAULT_REFUND_WINDOW : refundWindow;
        }

        int bucketsOrDefault() {
            return buckets == null ? 1 : buckets;
        }

        boolean randomized() {
            return Opening.RANDOMIZED.equals(allocation);
        }

        /** The coupon rules asked for; call only once {@link #brokenRules} found none broken. */
        CouponRules rules() {
            return new CouponRules(zone == null ? CouponRules.DEFAULT_ZONE : ZoneId.of(zone), dailyStock, perMemberDailyLimit,
                    validity == null ? null : validity.days(),
                    redeemHours == null ? List.of() : redeemHours.stream().map(NewRedeemHours::hours).toList());
        }
    }

    /** A voucher is redeemable {@code days} days from its grab (never past the campaign's redeemEndsAt). */
    record NewValidity(@NotNull @Min(1) @Max(3660) Integer days) {
    }

    /** {@code {days: ["MON", ..], from: "10:00", to: "22:00"}} in the campaign's zone; {@code to} is exclusive, "24:00" at most. */
    record NewRedeemHours(@NotEmpty @Size(max = 7) List<@NotNull String> days, @NotNull String from, @NotNull String to) {

        RedeemHours hours() {
            return new RedeemHours(days.stream().map(day -> RedeemHours.day(day).orElseThrow()).collect(Collectors.toSet()),
                    RedeemHours.time(from).orElseThrow(), RedeemHours.endTime(to).orElseThrow());
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
        broken.addAll(brokenOpeningRules(campaign));
        NewDiscount discount = campaign.discount();
        if (discount.minSpendCents() > 0 && discount.amountOffCents() > discount.minSpendCents()) {
            broken.add(new RuleBroken("discount.amountOffCents", "must not exceed minSpendCents"));
        }
        broken.addAll(brokenCouponRules(campaign));
        broken.addAll(brokenBucketRules(campaign));
        return broken;
    }

    /**
     * A stock split over buckets (docs/design.md section 11, note 33) has a unit in every bucket to start with, and is
     * first come without daily caps: a day's counters, or an opening's entries and draw, would be one slot again.
     */
    private static List<RuleBroken> brokenBucketRules(NewCampaign campaign) {
        if (campaign.bucketsOrDefault() <= 1) {
            return List.of();
        }
        List<RuleBroken> broken = new ArrayList<>();
        if (campaign.buckets() > campaign.stock()) {
            broken.add(new RuleBroken("buckets", "must not exceed stock"));
        }
        if (campaign.dailyStock() != null || campaign.perMemberDailyLimit() != null) {
            broken.add(new RuleBroken("buckets", "a campaign with dailyStock or perMemberDailyLimit has one bucket"));
        }
        if (campaign.randomized()) {
            broken.add(new RuleBroken("buckets", "a RANDOMIZED_OPENING campaign has one bucket"));
        }
        return broken;
    }

    /** The coupon rules: a known zone, daily caps within the campaign's, redeem hours that make sense. */
    private static List<RuleBroken> brokenCouponRules(NewCampaign campaign) {
        List<RuleBroken> broken = new ArrayList<>();
        if (campaign.zone() != null && !ZoneId.getAvailableZoneIds().contains(campaign.zone())) {
            broken.add(new RuleBroken("zone", "must be an IANA time zone, e.g. Asia/Shanghai"));
        }
        if (campaign.dailyStock() != null && campaign.dailyStock() > campaign.stock()) {
            broken.add(new RuleBroken("dailyStock", "must not exceed stock"));
        }
        if (campaign.perMemberDailyLimit() != null && campaign.perMemberDailyLimit() > campaign.perMemberLimit()) {
            broken.add(new RuleBroken("perMemberDailyLimit", "must not exceed perMemberLimit"));
        }
        List<NewRedeemHours> hours = campaign.redeemHours() == null ? List.of() : campaign.redeemHours();
        for (int i = 0; i < hours.size(); i++) {
            broken.addAll(brokenHours("redeemHours[" + i + "]", hours.get(i)));
        }
        return broken;
    }

    private static List<RuleBroken> brokenHours(String field, NewRedeemHours hours) {
        List<RuleBroken> broken = new ArrayList<>();
        for (String day : hours.days()) {
            if (RedeemHours.day(day).isEmpty()) {
                broken.add(new RuleBroken(field + ".days", "must be day names among " + String.join(", ", RedeemHours.DAY_NAMES)));
                break;
            }
        }
        Optional<LocalTime> from = RedeemHours.time(hours.from());
        Optional<LocalTime> to = RedeemHours.endTime(hours.to());
        if (from.isEmpty()) {
            broken.add(new RuleBroken(field + ".from", "must be a time HH:mm"));
        }
        if (to.isEmpty()) {
            broken.add(new RuleBroken(field + ".to", "must be a time HH:mm, or 24:00"));
        }
        if (from.isPresent() && to.isPresent() && !from.get().isBefore(to.get())) {
            broken.add(new RuleBroken(field + ".to", "must be after from (a span ends the day it starts)"));
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
        if (campaign.dailyStock() != null || campaign.perMemberDailyLimit() != null) {
            // A drawn winner's grant is no grab of a day; daily caps and a draw are not combined.
            return List.of(new RuleBroken("allocation", "a RANDOMIZED_OPENING campaign has no dailyStock or perMemberDailyLimit"));
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
