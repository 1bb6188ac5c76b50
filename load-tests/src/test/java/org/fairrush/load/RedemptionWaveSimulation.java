package org.fairrush.load;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The redemption wave of a fair morning: members grab the vouchers of an open campaign, then customers
 * bring them to the stalls' tills in a wave. Some tills ring up an order below the threshold first, some
 * resend, some customers try the same voucher at a second stall. Afterwards: stock and persistence as
 * in the voucher rush, no voucher redeemed twice without a refund between, wallets show REDEEMED (ISSUED again
 * after a refund), and the settlement's totals are the redemptions and refunds the tills were answered. Some tills
 * refund a redemption within the refund window while the customer is already at another till with the voucher, so
 * refunds race redemptions. The campaign has coupon rules
 * (docs/design.md section 7.1): a daily cap below the number of members, so the wave also checks that no day
 * granted more than its cap, that DAILY_SOLD_OUT came only once the day's cap was granted, and that it was never
 * answered as SOLD_OUT (the stock outlasts the day); and a validity of a few days from the grab.
 *
 * <p>Sizes: -Dmembers=1000 -Dmerchants=20 -DgrabSeconds=10 -DwaveSeconds=20 -DbelowPercent=5
 * -DreplayPercent=10 -DsecondStallPercent=5 -DrefundPercent=10 -DmaxAttempts=6 -DverifySample=300 -DpersistTimeoutSeconds=30
 * -DdailyPercent=80 (the daily cap as a share of the members) -DvalidityDays=3;
 * gates: -DmaxErrorPercent=1 -Dp99Millis=2000.
 */
public class RedemptionWaveSimulation extends Simulation {

    private static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    private final int members = Settings.number("members", 1000);
    private final int merchants = Settings.number("merchants", 20);
    private final int maxAttempts = Settings.number("maxAttempts", 6);
    private final int verifySample = Settings.number("verifySample", 300);
    private final String runId = Settings.runId();
    private final VoucherLedger ledger = new VoucherLedger();
    private final AtomicInteger returningInside = new AtomicInteger();
    private final int dailyStock = Math.max(1, members * Settings.number("dailyPercent", 80) / 100);
    private volatile LocalDate firstDay;
    private volatile String adminToken;
    private volatile List<String> merchantTokens = List.of();

    {
        double belowPercent = Settings.decimal("belowPercent", 5);
        double replayPercent = Settings.decimal("replayPercent", 10);
        double secondStallPercent = Settings.decimal("secondStallPercent", 5);
        double refundPercent = Settings.decimal("refundPercent", 10);
        ScenarioBuilder grab = scenario("members grab")
                .feed(Grabs.members(runId))
                .exec(Grabs.signIn(ledger))
                .exec(Grabs.grab(ledger, maxAttempts));
        ScenarioBuilder wave = scenario("redemption wave")
                .exec(Redemptions.nextCustomer(ledger, tokens()))
                .exec(doIf(Redemptions::hasCustomer).then(
                        doIf(session -> VoucherRushSimulation.chance(belowPercent)).then(Redemptions.belowThreshold(ledger, maxAttempts))
                        .exec(Redemptions.redeem(ledger, maxAttempts))
                        .exec(doIf(session -> VoucherRushSimulation.chance(replayPercent)).then(Redemptions.replay(ledger)))
                        .exec(session -> session.set("refunding", VoucherRushSimulation.chance(refundPercent)))
                        .exec(doIf(session -> session.getBoolean("refunding")).then(Redemptions.refund(ledger, maxAttempts)))
                        .exec(doIf(session -> !session.getBoolean("refunding") && VoucherRushSimulation.chance(secondStallPercent))
                                .then(Redemptions.secondStall(ledger, tokens(), maxAttempts)))));
        // Customers whose redemption is being refunded, at another till at once: their redemption races the refund.
        ScenarioBuilder returning = scenario("returning customers")
                .exec(session -> {
                    returningInside.incrementAndGet();
                    return session;
                })
                .exec(Redemptions.returningCustomer(ledger, tokens(), maxAttempts, 20))
                .exec(session -> {
                    returningInside.decrementAndGet();
                    return session;
                });
        ScenarioBuilder verify = scenario("verify redemption wave")
                .exec(session -> session.set("deadline", System.currentTimeMillis() + 30_000))
                .asLongAs(session -> returningInside.get() > 0 && System.currentTimeMillis() < session.getLong("deadline"))
                .on(pause(Duration.ofMillis(200)))
                .exec(Grabs.verify(ledger, () -> adminToken, verifySample, Settings.seconds("persistTimeoutSeconds", 30)))
                .exec(Redemptions.verify(ledger, () -> adminToken, verifySample))
                .exec(dailyCapHeld());
        Duration waveSeconds = Settings.seconds("waveSeconds", 20);
        int returningCustomers = Math.max(1, (int) Math.ceil(members * refundPercent / 100 * 1.5));
        setUp(grab.injectOpen(rampUsers(members).during(Settings.seconds("grabSeconds", 10)))
                .andThen(wave.injectOpen(rampUsers(members).during(waveSeconds))
                                .andThen(verify.injectOpen(atOnceUsers(1))),
                        returning.injectOpen(rampUsers(returningCustomers).during(waveSeconds))))
                .protocols(Protocol.http(getClass().getSimpleName()))
                .assertions(
                        global().failedRequests().percent().lte(Settings.decimal("maxErrorPercent", 1)),
                        details("redeem").responseTime().percentile(99.0).lte(Settings.number("p99Millis", 2000)),
                        details("refund").responseTime().percentile(99.0).lte(Settings.number("p99Millis", 2000)),
                        details("verify").failedRequests().count().is(0L));
    }

    /**
     * The daily cap held: the campaign kept it, no day granted more (the grab phase may span a midnight in Shanghai),
     * DAILY_SOLD_OUT was answered only once a day's cap was granted, and SOLD_OUT never (the stock outlasts the days).
     */
    private ChainBuilder dailyCapHeld() {
        return group("verify").on(exec(http("verify daily cap").get(session -> ledger.campaign().path())
                .header("Authorization", session -> "Bearer " + adminToken)
                .check(status().is(200), jmesPath("dailyStock").ofInt().is(dailyStock).name("the campaign has its daily cap"),
                        bodyString().transform(body -> (long) ledger.distinctGranted()).lte(session -> (long) dailyStock * days())
                                .name("no day granted more than dailyStock"),
                        bodyString().transform(body -> ledger.outcomes().getOrDefault("DAILY_SOLD_OUT", 0L) == 0
                                        || ledger.distinctGranted() >= dailyStock)
                                .is(true).name("DAILY_SOLD_OUT only once a day's cap was granted"),
                        bodyString().transform(body -> ledger.outcomes().getOrDefault("SOLD_OUT", 0L)).is(0L)
                                .name("a day's cap gone is never answered SOLD_OUT"))));
    }

    /** The calendar days in Shanghai the run has touched so far. */
    private long days() {
        return ChronoUnit.DAYS.between(firstDay, LocalDate.now(SHANGHAI)) + 1;
    }

    /** The merchants' tokens, issued in before(): read lazily, since the scenario is built before that. */
    private List<String> tokens() {
        return new LazyList(() -> merchantTokens);
    }

    @Override
    public void before() {
        adminToken = Api.token("load-admin-" + runId, "ADMIN");
        merchantTokens = Api.tokens("till-" + runId + "-", "MERCHANT", merchants);
        firstDay = LocalDate.now(SHANGHAI);
        ledger.follow(Api.createCampaign(adminToken, "Load test redemption wave " + runId, members, 1,
                Instant.now().minus(Duration.ofSeconds(1)), 2000, 3000, Map.of("zone", SHANGHAI.getId(), "dailyStock", dailyStock,
                        "validity", Map.of("days", Settings.number("validityDays", 3)))));
    }

    @Override
    public void after() {
        Report.vouchers(getClass().getSimpleName(), ledger);
    }
}
