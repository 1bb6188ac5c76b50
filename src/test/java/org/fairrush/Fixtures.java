package org.fairrush;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.devstack.DevTokens;

/** Test data as static factories: tokens and request bodies (campaigns, fairs, registrations). */
public final class Fixtures {

    private Fixtures() {
    }

    public static String memberToken(String memberId) {
        return DevTokens.issue(memberId, List.of("MEMBER"), Duration.ofHours(1));
    }

    public static String merchantToken(String merchantId) {
        return DevTokens.issue(merchantId, List.of("MERCHANT"), Duration.ofHours(1));
    }

    public static String adminToken() {
        return DevTokens.issue("staff-1", List.of("ADMIN"), Duration.ofHours(1));
    }

    public static String idempotencyKey() {
        return UUID.randomUUID().toString();
    }

    /** A campaign body whose grab and redemption windows are open now. */
    public static Map<String, Object> openCampaign(int stock, int perMemberLimit) {
        Instant now = Instant.now();
        return campaign(stock, perMemberLimit, now.minusSeconds(60), now.plus(Duration.ofHours(2)),
                now.minusSeconds(60), now.plus(Duration.ofDays(7)), 2000, 3000);
    }

    public static Map<String, Object> campaign(int stock, int perMemberLimit, Instant grabStartsAt, Instant grabEndsAt,
            Instant redeemStartsAt, Instant redeemEndsAt, long amountOffCents, long minSpendCents) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", "Spend " + minSpendCents / 100 + ", save " + amountOffCents / 100);
        body.put("stock", stock);
        body.put("perMemberLimit", perMemberLimit);
        body.put("grabStartsAt", grabStartsAt.toString());
        body.put("grabEndsAt", grabEndsAt.toString());
        body.put("redeemStartsAt", redeemStartsAt.toString());
        body.put("redeemEndsAt", redeemEndsAt.toString());
        body.put("discount", Map.of("type", "AMOUNT_OFF", "amountOffCents", amountOffCents, "minSpendCents", minSpendCents));
        return body;
    }

    /** A fair category's body: {@code stalls} stalls of {@code code} at {@code feeCents}. */
    public static Map<String, Object> fairCategory(String code, int stalls, long feeCents) {
        return Map.of("code", code, "name", code + " stalls", "stalls", stalls, "feeCents", feeCents);
    }

    /** A fair whose registration window is open now, for an hour. */
    public static Map<String, Object> openFair(String allocation, List<Map<String, Object>> categories) {
        Instant now = Instant.now();
        return fair(allocation, now.minusSeconds(60), now.plus(Duration.ofHours(1)), categories);
    }

    public static Map<String, Object> fair(String allocation, Instant opensAt, Instant closesAt, List<Map<String, Object>> categories) {
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

    public static Map<String, Object> registration(String category, String merchantName, boolean specialOffer) {
        return Map.of("category", category, "merchantName", merchantName, "specialOffer", specialOffer);
    }
}
