package org.fairrush.stall;

import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A fair's registrations as RFC 4180 CSV, one header line, then one line per registration. Every field is quoted,
 * so no separator a spreadsheet's locale uses (comma, semicolon, tab) splits a cell; a cell whose text, after any
 * leading spaces, starts with what a spreadsheet would run as a formula ({@code = + - @}, their full-width forms,
 * tab or carriage return) gets a leading apostrophe, which spreadsheets show as text (OWASP's CSV injection advice).
 */
final class RegistrationCsv {

    static final String HEADER = "registrationId,category,merchantId,merchantName,specialOffer,status,stallNumber,"
            + "waitlistPosition,feeCents,registeredAt";
    static final String NEWLINE = "\r\n";
    private static final String FORMULA_STARTS = "=+-@\t\r\uFF1D\uFF0B\uFF0D\uFF20";

    private RegistrationCsv() {
    }

    static String header() {
        return Stream.of(HEADER.split(",")).map(RegistrationCsv::field).collect(Collectors.joining(",")) + NEWLINE;
    }

    static String line(RegistrationView r) {
        return Stream.of(r.registrationId(), r.category(), r.merchantId(), r.merchantName(), r.specialOffer(), r.status(),
                        r.stallNumber(), r.waitlistPosition(), r.feeCents(), r.registeredAt())
                .map(value -> field(Objects.toString(value, "")))
                .collect(Collectors.joining(",")) + NEWLINE;
    }

    /** One quoted cell, defused when a spreadsheet would run it as a formula. */
    static String field(String raw) {
        String text = raw.stripLeading();
        boolean formula = !text.isEmpty() && FORMULA_STARTS.indexOf(text.charAt(0)) >= 0
                || !raw.isEmpty() && FORMULA_STARTS.indexOf(raw.charAt(0)) >= 0;
        String value = formula ? "'" + raw : raw;
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
