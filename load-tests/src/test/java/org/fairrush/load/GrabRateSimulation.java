package org.fairrush.load;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Durable grabs arriving at a fixed rate (an open model, unlike wrk's fixed number of connections), for
 * the latency target: p99 <= 50 ms at half the maximum throughput. bench.sh runs it at half
 * the rate its step (2) measured; alone it is a gate on that target.
 *
 * <p>A warm-up ramps the rate up first, as requests named "grab (warm-up)" that no gate looks at: in the
 * first seconds of a run Gatling's own JVM is still compiling and opening its connections, and those
 * seconds alone (p50 over 300 ms while the rest of the run answered in a few) once made the p99 of the
 * whole run two seconds. The measured requests ("grab") start when the warm-up's are done.
 *
 * <p>-DcampaignId (an open campaign with enough stock), -DtokensFile (member tokens, one a line, enough
 * that nobody reaches the limit), -Drate=500 -DdurationSeconds=30 -DwarmupSeconds=10; gates:
 * -Dp99Millis=50 -DmaxErrorPercent=1.
 */
public class GrabRateSimulation extends Simulation {

    private final long campaignId = Long.getLong("campaignId", 1);
    private final List<String> tokens = readTokens(System.getProperty("tokensFile", "target/tokens.txt"));
    private final AtomicLong next = new AtomicLong();

    {
        double rate = Settings.decimal("rate", 500);
        ScenarioBuilder warmUp = grabs("warm-up", "grab (warm-up)");
        ScenarioBuilder measured = grabs("grab at a fixed rate", "grab");
        setUp(warmUp.injectOpen(rampUsersPerSec(1).to(rate).during(Settings.seconds("warmupSeconds", 10)))
                .andThen(measured.injectOpen(constantUsersPerSec(rate).during(Settings.seconds("durationSeconds", 30)))))
                .protocols(Protocol.http(getClass().getSimpleName()))
                .assertions(
                        details("grab").failedRequests().percent().lte(Settings.decimal("maxErrorPercent", 1)),
                        details("grab").requestsPerSec().gte(0.0),
                        details("grab").responseTime().percentile(50.0).gte(0),
                        details("grab").responseTime().percentile(99.0).lte(Settings.number("p99Millis", 50)));
    }

    private ScenarioBuilder grabs(String scenario, String request) {
        return scenario(scenario)
                .exec(session -> session.set("token", tokens.get((int) (next.getAndIncrement() % tokens.size())))
                        .set("key", "rate-" + UUID.randomUUID()))
                .exec(http(request).post("/api/v1/campaigns/" + campaignId + "/grabs")
                        .header("Authorization", "Bearer #{token}")
                        .header("Idempotency-Key", "#{key}")
                        .check(status().is(201)));
    }

    private static List<String> readTokens(String file) {
        try {
            return Files.readAllLines(Path.of(file)).stream().filter(line -> !line.isBlank()).toList();
        } catch (IOException e) {
            throw new UncheckedIOException("-DtokensFile: " + file, e);
        }
    }
}
