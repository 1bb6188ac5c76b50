package org.fairrush.load;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

/**
 * The redemption wave of a fair morning: members grab the vouchers of an open campaign, then customers
 * bring them to the stalls' tills in a wave. Some tills ring up an order below the threshold first, some
 * resend, some customers try the same voucher at a second stall. Afterwards: stock and persistence as
 * in the voucher rush, no voucher redeemed twice, wallets show REDEEMED.
 *
 * <p>Sizes: -Dmembers=1000 -Dmerchants=20 -DgrabSeconds=10 -DwaveSeconds=20 -DbelowPercent=5
 * -DreplayPercent=10 -DsecondStallPercent=5 -DmaxAttempts=6 -DverifySample=300 -DpersistTimeoutSeconds=30;
 * gates: -DmaxErrorPercent=1 -Dp99Millis=2000.
 */
public class RedemptionWaveSimulation extends Simulation {

    private final int members = Settings.number("members", 1000);
    private final int merchants = Settings.number("merchants", 20);
    private final int maxAttempts = Settings.number("maxAttempts", 6);
    private final int verifySample = Settings.number("verifySample", 300);
    private final String runId = Settings.runId();
    private final VoucherLedger ledger = new VoucherLedger();
    private volatile String adminToken;
    private volatile List<String> merchantTokens = List.of();

    {
        double belowPercent = Settings.decimal("belowPercent", 5);
        double replayPercent = Settings.decimal("replayPercent", 10);
        double secondStallPercent = Settings.decimal("secondStallPercent", 5);
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
                        .exec(doIf(session -> VoucherRushSimulation.chance(secondStallPercent))
                                .then(Redemptions.secondStall(ledger, tokens(), maxAttempts)))));
        ScenarioBuilder verify = scenario("verify redemption wave")
                .exec(Grabs.verify(ledger, () -> adminToken, verifySample, Settings.seconds("persistTimeoutSeconds", 30)))
                .exec(Redemptions.verify(ledger, () -> adminToken, verifySample));
        setUp(grab.injectOpen(rampUsers(members).during(Settings.seconds("grabSeconds", 10)))
                .andThen(wave.injectOpen(rampUsers(members).during(Settings.seconds("waveSeconds", 20)))
                        .andThen(verify.injectOpen(atOnceUsers(1)))))
                .protocols(Protocol.http(getClass().getSimpleName()))
                .assertions(
                        global().failedRequests().percent().lte(Settings.decimal("maxErrorPercent", 1)),
                        details("redeem").responseTime().percentile(99.0).lte(Settings.number("p99Millis", 2000)),
                        details("verify").failedRequests().count().is(0L));
    }

    /** The merchants' tokens, issued in before(): read lazily, since the scenario is built before that. */
    private List<String> tokens() {
        return new LazyList(() -> merchantTokens);
    }

    @Override
    public void before() {
        adminToken = Api.token("load-admin-" + runId, "ADMIN");
        merchantTokens = Api.tokens("till-" + runId + "-", "MERCHANT", merchants);
        ledger.follow(Api.createCampaign(adminToken, "Load test redemption wave " + runId, members, 1,
                Instant.now().minus(Duration.ofSeconds(1)), 2000, 3000));
    }

    @Override
    public void after() {
        Report.vouchers(getClass().getSimpleName(), ledger);
    }
}
