package org.fairrush.load;

import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.gatling.javaapi.core.ChainBuilder;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.foreach;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The member's side of a voucher rush as named chain steps: sign in, wait for the window, grab (with
 * retries on 503 BUSY, honouring Retry-After with exponential backoff and jitter), replay, and the
 * checks after the run.
 */
final class Grabs {

    private Grabs() {
    }

    /** Members m-&lt;run&gt;-1, m-&lt;run&gt;-2, ...: a feeder that never runs dry. */
    static Iterator<Map<String, Object>> members(String runId) {
        AtomicInteger next = new AtomicInteger();
        return Stream.generate(() -> Map.<String, Object>of("memberId", "m-" + runId + "-" + next.incrementAndGet())).iterator();
    }

    static ChainBuilder signIn(VoucherLedger ledger) {
        return exec(http("sign in").post(Settings.tokenUrl())
                .body(StringBody("{\"subject\":\"#{memberId}\",\"roles\":[\"MEMBER\"]}")).asJson()
                .check(status().is(200), jmesPath("token").saveAs("token")))
                .exec(session -> {
                    ledger.signedIn(session.getString("memberId"), session.getString("token"));
                    return session;
                });
    }

    /**
     * The member opens the campaign's page with its token while the page counts down (stock left, the
     * window): the phone's connection is open and the token verified before the opening, as in the
     * mini-program, and a member who grabs sends a token the service has seen.
     */
    static ChainBuilder viewCampaign(VoucherLedger ledger) {
        return exec(http("campaign page").get(session -> ledger.campaign().path())
                .header("Authorization", "Bearer #{token}").check(status().is(200)));
    }

    /** Members are on the page before the window opens and press the button within {@code spread} of it. */
    static ChainBuilder waitForOpening(VoucherLedger ledger, Duration spread) {
        return pause(session -> {
            long untilOpen = ledger.campaign().opensAt().toEpochMilli() - System.currentTimeMillis();
            long jitter = spread.isZero() ? 0 : ThreadLocalRandom.current().nextLong(spread.toMillis());
            return Duration.ofMillis(Math.max(0, untilOpen) + jitter);
        });
    }

    /**
     * One grab with a fresh Idempotency-Key, retried with the same key while the answer is 503 BUSY.
     * The final outcome goes to the ledger: GRANTED (voucher id and code), the refusal's problem code,
     * or GAVE_UP_BUSY after {@code maxAttempts}.
     */
    static ChainBuilder grab(VoucherLedger ledger, int maxAttempts) {
        return exec(Retrying.newKey("g"))
                .exec(Retrying.post("grab", session -> ledger.campaign().path() + "/grabs", null, List.of(201, 409),
                        List.of("voucherId"), maxAttempts, jmesPath("voucherId").optional().saveAs("voucherId")))
                .exec(session -> {
                    if (Retrying.status(session) == 201) {
                        ledger.granted(session.getString("memberId"), session.getString("voucherId"), session.getString("answerCode"));
                    }
                    String outcome = Retrying.outcome(session, "GRANTED");
                    if (outcome.equals("GAVE_UP_BUSY")) {
                        ledger.gaveUp(session.getString("memberId"), session.getString(Retrying.KEY));
                    }
                    ledger.outcome(outcome);
                    return session;
                });
    }

    /**
     * The members who gave up on a busy service come back after the rush and send their grab again with the same key,
     * as the mini-program does when it is opened again: a 503 may hide a claim the script made while its caller timed
     * out (a Redis command slower than the client's timeout on an overloaded machine); the replay answers it once it is
     * stored (201), or makes the grab now. Retried while busy until {@code persistTimeout}; outcomes "GAVE_UP_BUSY then ...".
     */
    static ChainBuilder resolveGivenUp(VoucherLedger ledger, Duration persistTimeout) {
        return foreach(session -> ledger.gaveUp(), "givenUp").on(
                exec(session -> {
                    String[] memberAndKey = session.getString("givenUp").split("\n");
                    return session.set("memberId", memberAndKey[0]).set(Retrying.KEY, memberAndKey[1])
                            .set("token", ledger.token(memberAndKey[0]))
                            .set("deadline", System.currentTimeMillis() + persistTimeout.toMillis()).set(Retrying.STATUS, 503);
                })
                .asLongAs(session -> Retrying.retryable(session) && System.currentTimeMillis() < session.getLong("deadline")).on(
                        exec(session -> session.removeAll(Retrying.STATUS, "answerCode", "voucherId"))
                        .exec(http("grab again after giving up").post(session -> ledger.campaign().path() + "/grabs")
                                .header("Authorization", "Bearer #{token}").header("Idempotency-Key", "#{" + Retrying.KEY + "}")
                                .check(status().in(201, 409, 503).saveAs(Retrying.STATUS), jmesPath("code").optional().saveAs("answerCode"),
                                        jmesPath("voucherId").optional().saveAs("voucherId")))
                        .doIf(Retrying::retryable).then(pause(Duration.ofMillis(500))))
                .exec(session -> {
                    if (Retrying.status(session) == 201) {
                        ledger.granted(session.getString("memberId"), session.getString("voucherId"), session.getString("answerCode"));
                    }
                    ledger.outcome("GAVE_UP_BUSY then " + Retrying.outcome(session, "GRANTED"));
                    return session;
                }));
    }

    /** The same request again, as a flaky network would send it: same key, same voucher, nothing new. */
    static ChainBuilder replay(VoucherLedger ledger) {
        return doIfGranted(exec(http("grab replay")
                .post(session -> ledger.campaign().path() + "/grabs")
                .header("Authorization", "Bearer #{token}")
                .header("Idempotency-Key", "#{" + Retrying.KEY + "}")
                .check(status().is(201),
                        header("Idempotent-Replayed").is("true"),
                        jmesPath("voucherId").isEL("#{voucherId}").name("replay answers the first voucher"))));
    }

    /**
     * After the run, through the API (once the members who gave up on a busy service asked again,
     * {@link #resolveGivenUp}): claims never exceed stock and match the 201s seen, no member
     * holds more than the limit, and every 201 voucher reaches Postgres (each sampled member's wallet is
     * polled until it holds all of them or {@code persistTimeout} passes).
     */
    static ChainBuilder verify(VoucherLedger ledger, Supplier<String> adminToken, int sample, Duration persistTimeout) {
        return group("verify").on(
                exec(resolveGivenUp(ledger, persistTimeout))
                .exec(http("verify stock").get(session -> ledger.campaign().path())
                        .header("Authorization", session -> "Bearer " + adminToken.get())
                        .check(status().is(200),
                                jmesPath("remaining").ofLong().gte(0L).name("remaining >= 0"),
                                jmesPath("remaining").ofLong().transform(remaining -> ledger.campaign().stock() - remaining)
                                        .is(session -> (long) ledger.distinctGranted())
                                        .name("stock - remaining == distinct 201 vouchers"),
                                bodyString().transform(body -> ledger.mostVouchersOfOneMember())
                                        .lte(session -> ledger.campaign().perMemberLimit())
                                        .name("no member got more 201 vouchers than the limit")))
                .foreach(session -> ledger.sampleOfHolders(sample), "memberId").on(
                        exec(session -> session.set("token", ledger.token(session.getString("memberId")))
                                .set("missing", -1)
                                .set("deadline", System.currentTimeMillis() + persistTimeout.toMillis()))
                        .asLongAs(session -> session.getInt("missing") != 0
                                && System.currentTimeMillis() < session.getLong("deadline")).on(
                                exec(wallet("wallet until persisted")
                                        .check(bodyString().transformWithSession(
                                                (body, session) -> ledger.missingFromWallet(session.getString("memberId"), body))
                                                .saveAs("missing")))
                                .doIf(session -> session.getInt("missing") != 0).then(pause(Duration.ofMillis(250))))
                        .exec(wallet("verify wallet")
                                .check(bodyString().transformWithSession(
                                                (body, session) -> ledger.missingFromWallet(session.getString("memberId"), body))
                                                .is(0).name("every 201 voucher is in Postgres"),
                                        bodyString().transform(ledger::walletCount)
                                                .lte(session -> ledger.campaign().perMemberLimit()).name("wallet within limit")))));
    }

    static io.gatling.javaapi.http.HttpRequestActionBuilder wallet(String name) {
        return http(name).get("/api/v1/me/vouchers").header("Authorization", "Bearer #{token}").check(status().is(200));
    }

    static ChainBuilder doIfGranted(ChainBuilder chain) {
        return doIf(session -> Retrying.status(session) == 201).then(chain);
    }

}
