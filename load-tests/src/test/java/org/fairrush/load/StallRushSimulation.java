package org.fairrush.load;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;

/**
 * The stall rush: two first-come fairs open for registration at the same moment: the small one of
 * the brief (64 merchants for 30 stalls) and a larger one. Merchants sign in before the opening, open the
 * fair's page (-DviewFair=false: not; every registration's token is then new to the service at the opening),
 * pick a category, register, retry on 503, some resend (replay), some try for a second stall. Afterwards the
 * stall invariants are checked through the API.
 *
 * <p>Sizes: -DsmallMerchants=64 -DsmallStalls=30 -DlargeMerchants=2000 -DlargeStalls=600
 * -DopensInSeconds=15 -DspreadMillis=1000 -DreplayPercent=10 -DsecondTryPercent=10 -DmaxAttempts=6
 * -DverifySample=300 -DpersistTimeoutSeconds=30; gates: -DmaxErrorPercent=1 -Dp99Millis=2000.
 */
public class StallRushSimulation extends Simulation {

    private final Duration opensIn = Settings.seconds("opensInSeconds", 15);
    private final Duration spread = Duration.ofMillis(Settings.number("spreadMillis", 1000));
    private final double replayPercent = Settings.decimal("replayPercent", 10);
    private final double secondTryPercent = Settings.decimal("secondTryPercent", 10);
    private final int maxAttempts = Settings.number("maxAttempts", 6);
    private final boolean viewFair = Settings.flag("viewFair", true);
    private final int verifySample = Settings.number("verifySample", 300);
    private final Duration persistTimeout = Settings.seconds("persistTimeoutSeconds", 30);

    private final String runId = Settings.runId();
    private final Fair small = new Fair("small fair", Settings.number("smallMerchants", 64), Settings.number("smallStalls", 30));
    private final Fair large = new Fair("large fair", Settings.number("largeMerchants", 2000), Settings.number("largeStalls", 600));
    private volatile String adminToken;

    {
        setUp(small.population(), large.population())
                .protocols(Protocol.http(getClass().getSimpleName()))
                .assertions(
                        global().failedRequests().percent().lte(Settings.decimal("maxErrorPercent", 1)),
                        details("register").responseTime().percentile(99.0).lte(Settings.number("p99Millis", 2000)),
                        details("verify").failedRequests().count().is(0L));
    }

    @Override
    public void before() {
        adminToken = Api.token("load-admin-" + runId, "ADMIN");
        Instant opensAt = Instant.now().plus(opensIn);
        small.open(opensAt);
        large.open(opensAt);
    }

    @Override
    public void after() {
        Report.stalls(getClass().getSimpleName() + " " + small.name, small.ledger);
        Report.stalls(getClass().getSimpleName() + " " + large.name, large.ledger);
    }

    /** One fair of the run, its merchants and its ledger. */
    private final class Fair {

        final String name;
        final int merchants;
        final int stalls;
        final StallLedger ledger = new StallLedger();

        Fair(String name, int merchants, int stalls) {
            this.name = name;
            this.merchants = merchants;
            this.stalls = stalls;
        }

        void open(Instant opensAt) {
            ledger.follow(Api.createFair(adminToken, "Load test " + name + " " + runId, categories(stalls), opensAt));
        }

        PopulationBuilder population() {
            ScenarioBuilder rush = scenario(name + " rush")
                    .feed(Stalls.merchants("s-" + runId + "-" + (name.startsWith("small") ? "a" : "b")))
                    .exec(Stalls.signIn(ledger))
                    .exec(doIf(session -> viewFair).then(Stalls.viewFair(ledger)))
                    .exec(Stalls.chooseCategory(ledger))
                    .exec(Stalls.waitForOpening(ledger, spread))
                    .exec(Stalls.register(ledger, maxAttempts))
                    .exec(doIf(session -> chance(replayPercent)).then(Stalls.replay(ledger)))
                    .exec(doIf(session -> chance(secondTryPercent))
                            .then(Stalls.chooseOtherCategory(ledger).exec(Stalls.register(ledger, maxAttempts))));
            ScenarioBuilder verify = scenario("verify " + name).exec(Stalls.verify(ledger, () -> adminToken, verifySample, persistTimeout));
            Duration arrival = opensIn.compareTo(Duration.ofSeconds(3)) < 0 ? Duration.ofSeconds(1) : opensIn.minusSeconds(2);
            return rush.injectOpen(rampUsers(merchants).during(arrival)).andThen(verify.injectOpen(atOnceUsers(1)));
        }
    }

    /** Three categories sharing the stalls 40/35/25, like the food, craft and service rows of a fair hall. */
    static Map<String, Integer> categories(int stalls) {
        int food = Math.max(1, stalls * 40 / 100);
        int craft = Math.max(1, stalls * 35 / 100);
        Map<String, Integer> categories = new LinkedHashMap<>();
        categories.put("FOOD", food);
        categories.put("CRAFT", craft);
        categories.put("SERVICES", Math.max(1, stalls - food - craft));
        return categories;
    }

    private static boolean chance(double percent) {
        return VoucherRushSimulation.chance(percent);
    }
}
