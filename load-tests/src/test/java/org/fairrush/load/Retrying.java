package org.fairrush.load;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Function;

import io.gatling.javaapi.core.ChainBuilder;
import io.gatling.javaapi.core.CheckBuilder;
import io.gatling.javaapi.core.Session;
import io.gatling.javaapi.http.HttpDsl;
import io.gatling.javaapi.http.HttpRequestActionBuilder;

import static io.gatling.javaapi.core.CoreDsl.StringBody;
import static io.gatling.javaapi.core.CoreDsl.asLongAs;
import static io.gatling.javaapi.core.CoreDsl.doIf;
import static io.gatling.javaapi.core.CoreDsl.exec;
import static io.gatling.javaapi.core.CoreDsl.jmesPath;
import static io.gatling.javaapi.core.CoreDsl.pause;
import static io.gatling.javaapi.http.HttpDsl.header;
import static io.gatling.javaapi.http.HttpDsl.http;

/**
 * A POST with an Idempotency-Key, as a well-behaved client sends it during a rush: on 503 BUSY, and when
 * the outcome is unknown (no answer: the connection failed, was cut or timed out; a load balancer's 502 or
 * 504), it waits (Retry-After when given, at least 100 ms doubling per attempt, plus jitter, at most 5 s) and
 * sends the same request with the same key again, up to a number of attempts. An unknown outcome is never
 * taken for "not granted": the grant may have happened, and the same key then answers it. The first attempt is named
 * {@code name}, later ones {@code name + " retry"}, so percentiles of first answers stay apart.
 *
 * <p>Leaves in the session: {@code answerStatus} (absent when no answer came), {@code answerCode} (the
 * body's {@code code}: a voucher code on 201, the problem code otherwise) and what {@code saves} save.
 */
final class Retrying {

    static final String STATUS = "answerStatus";
    static final String KEY = "idempotencyKey";
    /** A load balancer's answers when the service's answer did not reach it in time (or the connection broke). */
    private static final List<Integer> UNKNOWN_OUTCOME = List.of(502, 504);

    private Retrying() {
    }

    static ChainBuilder newKey(String prefix) {
        return exec(session -> session.set(KEY, prefix + "-" + UUID.randomUUID()));
    }

    /**
     * @param expected statuses that are answers (not errors) besides 503, e.g. 201 and 409
     * @param saved    session attributes the {@code saves} checks write, cleared before each attempt
     */
    static ChainBuilder post(String name, Function<Session, String> path, Function<Session, String> body,
            List<Integer> expected, List<String> saved, int maxAttempts, CheckBuilder... saves) {
        List<Integer> answers = new ArrayList<>(expected);
        answers.addAll(UNKNOWN_OUTCOME);
        answers.add(503);
        List<String> cleared = new ArrayList<>(List.of(STATUS, "answerCode", "retryAfter"));
        cleared.addAll(saved);
        List<CheckBuilder> checks = new ArrayList<>(List.of(HttpDsl.status().in(answers).saveAs(STATUS),
                jmesPath("code").optional().saveAs("answerCode"), header("Retry-After").optional().saveAs("retryAfter")));
        checks.addAll(List.of(saves));
        HttpRequestActionBuilder request = http(session -> session.getInt("attempt") == 0 ? name : name + " retry")
                .post(path)
                .header("Authorization", "Bearer #{token}")
                .header("Idempotency-Key", "#{" + KEY + "}")
                .check(checks);
        if (body != null) {
            request = request.body(StringBody(body)).asJson();
        }
        return exec(session -> session.set("attempt", 0))
                .exec(asLongAs(session -> anotherAttempt(session, maxAttempts)).on(
                        exec(session -> session.removeAll(cleared.toArray(String[]::new)))
                        .exec(request)
                        .exec(session -> session.set("attempt", session.getInt("attempt") + 1))
                        .exec(doIf(Retrying::retryable).then(pause(Retrying::backoff)))));
    }

    /**
     * Worth another try with the same key: 503 BUSY, 409 REQUEST_IN_PROGRESS (the first try is still being
     * stored), or an unknown outcome (no answer at all, or a load balancer's 502 / 504).
     */
    static boolean retryable(Session session) {
        int status = status(session);
        return status == 503 || status == -1 || UNKNOWN_OUTCOME.contains(status) || (status == 409
                && session.contains("answerCode") && "REQUEST_IN_PROGRESS".equals(session.getString("answerCode")));
    }

    static int status(Session session) {
        return session.contains(STATUS) ? session.getInt(STATUS) : -1;
    }

    /** The final outcome's name for the ledger: GRANTED-like on 2xx, the problem code, GAVE_UP_BUSY or GAVE_UP_UNANSWERED. */
    static String outcome(Session session, String success) {
        int status = status(session);
        if (status >= 200 && status < 300) {
            return success;
        }
        if (status == -1 || UNKNOWN_OUTCOME.contains(status)) {
            return "GAVE_UP_UNANSWERED";
        }
        if (retryable(session)) {
            return "GAVE_UP_BUSY";
        }
        return session.contains("answerCode") ? session.getString("answerCode") : "HTTP_" + status;
    }

    private static boolean anotherAttempt(Session session, int maxAttempts) {
        int attempt = session.getInt("attempt");
        return attempt == 0 || (retryable(session) && attempt < maxAttempts);
    }

    static Duration backoff(Session session) {
        long retryAfterMillis = session.contains("retryAfter") ? parseSeconds(session.getString("retryAfter")) * 1000 : 0;
        long exponential = 100L << Math.min(6, session.getInt("attempt") - 1);
        long jitter = ThreadLocalRandom.current().nextLong(250);
        return Duration.ofMillis(Math.min(5000, Math.max(retryAfterMillis, exponential) + jitter));
    }

    private static long parseSeconds(String value) {
        try {
            return Long.parseLong(value.trim());
        } catch (NumberFormatException notSeconds) {
            return 1;
        }
    }
}
