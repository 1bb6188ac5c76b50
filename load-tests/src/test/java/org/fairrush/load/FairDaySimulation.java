package org.fairrush.load;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.atOnceUsers;
import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.global;
import static io.gatling.javaapi.core.CoreDsl.nothingFor;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.core.CoreDsl.rampUsers;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * A whole fair day at steady rates, everything at once: members browse campaigns and fairs, grab
 * vouchers of the day's campaign (limit 2), merchants register for the next fair's stalls, and tills
 * redeem the vouchers grabbed earlier in the day. A second fair offers its freed stalls (waitlist OFFER): its merchants
 * register, some holders give their stall back, some of the waiting leave, and the offered accept or decline
 * ({@link Offers}). Afterwards every feature's invariants are checked.
 *
 * <p>Sizes: -DdurationSeconds=60 -DbrowseRate=20 -DgrabRate=10 -DregisterRate=2 -DredeemRate=5
 * -Dstock=3000 -Dlimit=2 -Dstalls=200 -Dmerchants=20 -DverifySample=300 -DpersistTimeoutSeconds=30;
 * the offering fair: -DofferStalls=10 -DofferMerchants=40 -DcancelPercent=50 -DleavePercent=10 -DdeclinePercent=30;
 * -Dstalls.enabled=false leaves out the fairs (until the stall feature is deployed), -Doffers.enabled=false the
 * offering one; gates:
 * -DmaxErrorPercent=1 -Dp99Millis=1000.
 */
public class FairDaySimulation extends Simulation {

    private final boolean withStalls = Settings.flag("stalls.enabled", true);
    private final int maxAttempts = Settings.number("maxAttempts", 6);
    private final int verifySample = Settings.number("verifySample", 300);
    private final Duration persistTimeout = Settings.seconds("persistTimeoutSeconds", 30);
    private final String runId = Settings.runId();
    private final VoucherLedger vouchers = new VoucherLedger();
    private final StallLedger stalls = new StallLedger();
    private final OfferLedger offers = new OfferLedger();
    private final boolean withOffers = withStalls && Settings.flag("offers.enabled", true);
    private final int offerMerchants = Settings.number("offerMerchants", 40);
    private final AtomicInteger visitorsInside = new AtomicInteger();
    private volatile String adminToken;
    private volatile List<String> browserTokens = List.of();
    private volatile List<String> tillTokens = List.of();

    {
        Duration day = Settings.seconds("durationSeconds", 60);
        List<PopulationBuilder> crowd = new ArrayList<>();
        crowd.add(browse().injectOpen(constantUsersPerSec(Settings.decimal("browseRate", 20)).during(day)));
        crowd.add(grab().injectOpen(constantUsersPerSec(Settings.decimal("grabRate", 10)).during(day)));
        crowd.add(redeem().injectOpen(nothingFor(Duration.ofSeconds(5)),
                constantUsersPerSec(Settings.decimal("redeemRate", 5)).during(day.minusSeconds(5))));
        if (withStalls) {
            crowd.add(register().injectOpen(constantUsersPerSec(Settings.decimal("registerRate", 2)).during(day)));
        }
        if (withOffers) {
            crowd.add(visitor("offer fair merchants", exec(session -> session).feed(Offers.merchants("o-" + runId))
                    .exec(Offers.merchantDay(offers, offerMerchants, day, Settings.decimal("cancelPercent", 50),
                            Settings.decimal("leavePercent", 10), Settings.decimal("declinePercent", 30), maxAttempts)))
                    .injectOpen(rampUsers(offerMerchants).during(Duration.ofSeconds(3))));
        }
        ScenarioBuilder verify = scenario("verify fair day")
                .exec(untilTheCrowdLeft())
                .exec(Grabs.verify(vouchers, () -> adminToken, verifySample, persistTimeout))
                .exec(Redemptions.verify(vouchers, () -> adminToken, verifySample))
                .exec(withStalls ? Stalls.verify(stalls, () -> adminToken, verifySample, persistTimeout) : exec(session -> session))
                .exec(withOffers ? Offers.verify(offers, () -> adminToken, persistTimeout) : exec(session -> session));
        // The crowd's groups run side by side; verify starts after the last arrival, once every visitor has left.
        crowd.add(verify.injectOpen(nothingFor(day.plusSeconds(1)), atOnceUsers(1)));
        setUp(crowd)
                .protocols(Protocol.http(getClass().getSimpleName()))
                .assertions(
                        global().failedRequests().percent().lte(Settings.decimal("maxErrorPercent", 1)),
                        details("grab").responseTime().percentile(99.0).lte(Settings.number("p99Millis", 1000)),
                        details("browse campaigns").responseTime().percentile(99.0).lte(Settings.number("p99Millis", 1000)),
                        details("verify").failedRequests().count().is(0L));
    }

    private ScenarioBuilder browse() {
        ChainBuilder fairs = exec(http("browse fairs").get("/api/v1/fairs").header("Authorization", "Bearer #{token}").check(status().is(200)))
                .exec(http("browse fair").get(session -> stalls.fair().path()).header("Authorization", "Bearer #{token}")
                        .check(status().is(200)));
        return visitor("browsing", exec(session -> session.set("token", anyOf(browserTokens)))
                .exec(http("browse campaigns").get("/api/v1/campaigns").header("Authorization", "Bearer #{token}").check(status().is(200)))
                .pause(Duration.ofMillis(500), Duration.ofSeconds(2))
                .exec(http("browse campaign").get(session -> vouchers.campaign().path()).header("Authorization", "Bearer #{token}")
                        .check(status().is(200)))
                .exec(doIf(session -> withStalls).then(fairs)));
    }

    private ScenarioBuilder grab() {
        return visitor("grabbing", exec(session -> session).feed(Grabs.members(runId))
                .exec(Grabs.signIn(vouchers))
                .exec(Grabs.grab(vouchers, maxAttempts))
                .exec(doIf(session -> VoucherRushSimulation.chance(10)).then(Grabs.replay(vouchers)))
                .exec(doIf(session -> VoucherRushSimulation.chance(30)).then(Grabs.grab(vouchers, maxAttempts))));
    }

    private ScenarioBuilder redeem() {
        List<String> tills = new LazyList(() -> tillTokens);
        return visitor("redeeming", Redemptions.nextCustomer(vouchers, tills)
                .exec(doIf(Redemptions::hasCustomer).then(Redemptions.redeem(vouchers, maxAttempts)
                        .exec(doIf(session -> VoucherRushSimulation.chance(10)).then(Redemptions.replay(vouchers)))
                        .exec(doIf(session -> VoucherRushSimulation.chance(5)).then(Redemptions.secondStall(vouchers, tills, maxAttempts))))));
    }

    private ScenarioBuilder register() {
        return visitor("registering", exec(session -> session).feed(Stalls.merchants("d-" + runId))
                .exec(Stalls.signIn(stalls))
                .exec(Stalls.chooseCategory(stalls))
                .exec(Stalls.register(stalls, maxAttempts))
                .exec(doIf(session -> VoucherRushSimulation.chance(10)).then(Stalls.replay(stalls))));
    }

    /** A scenario of the crowd: counted in while its chain runs, so verify knows when the day is over. */
    private ScenarioBuilder visitor(String name, ChainBuilder chain) {
        return scenario(name)
                .exec(session -> {
                    visitorsInside.incrementAndGet();
                    return session;
                })
                .exec(chain)
                .exec(session -> {
                    visitorsInside.decrementAndGet();
                    return session;
                });
    }

    private ChainBuilder untilTheCrowdLeft() {
        return exec(session -> session.set("deadline", System.currentTimeMillis() + 60_000))
                .asLongAs(session -> visitorsInside.get() > 0 && System.currentTimeMillis() < session.getLong("deadline"))
                .on(pause(Duration.ofMillis(200)));
    }

    @Override
    public void before() {
        adminToken = Api.token("load-admin-" + runId, "ADMIN");
        browserTokens = Api.tokens("visitor-" + runId + "-", "MEMBER", 50);
        tillTokens = Api.tokens("till-" + runId + "-", "MERCHANT", Settings.number("merchants", 20));
        Instant now = Instant.now().minusSeconds(1);
        vouchers.follow(Api.createCampaign(adminToken, "Load test fair day " + runId, Settings.number("stock", 3000),
                Settings.number("limit", 2), now, 2000, 3000));
        if (withStalls) {
            Map<String, Integer> categories = StallRushSimulation.categories(Settings.number("stalls", 200));
            stalls.follow(Api.createFair(adminToken, "Load test fair day " + runId, categories, now));
        }
        if (withOffers) {
            offers.follow(Api.createFair(adminToken, "Load test offering fair " + runId, Map.of(Offers.CATEGORY, Settings.number("offerStalls", 10)),
                    now, Map.of("waitlist", Map.of("mode", "OFFER", "holdFor", "PT1M"))));
        }
    }

    @Override
    public void after() {
        Report.vouchers(getClass().getSimpleName(), vouchers);
        if (withStalls) {
            Report.stalls(getClass().getSimpleName(), stalls);
        }
        if (withOffers) {
            Report.offers(getClass().getSimpleName(), offers);
        }
    }

    private static String anyOf(List<String> tokens) {
        return tokens.get(ThreadLocalRandom.current().nextInt(tokens.size()));
    }
}
