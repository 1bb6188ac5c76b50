package org.fairrush.web;

import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * RFC 4180 CSV lines for the exports. Every field is quoted, so no separator a spreadsheet's locale uses (comma,
 * semicolon, tab) splits a cell; a cell whose text, after any leading spaces, starts with what a spreadsheet would run
 * as a formula ({@code = + - @}, their full-width forms, tab or carriage return) gets a leading apostrophe, which
 * spreadsheets show as text (OWASP's CSV injection advice). A negative number is a formula start too: the exports
 * hold counts and cents, never below zero.
 */
public final class Csv {

    public static final String MEDIA_TYPE = "text/csv";
    public static final String NEWLINE = "\r\n";
    private static final String FORMULA_STARTS = "=+-@\t\r\uFF1D\uFF0B\uFF0D\uFF20";

    private Csv() {
    }

    /** The header line of the given comma-separated column names. */
    public static String header(String columns) {
        return line((Object[]) columns.split(","));
    }

    /** One line of quoted cells, null as an empty cell. */
    public static String line(Object... values) {
        return Stream.of(values).map(value -> field(Objects.toString(value, ""))).collect(Collectors.joining(",")) + NEWLINE;
    }

    /** One quoted cell, defused when a spreadsheet would run it as a formula. */
    public static String field(String raw) {
        String text = raw.stripLeading();
        boolean formula = !text.isEmpty() && FORMULA_STARTS.indexOf(text.charAt(0)) >= 0
                || !raw.isEmpty() && FORMULA_STARTS.indexOf(raw.charAt(0)) >= 0;
        String value = formula ? "'" + raw : raw;
        return "\"" + value.replace("\"", "\"\"") + "\"";
    }
}
