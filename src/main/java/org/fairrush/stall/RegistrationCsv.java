package org.fairrush.stall;

import org.fairrush.web.Csv;

/** A fair's registrations as RFC 4180 CSV ({@link Csv}: quoted, formulas defused), one header line, then one line per registration. */
final class RegistrationCsv {

    static final String HEADER = "registrationId,category,merchantId,merchantName,specialOffer,status,stallNumber,"
            + "waitlistPosition,feeCents,registeredAt";

    private RegistrationCsv() {
    }

    static String header() {
        return Csv.header(HEADER);
    }

    static String line(RegistrationView r) {
        return Csv.line(r.registrationId(), r.category(), r.merchantId(), r.merchantName(), r.specialOffer(), r.status(),
                r.stallNumber(), r.waitlistPosition(), r.feeCents(), r.registeredAt());
    }
}
