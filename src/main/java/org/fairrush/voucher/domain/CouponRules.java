package org.fairrush.voucher.domain;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Objects;

import org.fairrush.rush.DailyQuota;

/**
 * The coupon rules a campaign may carry (docs/design.md section 7.1): daily caps on grabs, a validity counted from
 * each voucher's grab, and hours in which vouchers are redeemed, all in the campaign's zone. A campaign without them
 * behaves as before they existed ({@link #NONE}).
 *
 * @param zone                the zone whose calendar days and clock hours count
 * @param dailyStock          vouchers granted per day, null for no daily cap
 * @param perMemberDailyLimit vouchers one member is granted per day, null for no daily limit
 * @param validityDays        days a voucher is redeemable from its grab (never past the campaign's redeemEndsAt), null
 *                            for the whole redemption window
 * @param redeemHours         spans in which vouchers are redeemed, empty for any hour of the redemption window
 */
public record CouponRules(ZoneId zone, Integer dailyStock, Integer perMemberDailyLimit, Integer validityDays, List<RedeemHours> redeemHours) {

    public static final ZoneId DEFAULT_ZONE = ZoneId.of("Asia/Shanghai");
    public static final CouponRules NONE = new CouponRules(DEFAULT_ZONE, null, null, null, List.of());

    public CouponRules {
        Objects.requireNonNull(zone);
        redeemHours = List.copyOf(redeemHours);
    }

    /** The daily caps the claim script enforces, or null when the campaign has none (a grab as before). */
    public DailyQuota dailyQuota() {
        if (dailyStock == null && perMemberDailyLimit == null) {
            return null;
        }
        return new DailyQuota(zone, dailyStock == null ? 0 : dailyStock, perMemberDailyLimit == null ? 0 : perMemberDailyLimit);
    }

    /** Until when (exclusive) a voucher grabbed at {@code grabbedAt} is redeemable: N calendar days in the zone, capped. */
    public Instant validUntil(Instant grabbedAt, Instant redeemEndsAt) {
        if (validityDays == null) {
            return redeemEndsAt;
        }
        Instant end = grabbedAt.atZone(zone).plusDays(validityDays).toInstant();
        return end.isBefore(redeemEndsAt) ? end : redeemEndsAt;
    }

    public boolean hasValidity() {
        return validityDays != null;
    }

    /** Whether {@code at} falls in one of the redeem hours (always, when there are none). */
    public boolean inRedeemHours(Instant at) {
        return redeemHours.isEmpty() || redeemHours.stream().anyMatch(hours -> hours.covers(at.atZone(zone).toLocalDateTime()));
    }
}
