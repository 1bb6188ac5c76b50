package org.fairrush.load;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.core.Simulation;
import org.slf4j.LoggerFactory;

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
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The voucher rush with a randomized opening: members, signed in beforehand, press "grab" at moments spread over the whole opening window
 * (202 ENTERED, retried on 503 with the same key; some resend it), wait for the result time, then ask again with the
 * same key until the draw answers: 201 with the voucher, or 409 NOT_SELECTED. The service draws by itself (it generated
 * the seed). After the run, through the API: the draw is published, entries <= members and exactly those answered
 * ENTERED, no member twice, winners <= stock and exactly those answered 201, no winner answered NOT_SELECTED, and
 * every winner's voucher is in Postgres (wallet polled), the only one of the campaign there.
 *
 * <p>Sizes: -Dmembers=600 -Dstock=200 -DopensInSeconds=10 -DwindowSeconds=5 -DreplayPercent=10 -DmaxAttempts=6
 * -DresultTimeoutSeconds=60 -DpersistTimeoutSeconds=30; gates: -DmaxErrorPercent=1 -Dp99Millis=2000.
 */
public class RandomizedOpeningSimulation extends Simulation {

    private final int members = Settings.number("members", 600);
    private final int stock = Settings.number("stock", 200);
    private final Duration opensIn = Settings.seconds("opensInSeconds", 10);
    private final Duration window = Settings.seconds("windowSeconds", 5);
    private final double replayPercent = Settings.decimal("replayPercent", 10);
    private final int maxAttempts = Settings.number("maxAttempts", 6);
    private final Duration resultTimeout = Settings.seconds("resultTimeoutSeconds", 60);
    private final Duration persistTimeout = Settings.seconds("persistTimeoutSeconds", 30);
    private final String runId = Settings.runId();
    /** The member ids {@link Grabs#members} feeds: this prefix and 1, 2, ... */
    private static final String MEMBER_PREFIX = "m-%s-";
    private final OpeningLedger ledger = new OpeningLedger();
    private volatile String adminToken;

    public RandomizedOpeningSimulation() {
        ScenarioBuilder opening = scenario("randomized opening")
                .feed(Grabs.members(runId))
                .exec(session -> session.set("token", ledger.token(session.getString("memberId"))))
                .exec(pause(session -> untilOpening()))
                .exec(Retrying.newKey("o"))
                .exec(Retrying.post("enter", session -> ledger.opening().path() + "/grabs", null, List.of(202), List.of(), maxAttempts,
                        jmesPath("status").optional().saveAs("entry")))
                .exec(session -> {
                    if (Retrying.status(session) == 202) {
                        ledger.entered(session.getString("memberId"));
                    }
                    ledger.outcome(Retrying.outcome(session, "ENTERED"));
                    return session;
                })
                .exec(doIf(session -> Retrying.status(session) == 202 && chance(replayPercent)).then(replay()))
                .exec(doIf(session -> Retrying.status(session) == 202).then(awaitResult()));
        ScenarioBuilder verify = scenario("verify randomized opening").exec(verify());
        Duration arrival = opensIn.compareTo(Duration.ofSeconds(2)) < 0 ? Duration.ofSeconds(1) : opensIn.minusSeconds(1);
        setUp(opening.injectOpen(rampUsers(members).during(arrival)).andThen(verify.injectOpen(atOnceUsers(1))))
                .protocols(Protocol.http(getClass().getSimpleName()))
                .assertions(
                        global().failedRequests().percent().lte(Settings.decimal("maxErrorPercent", 1)),
                        details("enter").responseTime().percentile(99.0).lte(Settings.number("p99Millis", 2000)),
                        details("verify").failedRequests().count().is(0L));
    }

    /** Presses spread evenly over the opening window (the last half second left out, for the network). */
    private Duration untilOpening() {
        long untilOpen = ledger.opening().opensAt().toEpochMilli() - System.currentTimeMillis();
        long spread = Math.max(1, window.toMillis() - 500);
        return Duration.ofMillis(Math.max(0, untilOpen) + ThreadLocalRandom.current().nextLong(spread));
    }

    private ChainBuilder replay() {
        return exec(http("enter replay").post(session -> ledger.opening().path() + "/grabs")
                .header("Authorization", "Bearer #{token}")
                .header("Idempotency-Key", "#{" + Retrying.KEY + "}")
                .check(status().is(202), header("Idempotent-Replayed").is("true"),
                        jmesPath("status").is("ENTERED").name("a replay answers the entry")));
    }

    /** After the result time, the same key again until it answers the result (202 while the draw is still to come). */
    private ChainBuilder awaitResult() {
        return exec(pause(session -> Duration.ofMillis(Math.max(0,
                        ledger.opening().resultAt().toEpochMilli() - System.currentTimeMillis() + 200))))
                .exec(session -> session.set("deadline", System.currentTimeMillis() + resultTimeout.toMillis()).set("decided", false))
                .asLongAs(session -> !session.getBoolean("decided") && System.currentTimeMillis() < session.getLong("deadline")).on(
                        exec(session -> session.remove("voucherId").remove("answerCode"))
                        .exec(http("result").post(session -> ledger.opening().path() + "/grabs")
                                .header("Authorization", "Bearer #{token}")
                                .header("Idempotency-Key", "#{" + Retrying.KEY + "}")
                                .check(status().in(201, 202, 409, 503).saveAs(Retrying.STATUS),
                                        jmesPath("voucherId").optional().saveAs("voucherId"),
                                        jmesPath("code").optional().saveAs("answerCode")))
                        .exec(session -> decide(session))
                        .doIf(session -> !session.getBoolean("decided")).then(pause(Duration.ofMillis(500))))
                .exec(session -> {
                    ledger.outcome(session.getBoolean("decided") ? resultName(session) : "NO_RESULT");
                    return session;
                });
    }

    private Session decide(Session session) {
        int answered = Retrying.status(session);
        boolean notSelected = answered == 409 && "NOT_SELECTED".equals(session.getString("answerCode"));
        if (answered != 201 && !notSelected) {
            return session;
        }
        boolean consistent = ledger.result(session.getString("memberId"), session.getString("voucherId"), answered == 201);
        return session.set("decided", true).set("consistent", consistent);
    }

    private static String resultName(Session session) {
        return (Retrying.status(session) == 201 ? "GRANTED" : "NOT_SELECTED") + (session.getBoolean("consistent") ? "" : "_CONTRADICTED");
    }

    private ChainBuilder verify() {
        return group("verify").on(
                exec(http("verify draw").get(session -> ledger.opening().path() + "/draw")
                        .header("Authorization", session -> "Bearer " + adminToken)
                        .check(status().is(200), bodyString().transform(body -> ledger.drawProblems(body, members))
                                .is(List.of()).name("the published draw agrees with the run")))
                .foreach(session -> ledger.winnerIds(), "memberId").on(
                        exec(session -> session.set("token", ledger.token(session.getString("memberId")))
                                .set("stored", false).set("deadline", System.currentTimeMillis() + persistTimeout.toMillis()))
                        .asLongAs(session -> !session.getBoolean("stored") && System.currentTimeMillis() < session.getLong("deadline")).on(
                                exec(Grabs.wallet("wallet until stored").check(bodyString().transformWithSession(
                                        (body, session) -> ledger.walletHoldsWinnersVoucherOnly(session.getString("memberId"), body))
                                        .saveAs("stored")))
                                .doIf(session -> !session.getBoolean("stored")).then(pause(Duration.ofMillis(250))))
                        .exec(Grabs.wallet("verify wallet").check(bodyString().transformWithSession(
                                (body, session) -> ledger.walletHoldsWinnersVoucherOnly(session.getString("memberId"), body))
                                .is(true).name("every winner's voucher is in Postgres, and only it")))));
    }

    /**
     * Members sign in before the campaign is created, so that the opening window holds the presses alone: signed in
     * during the ramp, on a busy machine the last members pressed after the window had closed (409 NOT_STARTED) and the
     * run measured the token issuer rather than the entries.
     */
    @Override
    public void before() {
        adminToken = Api.token("load-admin-" + runId, "ADMIN");
        List<String> tokens = Api.tokens(MEMBER_PREFIX.formatted(runId), "MEMBER", members);
        for (int i = 0; i < members; i++) {
            ledger.signedIn(MEMBER_PREFIX.formatted(runId) + (i + 1), tokens.get(i));
        }
        Instant opensAt = Instant.now().plus(opensIn);
        JsonNode created = Api.createRandomizedOpening(adminToken, "Load test opening " + runId, stock, opensAt, window);
        ledger.follow(new OpeningLedger.Opening(created.get("id").asLong(), stock, opensAt,
                Instant.parse(created.path("opening").path("resultAt").asText())));
    }

    @Override
    public void after() {
        LoggerFactory.getLogger("fairrush.load").info("{}: {} members, {} entered, {} granted, {} not selected, outcomes {}",
                getClass().getSimpleName(), members, ledger.enteredCount(), ledger.winners(), ledger.notSelectedCount(), ledger.outcomes());
    }

    static boolean chance(double percent) {
        return ThreadLocalRandom.current().nextDouble(100) < percent;
    }
}
