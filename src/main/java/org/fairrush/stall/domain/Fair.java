package org.fairrush.stall.domain;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * A union fair: when and where, its registration window, how stalls are allocated, its categories, and how a freed
 * stall reaches its waiting list.
 */
public record Fair(
        long id,
        String name,
        String theme,
        String venue,
        Instant startsAt,
        Instant endsAt,
        Instant registrationOpensAt,
        Instant registrationClosesAt,
        Allocation allocation,
        List<Category> categories,
        Waitlist waitlist) {

    public Fair {
        categories = List.copyOf(categories);
        waitlist = waitlist == null ? Waitlist.AUTO_CONFIRM : waitlist;
    }

    public Optional<Category> category(String code) {
        return categories.stream().filter(c -> c.code().equals(code)).findFirst();
    }

    public boolean lottery() {
        return allocation == Allocation.LOTTERY;
    }

    public boolean registrationClosedAt(Instant now) {
        return !now.isBefore(registrationClosesAt);
    }

    /** UPCOMING, OPEN (registration), CLOSED (registration over), or DRAWN (a lottery fair after its draw). */
    public String status(Instant now, boolean drawn) {
        if (drawn) {
            return "DRAWN";
        }
        if (now.isBefore(registrationOpensAt)) {
            return "UPCOMING";
        }
        return registrationClosedAt(now) ? "CLOSED" : "OPEN";
    }
}
