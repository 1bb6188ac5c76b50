package org.fairrush.stall;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Request bodies of the fair API as static factories. */
final class StallFixtures {

    private StallFixtures() {
    }

    static Map<String, Object> category(String code, int stalls, long feeCents) {
        return Map.of("code", code, "name", code + " stalls", "stalls", stalls, "feeCents", feeCents);
    }

    /** A fair whose registration window is open now, for an hour. */
    static Map<String, Object> openFair(String allocation, List<Map<String, Object>> categories) {
        Instant now = Instant.now();
        return fair(allocation, now.minusSeconds(60), now.plus(Duration.ofHours(1)), categories);
    }

    static Map<String, Object> fair(String allocation, Instant opensAt, Instant closesAt, List<Map<String, Object>> categories) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "Union fair " + allocation.toLowerCase());
        body.put("theme", "Food, crafts and services for members");
        body.put("venue", "Workers' Cultural Palace");
        body.put("startsAt", closesAt.plus(Duration.ofDays(7)).toString());
        body.put("endsAt", closesAt.plus(Duration.ofDays(8)).toString());
        body.put("registrationOpensAt", opensAt.toString());
        body.put("registrationClosesAt", closesAt.toString());
        body.put("allocation", allocation);
        body.put("categories", categories);
        return body;
    }

    static Map<String, Object> registration(String category, String merchantName, boolean specialOffer) {
        return Map.of("category", category, "merchantName", merchantName, "specialOffer", specialOffer);
    }
}
