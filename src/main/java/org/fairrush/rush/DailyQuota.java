package org.fairrush.rush;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Objects;

/**
 * Caps on a pool per calendar day in a time zone (a campaign's {@code dailyStock} and {@code perMemberDailyLimit}),
 * enforced by the claim script itself, so they are as exact as the pool's stock. The day is the engine's: it takes
 * the day of the instant it records the claim at, in {@code zone}, and hands the script that day's counters
 * ({@code <scope>:day:<yyyy-MM-dd>} and {@code ...:dayholders:<yyyy-MM-dd>}), which expire a day after their day.
 *
 * @param zone     the zone whose calendar days count
 * @param units    most claims granted per day in the pool, 0 for no daily cap
 * @param perActor most claims one actor is granted per day in the pool, 0 for no daily limit
 */
public record DailyQuota(ZoneId zone, int units, int perActor) {

    /** How long a day's counters outlive their day: a claim reversed just after midnight still finds them. */
    static final Duration KEPT_AFTER_THE_DAY = Duration.ofDays(1);

    public DailyQuota {
        Objects.requireNonNull(zone);
        if (units < 0 || perActor < 0) {
            throw new IllegalArgumentException("daily caps are 0 (none) or positive");
        }
    }

    /** The calendar day {@code at} falls on in the zone. */
    public LocalDate day(Instant at) {
        return LocalDate.ofInstant(at, zone);
    }

    /** The first instant of the day after {@code at}'s, in the zone: when a refusal for today no longer holds. */
    public Instant nextDayStarts(Instant at) {
        return day(at).plusDays(1).atStartOfDay(zone).toInstant();
    }

    /** When Redis drops the counters of {@code at}'s day: a day after that day. */
    public Instant countersExpireAt(Instant at) {
        return nextDayStarts(at).plus(KEPT_AFTER_THE_DAY);
    }
}
