package org.fairrush.load;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The till's side: a customer shows a voucher grabbed earlier, a merchant redeems it (retrying on 503
 * BUSY while the voucher is still being stored); some tills first ring up an order below the threshold,
 * some resend the request, some customers try the same voucher at a second stall.
 */
final class Redemptions {

    private Redemptions() {
    }

    /** Takes the next granted voucher not yet shown at a till; {@code voucherCode} stays absent when none is left. */
    static ChainBuilder nextCustomer(VoucherLedger ledger, List<String> merchantTokens) {
        return exec(session -> {
            VoucherLedger.Voucher voucher = ledger.nextToRedeem();
            Session next = session.remove("voucherCode");
            return voucher == null ? next : next.set("voucherCode", voucher.code()).set("voucherMemberId", voucher.memberId())
                    .set("token", anyOf(merchantTokens));
        });
    }

    static boolean hasCustomer(Session session) {
        return session.contains("voucherCode");
    }

    /** An order below the voucher's minimum spend: refused with 422 BELOW_THRESHOLD, and nothing changes. */
    static ChainBuilder belowThreshold(VoucherLedger ledger, int maxAttempts) {
        return exec(Retrying.newKey("b"))
                .exec(Retrying.post("redeem below threshold", session -> "/api/v1/redemptions",
                        session -> body(session, Math.max(1, ledger.campaign().minSpendCents() - 1)), List.of(422), List.of(),
                        maxAttempts))
                .exec(session -> {
                    ledger.outcome("below threshold " + Retrying.outcome(session, "REDEEMED"));
                    return session;
                });
    }

    static ChainBuilder redeem(VoucherLedger ledger, int maxAttempts) {
        return exec(session -> session.set("orderCents", ledger.campaign().minSpendCents() + 1500).set("tillToken", session.getString("token")))
                .exec(Retrying.newKey("p"))
                .exec(Retrying.post("redeem", session -> "/api/v1/redemptions",
                        session -> body(session, session.getLong("orderCents")), List.of(201, 409), List.of("redemptionId"),
                        maxAttempts, jmesPath("redemptionId").optional().saveAs("redemptionId")))
                .exec(session -> record(ledger, session));
    }

    /**
     * The till that redeemed the voucher refunds it (the customer returned the goods) while the customer is already on
     * the way to another till with it ({@link #returningCustomer}): the refund races that redemption. A replay of the
     * refund answers the same refund.
     */
    static ChainBuilder refund(VoucherLedger ledger, int maxAttempts) {
        return doIf(session -> Retrying.status(session) == 201 && session.contains("redemptionId")).then(
                exec(session -> {
                    ledger.comesBack(session.getString("voucherCode"));
                    return session.set("token", session.getString("tillToken")).set("refunded", session.getString("redemptionId"));
                })
                .exec(Retrying.newKey("f"))
                .exec(Retrying.post("refund", session -> "/api/v1/redemptions/" + session.getString("refunded") + "/refund", null,
                        List.of(200), List.of("refundStatus"), maxAttempts, jmesPath("status").optional().saveAs("refundStatus")))
                .exec(session -> {
                    if (Retrying.status(session) == 200 && "REFUNDED".equals(session.getString("refundStatus"))) {
                        ledger.refunded(session.getString("voucherCode"), session.getString("refunded"));
                    }
                    ledger.outcome("refund " + Retrying.outcome(session, "REFUNDED"));
                    return session;
                })
                .exec(doIf(session -> VoucherRushSimulation.chance(20)).then(http("refund replay")
                        .post(session -> "/api/v1/redemptions/" + session.getString("refunded") + "/refund")
                        .header("Authorization", "Bearer #{token}")
                        .check(status().is(200), jmesPath("status").is("REFUNDED"), header("Idempotent-Replayed").is("true")))));
    }

    /**
     * A customer whose redemption is being refunded brings the voucher to another till: 409 ALREADY_REDEEMED while the
     * refund has not happened yet (tries again a moment later, up to {@code patience} times), 201 once it has.
     * Waits a few seconds for such a customer; leaves when none comes.
     */
    static ChainBuilder returningCustomer(VoucherLedger ledger, List<String> merchantTokens, int maxAttempts, int patience) {
        return exec(session -> session.set("waited", 0).remove("voucherCode"))
                .asLongAs(session -> !hasCustomer(session) && session.getInt("waited") < 40).on(
                        exec(session -> {
                            VoucherLedger.Voucher voucher = ledger.nextReturning();
                            return voucher == null ? session.set("waited", session.getInt("waited") + 1)
                                    : session.set("voucherCode", voucher.code()).set("token", anyOf(merchantTokens)).set("tries", 0);
                        })
                        .doIf(session -> !hasCustomer(session)).then(pause(Duration.ofMillis(250))))
                .doIf(Redemptions::hasCustomer).then(
                        asLongAs(session -> session.getInt("tries") == 0 || (Retrying.status(session) == 409
                                && "ALREADY_REDEEMED".equals(session.getString("answerCode")) && session.getInt("tries") < patience)).on(
                                exec(session -> session.set("orderCents", ledger.campaign().minSpendCents() + 800)
                                        .set("tries", session.getInt("tries") + 1))
                                .exec(Retrying.newKey("c"))
                                .exec(Retrying.post("redeem returned", session -> "/api/v1/redemptions",
                                        session -> body(session, session.getLong("orderCents")), List.of(201, 409), List.of("redemptionId"),
                                        maxAttempts, jmesPath("redemptionId").optional().saveAs("redemptionId")))
                                .doIf(session -> Retrying.status(session) == 409).then(pause(Duration.ofMillis(100), Duration.ofMillis(300))))
                        .exec(session -> {
                            if (Retrying.status(session) == 201) {
                                ledger.redeemed(session.getString("voucherCode"), session.getString("redemptionId"), session.getLong("orderCents"));
                            }
                            ledger.outcome("redeem returned " + Retrying.outcome(session, "REDEEMED"));
                            return session;
                        }));
    }

    static ChainBuilder replay(VoucherLedger ledger) {
        return doIf(session -> Retrying.status(session) == 201).then(exec(http("redeem replay").post("/api/v1/redemptions")
                .header("Authorization", "Bearer #{token}")
                .header("Idempotency-Key", "#{" + Retrying.KEY + "}")
                .body(StringBody(session -> body(session, ledger.campaign().minSpendCents() + 1500))).asJson()
                .check(status().is(201), jmesPath("redemptionId").isEL("#{redemptionId}").name("replay answers the first redemption"))));
    }

    /** The same voucher at another till, with a new key: 409 ALREADY_REDEEMED. A 201 here is caught by verify. */
    static ChainBuilder secondStall(VoucherLedger ledger, List<String> merchantTokens, int maxAttempts) {
        return doIf(session -> Retrying.status(session) == 201).then(
                exec(session -> session.set("token", anyOf(merchantTokens)).set("orderCents", ledger.campaign().minSpendCents() + 500))
                .exec(Retrying.newKey("d"))
                .exec(Retrying.post("redeem again", session -> "/api/v1/redemptions",
                        session -> body(session, session.getLong("orderCents")), List.of(409), List.of("redemptionId"),
                        maxAttempts, jmesPath("redemptionId").optional().saveAs("redemptionId")))
                .exec(session -> record(ledger, session)));
    }

    /**
     * After the run: no voucher redeemed twice without a refund between, the settlement's totals (read from Postgres)
     * are the redemptions, refunds, orders and discounts the tills were answered, and the sampled members' wallets show
     * each redeemed voucher as REDEEMED (ISSUED again when refunded).
     */
    static ChainBuilder verify(VoucherLedger ledger, Supplier<String> adminToken, int sample) {
        return group("verify").on(
                exec(http("verify redemptions").get(session -> ledger.campaign().path())
                        .header("Authorization", session -> "Bearer " + adminToken.get())
                        .check(status().is(200), bodyString().transform(body -> String.join(",", ledger.redeemedTwiceWithoutRefund())).is("")
                                .name("no voucher redeemed twice without a refund between")))
                .exec(http("verify settlement").get(session -> ledger.campaign().path() + "/settlement")
                        .header("Authorization", session -> "Bearer " + adminToken.get())
                        .header("Accept", "application/json")
                        .check(status().is(200),
                                bodyString().transform(body -> settlementDisagreement(ledger, body)).is("")
                                        .name("settlement totals equal the redemption rows the tills were answered")))
                .foreach(session -> ledger.sampleOfHolders(sample), "memberId").on(
                        exec(session -> session.set("token", ledger.token(session.getString("memberId"))))
                        .exec(Grabs.wallet("verify wallet redemptions").check(bodyString()
                                .transformWithSession((body, session) -> ledger.redeemedNotShown(session.getString("memberId"), body))
                                .is(0).name("every 201 redemption shows as REDEEMED")))));
    }

    /** Empty when the settlement's merchant lines sum to its totals and the totals are what this run's tills saw. */
    static String settlementDisagreement(VoucherLedger ledger, String settlementJson) {
        com.fasterxml.jackson.databind.JsonNode settlement = Api.parse(settlementJson);
        com.fasterxml.jackson.databind.JsonNode totals = settlement.path("totals");
        Map<String, Long> lines = new java.util.TreeMap<>();
        for (com.fasterxml.jackson.databind.JsonNode merchant : settlement.path("merchants")) {
            for (String field : List.of("redemptions", "refunds", "orderAmountCents", "discountCents", "payableCents")) {
                lines.merge(field, merchant.path(field).asLong(), Long::sum);
            }
        }
        Map<String, Long> expected = Map.of("redemptions", ledger.redemptionCount(), "refunds", ledger.refundCount(),
                "orderAmountCents", ledger.standingOrderCents(), "discountCents", ledger.standingCount() * ledger.campaign().amountOffCents(),
                "payableCents", ledger.standingOrderCents() - ledger.standingCount() * ledger.campaign().amountOffCents());
        List<String> broken = new java.util.ArrayList<>();
        expected.forEach((field, value) -> {
            long total = totals.path(field).asLong(-1);
            if (total != value || lines.getOrDefault(field, 0L) != total) {
                broken.add(field + ": totals " + total + ", lines " + lines.getOrDefault(field, 0L) + ", tills saw " + value);
            }
        });
        java.util.Collections.sort(broken);
        return String.join("; ", broken);
    }

    private static Session record(VoucherLedger ledger, Session session) {
        if (Retrying.status(session) == 201) {
            ledger.redeemed(session.getString("voucherCode"), session.getString("redemptionId"), session.getLong("orderCents"));
        }
        ledger.outcome("redeem " + Retrying.outcome(session, "REDEEMED"));
        return session;
    }

    private static String body(Session session, long orderAmountCents) {
        return "{\"voucherCode\":\"" + session.getString("voucherCode") + "\",\"orderAmountCents\":" + orderAmountCents + "}";
    }

    private static String anyOf(List<String> tokens) {
        return tokens.get(ThreadLocalRandom.current().nextInt(tokens.size()));
    }
}
