package org.fairrush.ops;

import java.util.Map;
import java.util.TreeMap;

/** Per-second rates from two readings of growing totals. A total that went down (a restart) counts as no change. */
final class Rates {

    private Rates() {
    }

    static double perSecond(long before, long now, double seconds) {
        if (seconds <= 0 || now <= before) {
            return 0;
        }
        return Math.round((now - before) / seconds * 10) / 10.0;
    }

    static Map<String, Double> perSecond(Map<String, Long> before, Map<String, Long> now, double seconds) {
        Map<String, Double> rates = new TreeMap<>();
        now.forEach((key, total) -> rates.put(key, perSecond(before.getOrDefault(key, 0L), total, seconds)));
        return rates;
    }
}
