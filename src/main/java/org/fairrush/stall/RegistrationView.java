package org.fairrush.stall;

import java.time.Instant;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.fairrush.stall.domain.Fair;
import org.fairrush.stall.domain.Registration;

/**
 * A registration as the API shows it.
 *
 * @param status           CONFIRMED, WAITLISTED, ENTERED, OFFERED, CANCELLED, DECLINED or EXPIRED
 * @param stallNumber      the stall held (CONFIRMED) or offered (OFFERED), or held or offered before it ended
 * @param feeCents         the stall fee due, 0 for merchants selling at a special-offer price
 * @param waitlistPosition 1 = next to get a stall of the category (WAITLISTED only)
 * @param offerExpiresAt   until when the offered stall waits for the merchant's answer (OFFERED only)
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record RegistrationView(UUID registrationId, long fairId, String category, String merchantId, String merchantName,
        boolean specialOffer, String status, String stallNumber, long feeCents, Long waitlistPosition, Instant registeredAt,
        Instant offerExpiresAt) {

    static RegistrationView of(Registration r, Fair fair, boolean drawn, long position) {
        String status = r.status(fair, drawn);
        return new RegistrationView(r.id(), r.fairId(), r.category(), r.merchantId(), r.merchantName(), r.specialOffer(),
                status, r.stallNumber(), r.feeCents(), "WAITLISTED".equals(status) && position > 0 ? position : null,
                r.registeredAt(), r.offerExpiresAt());
    }
}
