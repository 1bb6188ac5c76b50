package org.fairrush.stall;

import java.time.Instant;
import java.util.UUID;

import org.fairrush.rush.ClaimRecorded;

/**
 * A merchant's registration at a fair, read from Redis (current) or Postgres (stored).
 *
 * @param claimStatus the engine's HELD, WAITING or RELEASED
 */
record Registration(UUID id, long fairId, String category, String merchantId, String merchantName, boolean specialOffer,
        long feeCents, String claimStatus, String stallNumber, Instant registeredAt) {

    static Registration of(ClaimRecorded claim) {
        return new Registration(claim.eventId(), Long.parseLong(claim.scope()), claim.pool(), claim.actorId(),
                claim.attributes().get(Registering.MERCHANT_NAME), Boolean.parseBoolean(claim.attributes().get(Registering.SPECIAL_OFFER)),
                Long.parseLong(claim.attributes().get(Registering.FEE_CENTS)), claim.status(), claim.item(), claim.occurredAt());
    }

    boolean released() {
        return ClaimRecorded.RELEASED.equals(claimStatus);
    }

    boolean waiting() {
        return ClaimRecorded.WAITING.equals(claimStatus);
    }

    /**
     * The status the API shows: CONFIRMED (holds a stall), WAITLISTED, ENTERED (a lottery entry before the
     * draw) or CANCELLED.
     */
    String status(Fair fair, boolean drawn) {
        if (ClaimRecorded.HELD.equals(claimStatus)) {
            return "CONFIRMED";
        }
        if (ClaimRecorded.RELEASED.equals(claimStatus)) {
            return "CANCELLED";
        }
        return fair.lottery() && !drawn ? "ENTERED" : "WAITLISTED";
    }
}
