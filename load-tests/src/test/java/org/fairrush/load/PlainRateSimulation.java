package org.fairrush.load;

import io.gatling.javaapi.core.ScenarioBuilder;
import io.gatling.javaapi.core.Simulation;

import static io.gatling.javaapi.core.CoreDsl.scenario;
import static io.gatling.javaapi.http.HttpDsl.http;
import static io.gatling.javaapi.http.HttpDsl.status;

/**
 * The reference for {@link GrabRateSimulation}'s latency: a GET of -Dpath (default /ok, the plain handler of
 * load-tests/reference) arriving at the same fixed rate, from the same kind of Gatling JVM on the same machine.
 * Its p99 is what the load tool and the machine add to any answer at that rate, the floor under the grab's.
 * -Drate, -DdurationSeconds, -DwarmupSeconds as {@link FixedRate}; -Dfairrush.baseUrl the reference app; no p99 gate
 * unless -Dp99Millis.
 */
public class PlainRateSimulation extends Simulation {

    {
        String path = System.getProperty("path", "/ok");
        setUp(FixedRate.warmUpThenMeasure(gets("warm-up", "get (warm-up)", path), gets("get at a fixed rate", "get", path)))
                .protocols(Protocol.http(getClass().getSimpleName()))
                .assertions(FixedRate.figuresOf("get", Integer.getInteger("p99Millis")));
    }

    private static ScenarioBuilder gets(String scenario, String request, String path) {
        return scenario(scenario).exec(http(request).get(path).check(status().is(200)));
    }
}
