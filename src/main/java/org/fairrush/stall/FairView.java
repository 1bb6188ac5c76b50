package org.fairrush.stall;

import java.time.Instant;
import java.util.List;

/**
 * A fair as the API shows it, with each category's live numbers.
 *
 * @param status UPCOMING, OPEN, CLOSED, or DRAWN (lottery after the draw)
 */
record FairView(long id, String name, String theme, String venue, Instant startsAt, Instant endsAt,
        Instant registrationOpensAt, Instant registrationClosesAt, Allocation allocation, String status,
        List<CategoryView> categories) {

    /**
     * @param stallsLeft stalls not held by anyone (-1 when the pool is not loaded in Redis)
     * @param waiting    merchants on the category's waiting list (lottery entries before the draw)
     */
    record CategoryView(String code, String name, int stalls, long feeCents, long stallsLeft, long waiting) {
    }
}
