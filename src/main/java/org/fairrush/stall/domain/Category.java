package org.fairrush.stall.domain;

import java.util.List;
import java.util.stream.IntStream;

/**
 * A stall category of a fair, e.g. FOOD "Food and local specialties" with 10 stalls at 150.00.
 *
 * @param code     short upper-case code, the prefix of its stall numbers (FOOD-01)
 * @param feeCents the stall fee; merchants selling at a special-offer price pay none
 */
public record Category(String code, String name, int stalls, long feeCents) {

    /** The stall numbers in the order they are handed out: FOOD-01, FOOD-02, ... */
    public List<String> stallNumbers() {
        int width = Math.max(2, Integer.toString(stalls).length());
        return IntStream.rangeClosed(1, stalls).mapToObj(n -> code + "-" + String.format("%0" + width + "d", n)).toList();
    }

    public long feeFor(boolean specialOffer) {
        return specialOffer ? 0 : feeCents;
    }
}
