package org.fairrush.stall;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.fairrush.stall.domain.Allocation;
import org.fairrush.stall.domain.Waitlist;

/**
 * A fair as the API shows it, with each category's live numbers.
 *
 * @param status   UPCOMING, OPEN, CLOSED, or DRAWN (lottery after the draw)
 * @param waitlist how a freed stall reaches the waiting list (mode, and holdFor for OFFER)
 */
record FairView(long id, String name, String theme, String venue, Instant startsAt, Instant endsAt,
        Instant registrationOpensAt, Instant registrationClosesAt, Allocation allocation, String status,
        List<CategoryView> categories, WaitlistView waitlist) {

    /** @param holdFor how long an offer holds, ISO-8601 (OFFER only) */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record WaitlistView(Waitlist.Mode mode, String holdFor) {

        static WaitlistView of(Waitlist waitlist) {
            return new WaitlistView(waitlist.mode(), waitlist.offers() ? waitlist.holdFor().toString() : null);
        }
    }

    /**
     * @param stallsLeft stalls not held by anyone (-1 when the pool is not loaded in Redis)
     * @param waiting    merchants on the category's waiting list (lottery entries before the draw)
     */
    record CategoryView(String code, String name, int stalls, long feeCents, long stallsLeft, long waiting) {
    }
}
