package org.fairrush.load;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ThreadLocalRandom;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * The voucher rush: members arrive on the page before the grab window opens and press "grab" within
 * {@code spreadMillis} of the opening; each grab carries an Idempotency-Key and is retried on 503 BUSY
 * with backoff; some members resend a request (replay) and some greedy ones try again with a new key.
 * Each member opens the campaign's page after signing in (-DviewCampaign=false leaves it out: every grab's
 * token is then new to the service at the opening, the worst case). After the run the invariants are
 * checked through the API.
 *
 * <p>Sizes: -Dmembers=2000 -Dstock=500 -Dlimit=1 -DopensInSeconds=15 -DspreadMillis=1000
 * -DreplayPercent=10 -DgreedyPercent=10 -DmaxAttempts=6 -DverifySample=300 -DpersistTimeoutSeconds=30;
 * gates: -DmaxErrorPercent=1 -Dp99Millis=2000.
 */
public class VoucherRushSimulation extends Simulation {

    /** A rush's sizes: system properties over the given defaults. */
    record Sizes(int members, int stock, int limit, Duration opensIn, Duration spread, double replayPercent,
            double greedyPercent, int maxAttempts, int verifySample, Duration persistTimeout, double maxErrorPercent,
            int p99Millis) {

        static Sizes of(int members, int stock, int opensInSeconds, int p99Millis) {
            return new Sizes(Settings.number("members", members), Settings.number("stock", stock),
                    Settings.number("limit", 1), Settings.seconds("opensInSeconds", opensInSeconds),
                    Duration.ofMillis(Settings.number("spreadMillis", 1000)), Settings.decimal("replayPercent", 10),
                    Settings.decimal("greedyPercent", 10), Settings.number("maxAttempts", 6),
                    Settings.number("verifySample", 300), Settings.seconds("persistTimeoutSeconds", 30),
                    Settings.decimal("maxErrorPercent", 1), Settings.number("p99Millis", p99Millis));
        }
    }

    private final Sizes sizes;
    private final String runId = Settings.runId();
    private final VoucherLedger ledger = new VoucherLedger();
    private final boolean viewCampaign = Settings.flag("viewCampaign", true);
    private volatile String adminToken;

    public VoucherRushSimulation() {
        this(Sizes.of(2000, 500, 15, 2000));
    }

    protected VoucherRushSimulation(Sizes sizes) {
        this.sizes = sizes;
        ScenarioBuilder rush = scenario("voucher rush")
                .feed(Grabs.members(runId))
                .exec(Grabs.signIn(ledger))
                .exec(doIf(session -> viewCampaign).then(Grabs.viewCampaign(ledger)))
                .exec(Grabs.waitForOpening(ledger, sizes.spread()))
                .exec(Grabs.grab(ledger, sizes.maxAttempts()))
                .exec(doIf(session -> chance(sizes.replayPercent())).then(Grabs.replay(ledger)))
                .exec(doIf(session -> chance(sizes.greedyPercent())).then(Grabs.grab(ledger, sizes.maxAttempts())));
        ScenarioBuilder verify = scenario("verify voucher rush")
                .exec(Grabs.verify(ledger, () -> adminToken, sizes.verifySample(), sizes.persistTimeout()));
        // Members arrive while the page counts down, all but the last second before the opening.
        Duration arrival = sizes.opensIn().compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(1) : sizes.opensIn().minusSeconds(1);
        setUp(rush.injectOpen(rampUsers(sizes.members()).during(arrival))
                .andThen(verify.injectOpen(atOnceUsers(1))))
                .protocols(Protocol.http(getClass().getSimpleName()))
                .assertions(
                        global().failedRequests().percent().lte(sizes.maxErrorPercent()),
                        details("grab").responseTime().percentile(99.0).lte(sizes.p99Millis()),
                        details("verify").failedRequests().count().is(0L));
    }

    @Override
    public void before() {
        adminToken = Api.token("load-admin-" + runId, "ADMIN");
        Instant opensAt = Instant.now().plus(sizes.opensIn());
        ledger.follow(Api.createCampaign(adminToken, "Load test " + getClass().getSimpleName() + " " + runId,
                sizes.stock(), sizes.limit(), opensAt, 2000, 3000));
    }

    @Override
    public void after() {
        Report.vouchers(getClass().getSimpleName(), ledger);
    }

    static boolean chance(double percent) {
        return ThreadLocalRandom.current().nextDouble(100) < percent;
    }
}
