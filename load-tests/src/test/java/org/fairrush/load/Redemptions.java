package org.fairrush.load;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
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
        return exec(Retrying.newKey("p"))
                .exec(Retrying.post("redeem", session -> "/api/v1/redemptions",
                        session -> body(session, ledger.campaign().minSpendCents() + 1500), List.of(201, 409), List.of("redemptionId"),
                        maxAttempts, jmesPath("redemptionId").optional().saveAs("redemptionId")))
                .exec(session -> record(ledger, session));
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
                exec(session -> session.set("token", anyOf(merchantTokens)))
                .exec(Retrying.newKey("d"))
                .exec(Retrying.post("redeem again", session -> "/api/v1/redemptions",
                        session -> body(session, ledger.campaign().minSpendCents() + 500), List.of(409), List.of("redemptionId"),
                        maxAttempts, jmesPath("redemptionId").optional().saveAs("redemptionId")))
                .exec(session -> record(ledger, session)));
    }

    /** After the run: no voucher got two redemptions, and the sampled members' wallets show theirs as REDEEMED. */
    static ChainBuilder verify(VoucherLedger ledger, Supplier<String> adminToken, int sample) {
        return group("verify").on(
                exec(http("verify redemptions").get(session -> ledger.campaign().path())
                        .header("Authorization", session -> "Bearer " + adminToken.get())
                        .check(status().is(200), bodyString().transform(body -> String.join(",", ledger.redeemedTwice())).is("")
                                .name("no voucher redeemed twice")))
                .foreach(session -> ledger.sampleOfHolders(sample), "memberId").on(
                        exec(session -> session.set("token", ledger.token(session.getString("memberId"))))
                        .exec(Grabs.wallet("verify wallet redemptions").check(bodyString()
                                .transformWithSession((body, session) -> ledger.redeemedNotShown(session.getString("memberId"), body))
                                .is(0).name("every 201 redemption shows as REDEEMED")))));
    }

    private static Session record(VoucherLedger ledger, Session session) {
        if (Retrying.status(session) == 201) {
            ledger.redeemed(session.getString("voucherCode"), session.getString("redemptionId"));
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
