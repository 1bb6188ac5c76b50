package org.fairrush.stall.domain;

import java.time.Instant;
import java.util.UUID;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.Offers;

/**
 * A merchant's registration at a fair, read from Redis (current) or Postgres (stored).
 *
 * @param claimStatus    the engine's HELD, WAITING, OFFERED or RELEASED
 * @param offerExpiresAt when the open stall offer ends (OFFERED only)
 * @param offerOutcome   DECLINED or EXPIRED for a registration released because its offer ended unaccepted
 */
public record Registration(UUID id, long fairId, String category, String merchantId, String merchantName, boolean specialOffer,
        long feeCents, String claimStatus, String stallNumber, Instant registeredAt, Instant offerExpiresAt, String offerOutcome) {

    /** The names under which a registration's own fields travel in its claim's attributes. */
    public static final String MERCHANT_NAME = "merchantName";
    public static final String SPECIAL_OFFER = "specialOffer";
    public static final String FEE_CENTS = "feeCents";

    public static Registration of(ClaimRecorded claim) {
        return new Registration(claim.eventId(), Long.parseLong(claim.scope()), claim.pool(), claim.actorId(),
                claim.attributes().get(MERCHANT_NAME), Boolean.parseBoolean(claim.attributes().get(SPECIAL_OFFER)),
                Long.parseLong(claim.attributes().get(FEE_CENTS)), claim.status(), claim.item(), claim.occurredAt(),
                Offers.expiresAt(claim).orElse(null), claim.released() ? claim.attributes().get(Offers.OUTCOME) : null);
    }

    public boolean offered() {
        return ClaimRecorded.OFFERED.equals(claimStatus);
    }

    public boolean released() {
        return ClaimRecorded.RELEASED.equals(claimStatus);
    }

    public boolean waiting() {
        return ClaimRecorded.WAITING.equals(claimStatus);
    }

    /**
     * The status the API shows: CONFIRMED (holds a stall), WAITLISTED, ENTERED (a lottery entry before the
     * draw), OFFERED (a freed stall is offered until offerExpiresAt), CANCELLED, or DECLINED / EXPIRED (an offer
     * ended unaccepted).
     */
    public String status(Fair fair, boolean drawn) {
        if (ClaimRecorded.HELD.equals(claimStatus)) {
            return "CONFIRMED";
        }
        if (offered()) {
            return "OFFERED";
        }
        if (ClaimRecorded.RELEASED.equals(claimStatus)) {
            return offerOutcome != null ? offerOutcome : "CANCELLED";
        }
        return fair.lottery() && !drawn ? "ENTERED" : "WAITLISTED";
    }
}
