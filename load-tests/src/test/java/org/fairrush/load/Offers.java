package org.fairrush.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.stream.Stream;

import com.fasterxml.jackson.databind.JsonNode;
import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.bodyString;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.doIfOrElse;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.group;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The merchants of a fair whose waiting list offers freed stalls ({@code waitlist.mode: OFFER}, docs/design.md
 * section 7.1): they register for its one category (some get a stall, the rest wait in line); once everyone has an
 * answer, some holders give their stall back and some of the waiting leave the line; the waiting look at their
 * registration now and then, and when a stall is offered they accept or decline it. The checks after the run are
 * {@link OfferLedger#violations}, and Postgres (the fair report) ending as the live registrations.
 */
final class Offers {

    static final String CATEGORY = "FOOD";

    private Offers() {
    }

    static Iterator<Map<String, Object>> merchants(String prefix) {
        AtomicInteger next = new AtomicInteger();
        return Stream.generate(() -> Map.<String, Object>of("merchantId", prefix + "-" + next.incrementAndGet())).iterator();
    }

    /**
     * One merchant's day at the fair that offers.
     *
     * @param merchants    how many register: the line is final (each 201's place in it exact) once all have an answer
     * @param activeFor    how long after the start holders may give stalls back and the waiting may leave or be offered
     * @param cancelPercent share of the holders who give their stall back; leavePercent of the waiting who leave;
     *                     declinePercent of the offered who decline
     */
    static ChainBuilder merchantDay(OfferLedger ledger, int merchants, Duration activeFor, double cancelPercent, double leavePercent,
            double declinePercent, int maxAttempts) {
        ChainBuilder leave = pause(session -> randomWithin(activeFor.minusSeconds(15)))
                .exec(http("offer fair cancel").delete(session -> ledger.fair().path() + "/registrations/" + session.getString("registrationId"))
                        .header("Authorization", "Bearer #{token}").check(status().is(204)))
                .exec(session -> {
                    ledger.left(session.getString("registrationId"));
                    ledger.outcome(session.getString("registrationStatus") + " then left");
                    return session;
                });
        ChainBuilder waitForAnOffer = asLongAs(session -> "WAITLISTED".equals(session.getString("registrationStatus"))
                && System.currentTimeMillis() < session.getLong("dayEnds")).on(
                pause(Duration.ofMillis(700), Duration.ofMillis(1300))
                .exec(http("offer fair look").get(session -> ledger.fair().path() + "/registrations/" + session.getString("registrationId"))
                        .header("Authorization", "Bearer #{token}")
                        .check(status().is(200), jmesPath("status").saveAs("registrationStatus"),
                                jmesPath("stallNumber").optional().saveAs("stallNumber"))))
                .doIf(session -> "OFFERED".equals(session.getString("registrationStatus"))).then(
                        exec(session -> session.set("seenAt", System.currentTimeMillis())
                                .set("answer", VoucherRushSimulation.chance(declinePercent) ? "decline" : "accept"))
                        .exec(session -> session.set("answeredAt", System.currentTimeMillis()))
                        .exec(Retrying.newKey("o"))
                        .exec(Retrying.post("offer answer", session -> ledger.fair().path() + "/registrations/"
                                        + session.getString("registrationId") + "/" + session.getString("answer"), null,
                                List.of(200), List.of("answeredStatus", "answeredStall"), maxAttempts,
                                jmesPath("status").optional().saveAs("answeredStatus"),
                                jmesPath("stallNumber").optional().saveAs("answeredStall")))
                        .exec(session -> {
                            ledger.offered(new OfferLedger.Offer(session.getString("registrationId"), session.getString("stallNumber"),
                                    session.getLong("seenAt"), session.getLong("answeredAt")));
                            String answeredStatus = session.contains("answeredStatus") ? session.getString("answeredStatus") : "none";
                            if (Retrying.status(session) == 200 && "CONFIRMED".equals(answeredStatus)) {
                                ledger.accepted(session.getString("registrationId"), session.getString("answeredStall"));
                            }
                            ledger.outcome("offered, " + session.getString("answer") + " " + Retrying.outcome(session, answeredStatus));
                            return session;
                        }))
                .exec(session -> {
                    if ("WAITLISTED".equals(session.getString("registrationStatus"))) {
                        ledger.outcome("still waiting at the end");
                    }
                    return session;
                });
        return exec(session -> session.set("dayEnds", System.currentTimeMillis() + activeFor.toMillis()))
                .exec(http("merchant sign in").post(Settings.tokenUrl())
                        .body(StringBody("{\"subject\":\"#{merchantId}\",\"roles\":[\"MERCHANT\"]}")).asJson()
                        .check(status().is(200), jmesPath("token").saveAs("token")))
                .exec(Retrying.newKey("q"))
                .exec(Retrying.post("offer fair register", session -> ledger.fair().path() + "/registrations", Offers::registrationBody,
                        List.of(201, 409), List.of("registrationId", "registrationStatus", "stallNumber", "waitlistPosition"), maxAttempts,
                        jmesPath("registrationId").optional().saveAs("registrationId"),
                        jmesPath("status").optional().saveAs("registrationStatus"),
                        jmesPath("stallNumber").optional().saveAs("stallNumber"),
                        jmesPath("waitlistPosition").optional().saveAs("waitlistPosition")))
                .exec(session -> {
                    boolean created = Retrying.status(session) == 201;
                    ledger.answered(created ? new OfferLedger.Registered(session.getString("registrationId"), session.getString("merchantId"),
                            session.getString("registrationStatus"), session.contains("stallNumber") ? session.getString("stallNumber") : null,
                            session.contains("waitlistPosition") ? Long.parseLong(session.getString("waitlistPosition")) : 0) : null);
                    ledger.outcome("registered " + Retrying.outcome(session, session.contains("registrationStatus")
                            ? session.getString("registrationStatus") : "CREATED"));
                    return created ? session : session.set("registrationStatus", "NONE");
                })
                // Until every merchant has an answer nobody leaves: each 201's place in the line is then exact.
                .exec(session -> session.set("lineDeadline", System.currentTimeMillis() + 60_000))
                .asLongAs(session -> ledger.answeredCount() < merchants && System.currentTimeMillis() < session.getLong("lineDeadline"))
                .on(pause(Duration.ofMillis(200)))
                .doIf(session -> "CONFIRMED".equals(session.getString("registrationStatus"))).then(
                        doIf(session -> VoucherRushSimulation.chance(cancelPercent)).then(leave))
                .doIf(session -> "WAITLISTED".equals(session.getString("registrationStatus"))).then(
                        doIfOrElse(session -> VoucherRushSimulation.chance(leavePercent)).then(leave).orElse(waitForAnOffer));
    }

    /**
     * After the run: {@link OfferLedger#violations} against the fair and its registrations as the service lists them, and
     * the fair report (read from Postgres) ending with as many stalls held, offered and waited for as they show.
     */
    static ChainBuilder verify(OfferLedger ledger, Supplier<String> adminToken, Duration persistTimeout) {
        return group("verify").on(
                exec(http("verify offer fair").get(session -> ledger.fair().path())
                        .header("Authorization", session -> "Bearer " + adminToken.get())
                        .check(status().is(200), bodyString().saveAs("offerFair")))
                .exec(http("verify offer fair registrations").get(session -> ledger.fair().path() + "/registrations?limit=1000")
                        .header("Authorization", session -> "Bearer " + adminToken.get()).header("Accept", "application/json")
                        .check(status().is(200), bodyString().saveAs("offerRegistrations"),
                                bodyString().transformWithSession((body, session) -> ledger.violations(list(body), Api.parse(session.getString("offerFair"))))
                                        .is("").name("one merchant per stall, no stall offered to two at once, accepted offers CONFIRMED, nobody skipped")))
                .exec(session -> session.set("stored", "").set("deadline", System.currentTimeMillis() + persistTimeout.toMillis()))
                .asLongAs(session -> !"ok".equals(session.getString("stored")) && System.currentTimeMillis() < session.getLong("deadline")).on(
                        exec(report("offer fair report until stored", ledger, adminToken).check(bodyString()
                                .transformWithSession((body, session) -> storedDisagreement(body, session.getString("offerRegistrations")))
                                .saveAs("stored")))
                        .doIf(session -> !"ok".equals(session.getString("stored"))).then(pause(Duration.ofMillis(500))))
                .exec(report("verify offer fair stored", ledger, adminToken).check(bodyString()
                        .transformWithSession((body, session) -> storedDisagreement(body, session.getString("offerRegistrations")))
                        .is("ok").name("Postgres holds every stall held, offered and waited for as the service shows them"))));
    }

    private static HttpRequestActionBuilder report(String name, OfferLedger ledger, Supplier<String> adminToken) {
        return http(name).get(session -> ledger.fair().path() + "/report").header("Authorization", session -> "Bearer " + adminToken.get())
                .header("Accept", "application/json").check(status().is(200));
    }

    /** "ok" when the report's held, offered and waitlisted counts are those of the live registrations; else what differs. */
    static String storedDisagreement(String reportJson, String registrationsJson) {
        JsonNode category = Api.parse(reportJson).path("categories").path(0);
        List<JsonNode> live = list(registrationsJson);
        List<String> broken = new ArrayList<>();
        for (Map.Entry<String, String> figure : Map.of("confirmed", "CONFIRMED", "offered", "OFFERED", "waitlisted", "WAITLISTED").entrySet()) {
            long shown = live.stream().filter(r -> figure.getValue().equals(r.path("status").asText())).count();
            if (category.path(figure.getKey()).asLong(-1) != shown) {
                broken.add(figure.getKey() + " " + category.path(figure.getKey()).asLong(-1) + " stored, " + shown + " live");
            }
        }
        return broken.isEmpty() ? "ok" : String.join("; ", broken);
    }

    private static List<JsonNode> list(String json) {
        List<JsonNode> all = new ArrayList<>();
        Api.parse(json).forEach(all::add);
        return all;
    }

    private static String registrationBody(Session session) {
        return "{\"category\":\"" + CATEGORY + "\",\"merchantName\":\"Stall of " + session.getString("merchantId")
                + "\",\"specialOffer\":false}";
    }

    private static Duration randomWithin(Duration span) {
        return Duration.ofMillis(ThreadLocalRandom.current().nextLong(Math.max(1, span.toMillis())));
    }
}
