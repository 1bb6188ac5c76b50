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

import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * Durable grabs arriving at a fixed rate (an open model, unlike wrk's fixed number of connections), for
 * the latency target: p99 <= 50 ms at half the maximum throughput. bench.sh runs it at half
 * the rate its step (2) measured; alone it is a gate on that target.
 *
 * <p>A warm-up ramps the rate up first ({@link FixedRate}); {@link PlainRateSimulation} measures the load
 * tool's and the machine's own share at the same rate, against a handler that does nothing.
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
        setUp(FixedRate.warmUpThenMeasure(grabs("warm-up", "grab (warm-up)"), grabs("grab at a fixed rate", "grab")))
                .protocols(Protocol.http(getClass().getSimpleName()))
                .assertions(FixedRate.figuresOf("grab", Integer.getInteger("p99Millis", 50)));
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
