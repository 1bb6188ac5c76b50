package org.fairrush.load;

import io.gatling.javaapi.core.Assertion;
import io.gatling.javaapi.core.PopulationBuilder;
import io.gatling.javaapi.core.ScenarioBuilder;

import static io.gatling.javaapi.core.CoreDsl.constantUsersPerSec;
import static io.gatling.javaapi.core.CoreDsl.details;
import static io.gatling.javaapi.core.CoreDsl.rampUsersPerSec;

/**
 * Requests arriving at a fixed rate (an open model: arrivals do not wait for answers), after a warm-up that ramps
 * the rate up as requests of another name that no assertion looks at: in the first seconds of a run Gatling's own
 * JVM is still compiling and opening its connections, and those seconds alone (p50 over 300 ms while the rest of
 * the run answered in a few) once made the p99 of a whole run two seconds. The measured requests start when the
 * warm-up's are done. -Drate=500 -DdurationSeconds=30 -DwarmupSeconds=10.
 */
final class FixedRate {

    private FixedRate() {
    }

    /** The warm-up's scenario, then the measured one. */
    static PopulationBuilder warmUpThenMeasure(ScenarioBuilder warmUp, ScenarioBuilder measured) {
        double rate = Settings.decimal("rate", 500);
        return warmUp.injectOpen(rampUsersPerSec(1).to(rate).during(Settings.seconds("warmupSeconds", 10)))
                .andThen(measured.injectOpen(constantUsersPerSec(rate).during(Settings.seconds("durationSeconds", 30))));
    }

    /**
     * The figures the scripts read from Gatling's output (load-tests/lib/stack.sh, rate_result): each assertion
     * prints its actual value. Only the failed share (-DmaxErrorPercent, default 1) and the p99 gate, when there is
     * one, can fail a run.
     */
    static Assertion[] figuresOf(String request, Integer p99Millis) {
        return new Assertion[] {
            details(request).failedRequests().percent().lte(Settings.decimal("maxErrorPercent", 1)),
            details(request).requestsPerSec().gte(0.0),
            details(request).responseTime().percentile(50.0).gte(0),
            p99Millis == null
                    ? details(request).responseTime().percentile(99.0).gte(0)
                    : details(request).responseTime().percentile(99.0).lte(p99Millis)
        };
    }
}
