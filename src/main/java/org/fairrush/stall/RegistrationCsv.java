package org.fairrush.stall;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** A fair's registrations as RFC 4180 CSV, one header line, then one line per registration. */
final class RegistrationCsv {

    static final String HEADER = "registrationId,category,merchantId,merchantName,specialOffer,status,stallNumber,"
            + "waitlistPosition,feeCents,registeredAt";

    private RegistrationCsv() {
    }

    static String of(List<RegistrationView> registrations) {
        return Stream.concat(Stream.of(HEADER), registrations.stream().map(RegistrationCsv::line))
                .collect(Collectors.joining("\r\n", "", "\r\n"));
    }

    private static String line(RegistrationView r) {
        return Stream.of(r.registrationId(), r.category(), r.merchantId(), r.merchantName(), r.specialOffer(), r.status(),
                        r.stallNumber(), r.waitlistPosition(), r.feeCents(), r.registeredAt())
                .map(value -> field(Objects.toString(value, "")))
                .collect(Collectors.joining(","));
    }

    /** Quotes where RFC 4180 needs it, and defuses text a spreadsheet would run as a formula. */
    private static String field(String raw) {
        String value = !raw.isEmpty() && "=+-@".indexOf(raw.charAt(0)) >= 0 ? "'" + raw : raw;
        boolean quote = value.contains(",") || value.contains("\"") || value.contains("\n") || value.contains("\r");
        return quote ? "\"" + value.replace("\"", "\"\"") + "\"" : value;
    }
}
