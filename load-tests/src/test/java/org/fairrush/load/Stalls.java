package org.fairrush.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
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
 * The merchant's side of a stall rush as named chain steps (docs/design.md section 7): sign in, wait for
 * registration to open, register for a category (retrying on 503), replay, try to register twice, and
 * the checks after the run.
 */
final class Stalls {

    private Stalls() {
    }

    static Iterator<Map<String, Object>> merchants(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return Stream.generate(() -> Map.<String, Object>of("merchantId", prefix + "-" + next.incrementAndGet())).iterator();
    }

    static ChainBuilder signIn(StallLedger ledger) {
        return exec(http("merchant sign in").post(Settings.tokenUrl())
                .body(StringBody("{\"subject\":\"#{merchantId}\",\"roles\":[\"MERCHANT\"]}")).asJson()
                .check(status().is(200), jmesPath("token").saveAs("token")))
                .exec(session -> {
                    ledger.signedIn(session.getString("merchantId"), session.getString("token"));
                    return session;
                });
    }

    /**
     * The merchant opens the fair's page with its token before registration opens (its categories, the stalls
     * left): the connection is open and the token verified before the opening, as in the merchant's app.
     */
    static ChainBuilder viewFair(StallLedger ledger) {
        return exec(http("fair page").get(session -> ledger.fair().path())
                .header("Authorization", "Bearer #{token}").check(status().is(200)));
    }

    static ChainBuilder waitForOpening(StallLedger ledger, Duration spread) {
        return pause(session -> {
            long untilOpen = ledger.fair().opensAt().toEpochMilli() - System.currentTimeMillis();
            long jitter = spread.isZero() ? 0 : ThreadLocalRandom.current().nextLong(spread.toMillis());
            return Duration.ofMillis(Math.max(0, untilOpen) + jitter);
        });
    }

    /** Picks a category, weighted by its stalls, so every category is oversubscribed alike. */
    static ChainBuilder chooseCategory(StallLedger ledger) {
        return exec(session -> session.set("category", weightedCategory(ledger.fair())));
    }

    /** Another category than the one chosen (for the merchant who tries a second stall). */
    static ChainBuilder chooseOtherCategory(StallLedger ledger) {
        return exec(session -> {
            List<String> others = new ArrayList<>(ledger.fair().stallsByCategory().keySet());
            others.remove(session.getString("category"));
            String other = others.isEmpty() ? session.getString("category")
                    : others.get(ThreadLocalRandom.current().nextInt(others.size()));
            return session.set("category", other);
        });
    }

    static ChainBuilder register(StallLedger ledger, int maxAttempts) {
        return exec(Retrying.newKey("r"))
                .exec(Retrying.post("register", session -> ledger.fair().path() + "/registrations", Stalls::registrationBody,
                        List.of(201, 409), List.of("registrationId", "registrationStatus", "stallNumber"), maxAttempts,
                        jmesPath("registrationId").optional().saveAs("registrationId"),
                        jmesPath("status").optional().saveAs("registrationStatus"),
                        jmesPath("stallNumber").optional().saveAs("stallNumber")))
                .exec(session -> {
                    if (Retrying.status(session) == 201) {
                        ledger.registered(new StallLedger.Registration(session.getString("registrationId"),
                                session.getString("merchantId"), session.getString("category"),
                                session.getString("registrationStatus"),
                                session.contains("stallNumber") ? session.getString("stallNumber") : null));
                    }
                    String outcome = Retrying.outcome(session, session.contains("registrationStatus")
                            ? session.getString("registrationStatus") : "CREATED");
                    ledger.outcome(outcome);
                    if (outcome.startsWith("GAVE_UP")) {
                        ledger.outcomeUnknown(session.getString("category"));
                    }
                    return session;
                });
    }

    static ChainBuilder replay(StallLedger ledger) {
        return doIf(session -> Retrying.status(session) == 201).then(exec(http("register replay")
                .post(session -> ledger.fair().path() + "/registrations")
                .header("Authorization", "Bearer #{token}")
                .header("Idempotency-Key", "#{" + Retrying.KEY + "}")
                .body(StringBody(Stalls::registrationBody)).asJson()
                .check(status().is(201), header("Idempotent-Replayed").optional(),
                        jmesPath("registrationId").isEL("#{registrationId}").name("replay answers the first registration"))));
    }

    /** After the run: the 201s keep invariant 4, the fair's view agrees with them, and every registration is stored. */
    static ChainBuilder verify(StallLedger ledger, Supplier<String> adminToken, int sample, Duration persistTimeout) {
        BiFunction<String, Session, Integer> missing = (body, session) -> ledger.missingFromMine(session.getString("merchantId"), body);
        return group("verify").on(
                exec(http("verify fair").get(session -> ledger.fair().path())
                        .header("Authorization", session -> "Bearer " + adminToken.get())
                        .check(status().is(200),
                                bodyString().transform(body -> ledger.violations()).is("")
                                        .name("one stall per merchant, one merchant per stall, first come first served"),
                                bodyString().transform(ledger::fairViewViolations).is("")
                                        .name("stalls - stalls left == confirmations seen (+ unknown outcomes)")))
                .foreach(session -> ledger.sampleOfRegistered(sample), "merchantId").on(
                        exec(session -> session.set("token", ledger.token(session.getString("merchantId")))
                                .set("missing", -1)
                                .set("deadline", System.currentTimeMillis() + persistTimeout.toMillis()))
                        .asLongAs(session -> session.getInt("missing") != 0
                                && System.currentTimeMillis() < session.getLong("deadline")).on(
                                exec(mine("registrations until stored").check(bodyString().transformWithSession(missing)
                                        .saveAs("missing")))
                                .doIf(session -> session.getInt("missing") != 0).then(pause(Duration.ofMillis(250))))
                        .exec(mine("verify registrations").check(bodyString().transformWithSession(missing)
                                .is(0).name("every 201 registration is stored with its status")))));
    }

    private static io.gatling.javaapi.http.HttpRequestActionBuilder mine(String name) {
        return http(name).get("/api/v1/me/registrations").header("Authorization", "Bearer #{token}").check(status().is(200));
    }

    private static String registrationBody(Session session) {
        String merchant = session.getString("merchantId");
        return "{\"category\":\"" + session.getString("category") + "\",\"merchantName\":\"Stall of " + merchant
                + "\",\"specialOffer\":\"10% off for members\"}";
    }

    private static String weightedCategory(Api.FairRef fair) {
        int pick = ThreadLocalRandom.current().nextInt(fair.stalls());
        for (Map.Entry<String, Integer> category : fair.stallsByCategory().entrySet()) {
            pick -= category.getValue();
            if (pick < 0) {
                return category.getKey();
            }
        }
        return fair.stallsByCategory().keySet().iterator().next();
    }
}
