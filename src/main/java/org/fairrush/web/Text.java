package org.fairrush.web;

import java.nio.charset.StandardCharsets;
import java.text.Normalizer;
import java.util.Optional;

/**
 * The one rule for text that fairrush acknowledges: whatever it accepts, Redis, Kafka, Postgres and a
 * spreadsheet take back unchanged. Postgres refuses the NUL character, so a name carrying one would be
 * acknowledged and then never stored; a lone UTF-16 surrogate has no UTF-8 form and would come back altered;
 * control and bidirectional-override characters make exports and dashboards lie about what they show.
 *
 * <p>Pure Java: the request records and the token check call it; {@link FreeText} wraps it for bean validation.
 */
public final class Text {

    private Text() {
    }

    /** The text in Unicode normal form C (composed), as it is stored and compared; null stays null. */
    public static String nfc(String text) {
        return text == null || Normalizer.isNormalized(text, Normalizer.Form.NFC) ? text
                : Normalizer.normalize(text, Normalizer.Form.NFC);
    }

    /**
     * Why the text cannot be stored as it is, or empty when it can: it must hold at least one visible character,
     * no control character (C0, DEL, C1: tabs and line breaks included), no lone surrogate, no Unicode
     * noncharacter, no bidirectional embedding, override or isolate; at most {@code maxChars} code points and
     * {@code maxBytes} bytes of UTF-8. Callers pass text already in {@link #nfc NFC}.
     */
    public static Optional<String> whyNotStorable(String text, int maxChars, int maxBytes) {
        boolean visible = false;
        int chars = 0;
        for (int i = 0; i < text.length(); ) {
            int codePoint = text.codePointAt(i);
            Optional<String> refused = refused(codePoint);
            if (refused.isPresent()) {
                return refused;
            }
            visible |= !invisible(codePoint);
            chars++;
            i += Character.charCount(codePoint);
        }
        if (!visible) {
            return Optional.of("must contain a visible character");
        }
        if (chars > maxChars) {
            return Optional.of("must be at most " + maxChars + " characters");
        }
        if (text.getBytes(StandardCharsets.UTF_8).length > maxBytes) {
            return Optional.of("must be at most " + maxBytes + " bytes in UTF-8");
        }
        return Optional.empty();
    }

    /**
     * Why a caller's id (a token's subject) cannot serve as an actor id in Redis keys, Kafka events and Postgres
     * rows, or empty when it can: the same characters as free text, not altered by NFC (an id is compared as it
     * is), at most 128 characters and 255 bytes.
     */
    public static Optional<String> whyNotUsableAsId(String id) {
        if (id == null || id.isEmpty()) {
            return Optional.of("is missing");
        }
        if (!Normalizer.isNormalized(id, Normalizer.Form.NFC)) {
            return Optional.of("is not in Unicode normal form C");
        }
        return whyNotStorable(id, 128, 255);
    }

    private static Optional<String> refused(int codePoint) {
        if (Character.getType(codePoint) == Character.CONTROL) {
            return Optional.of(String.format("must not contain the control character U+%04X", codePoint));
        }
        if (Character.getType(codePoint) == Character.SURROGATE) {
            return Optional.of(String.format("must not contain the lone surrogate U+%04X", codePoint));
        }
        if (nonCharacter(codePoint)) {
            return Optional.of(String.format("must not contain the noncharacter U+%04X", codePoint));
        }
        if (bidiControl(codePoint)) {
            return Optional.of(String.format("must not contain the bidirectional control U+%04X", codePoint));
        }
        return Optional.empty();
    }

    private static boolean nonCharacter(int codePoint) {
        return (codePoint >= 0xFDD0 && codePoint <= 0xFDEF) || (codePoint & 0xFFFE) == 0xFFFE;
    }

    private static boolean bidiControl(int codePoint) {
        return (codePoint >= 0x202A && codePoint <= 0x202E) || (codePoint >= 0x2066 && codePoint <= 0x2069);
    }

    private static boolean invisible(int codePoint) {
        return Character.isWhitespace(codePoint) || Character.isSpaceChar(codePoint)
                || Character.getType(codePoint) == Character.FORMAT || codePoint == 0x3164 || codePoint == 0x115F
                || codePoint == 0x1160 || codePoint == 0xFFA0 || codePoint == 0x2800;
    }
}
