package org.fairrush.voucher.domain;

import java.time.DayOfWeek;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * One span of hours in which a voucher may be redeemed, on some days of the week, in the campaign's zone:
 * {@code {days: ["MON", "TUE"], from: "10:00", to: "22:00"}} covers 10:00 up to, not including, 22:00. A span ends
 * the day it starts ({@code from} before {@code to}, "24:00" the latest end); hours past midnight are a second span on
 * the next day.
 */
public record RedeemHours(Set<DayOfWeek> days, LocalTime from, LocalTime to) {

    /** Strict: "24:00" is no time of day (it is only an end, see {@link #endTime}). */
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm").withResolverStyle(ResolverStyle.STRICT);
    public static final String END_OF_DAY = "24:00";
    public static final List<String> DAY_NAMES = List.of("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN");

    public RedeemHours {
        days = Set.copyOf(EnumSet.copyOf(days));
        if (!from.isBefore(to)) {
            throw new IllegalArgumentException("from must be before to");
        }
    }

    public boolean covers(LocalDateTime local) {
        LocalTime time = local.toLocalTime();
        return days.contains(local.getDayOfWeek()) && !time.isBefore(from) && time.isBefore(to);
    }

    /** The day names, Monday first, as the API writes them. */
    public List<String> dayNames() {
        return days.stream().sorted().map(RedeemHours::name).toList();
    }

    public String fromText() {
        return HH_MM.format(from);
    }

    public String toText() {
        return to.equals(LocalTime.MAX) ? END_OF_DAY : HH_MM.format(to);
    }

    /** "MON,TUE 10:00-22:00": how a span is stored (campaign.redeem_hours, spans joined by ';') and shown in a refusal. */
    public String spec() {
        return String.join(",", dayNames()) + " " + fromText() + "-" + toText();
    }

    public static String spec(List<RedeemHours> hours) {
        return hours.stream().map(RedeemHours::spec).collect(Collectors.joining(";"));
    }

    /** Reads what {@link #spec(List)} wrote; empty text is no span. */
    public static List<RedeemHours> parseSpec(String stored) {
        List<RedeemHours> hours = new ArrayList<>();
        if (stored == null || stored.isBlank()) {
            return hours;
        }
        for (String span : stored.split(";")) {
            String[] parts = span.split(" ");
            String[] times = parts[1].split("-");
            hours.add(new RedeemHours(Arrays.stream(parts[0].split(",")).map(RedeemHours::day).map(Optional::orElseThrow)
                    .collect(Collectors.toSet()), time(times[0]).orElseThrow(), endTime(times[1]).orElseThrow()));
        }
        return hours;
    }

    /** MON .. SUN, or empty for anything else. */
    public static Optional<DayOfWeek> day(String name) {
        int index = name == null ? -1 : DAY_NAMES.indexOf(name);
        return index < 0 ? Optional.empty() : Optional.of(DayOfWeek.of(index + 1));
    }

    /** "HH:mm" from 00:00 to 23:59, or empty. */
    public static Optional<LocalTime> time(String text) {
        if (text == null || !text.matches("\\d\\d:\\d\\d")) {
            return Optional.empty();
        }
        try {
            return Optional.of(LocalTime.parse(text, HH_MM));
        } catch (DateTimeParseException notATime) {
            return Optional.empty();
        }
    }

    /** A span's end: a time as {@link #time} reads it, or "24:00", the end of the day. */
    public static Optional<LocalTime> endTime(String text) {
        return END_OF_DAY.equals(text) ? Optional.of(LocalTime.MAX) : time(text);
    }

    private static String name(DayOfWeek day) {
        return DAY_NAMES.get(day.getValue() - 1);
    }
}
