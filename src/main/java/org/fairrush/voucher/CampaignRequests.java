package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
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

/** Request bodies of the campaign API; the rules that span several fields are {@link NewCampaignRules}. */
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

        /** The coupon rules asked for; call only once {@link NewCampaignRules#brokenRules} found none broken. */
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
}
