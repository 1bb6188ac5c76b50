package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.fairrush.voucher.CampaignRequests.NewCampaign;
import org.fairrush.voucher.CampaignRequests.NewDiscount;
import org.fairrush.voucher.CampaignRequests.NewRedeemHours;
import org.fairrush.voucher.domain.RedeemHours;

/**
 * The rules of a new campaign that no single field can check (its annotations check those): windows in order, a
 * refund window in range, a sane discount, coupon rules that fit the campaign, a randomized opening inside the grab
 * window, a stock over buckets only where buckets work. The campaign API answers each rule broken as one invalid field.
 */
final class NewCampaignRules {

    private NewCampaignRules() {
    }

    static final Duration MAX_REFUND_WINDOW = Duration.ofDays(366);

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
