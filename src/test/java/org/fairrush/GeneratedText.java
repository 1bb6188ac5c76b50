package org.fairrush;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Strings a person, a broken keyboard or an attacker might type, from a seed: pieces of ASCII, CJK, composed and
 * decomposed accents, emoji with joiners, spaces of every kind, and the characters stores and spreadsheets choke on
 * (NUL and other controls, lone surrogates, noncharacters, bidirectional overrides), in lengths up to past the
 * limits. The same seed gives the same strings, so a failure can be replayed.
 */
public final class GeneratedText {

    private static final int[][] RANGES = {
            { 'a', 'z' }, { 'A', 'Z' }, { '0', '9' }, { ' ', '/' },       // plain text and punctuation
            { 0x4E00, 0x9FFF },                                           // CJK ideographs
            { 0x00C0, 0x017F },                                           // accented Latin
            { 0x0300, 0x036F },                                           // combining accents (decomposed forms)
            { 0x1F300, 0x1F64F }, { 0x200D, 0x200D }, { 0xFE0F, 0xFE0F }, // emoji, zero-width joiner, variation selector
            { 0x00A0, 0x00A0 }, { 0x3000, 0x3000 }, { 0x200B, 0x200B },   // non-breaking, ideographic and zero-width spaces
            { 0x0000, 0x001F }, { 0x007F, 0x009F },                       // C0 controls (NUL, tab, CR, LF), DEL, C1
            { 0xD800, 0xDFFF },                                           // lone surrogates
            { 0xFFFE, 0xFFFF }, { 0xFDD0, 0xFDEF },                       // noncharacters
            { 0x202A, 0x202E }, { 0x2066, 0x2069 },                       // bidirectional controls
            { '=', '=' }, { '+', '+' }, { '-', '-' }, { '@', '@' },       // spreadsheet formula starters
    };

    private GeneratedText() {
    }

    /** {@code count} strings of 1 to {@code maxLength} UTF-16 units, drawn from {@code seed}. */
    public static List<String> strings(long seed, int count, int maxLength) {
        Random random = new Random(seed);
        List<String> strings = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            strings.add(string(random, 1 + random.nextInt(maxLength)));
        }
        return strings;
    }

    private static String string(Random random, int length) {
        StringBuilder text = new StringBuilder();
        // Mostly one family of characters with a few others mixed in, as real names are.
        int[] usual = RANGES[random.nextInt(RANGES.length)];
        while (text.length() < length) {
            int[] range = random.nextInt(4) == 0 ? RANGES[random.nextInt(RANGES.length)] : usual;
            int codePoint = range[0] + random.nextInt(range[1] - range[0] + 1);
            if (codePoint >= 0xD800 && codePoint <= 0xDFFF) {
                text.append((char) codePoint);
            } else {
                text.appendCodePoint(codePoint);
            }
        }
        return text.toString();
    }
}
