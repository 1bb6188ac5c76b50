package org.fairrush.ops;

import io.lettuce.core.tracing.MicrometerTracing;
import io.micrometer.observation.ObservationRegistry;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Redis commands are observed (a timer and a span each, Lettuce's {@link MicrometerTracing}) only while traces are on
 * ({@code management.tracing.enabled}), so that a traced grab still shows its Redis commands as spans inside the
 * request (docs/operations.md section 13). Boot's own LettuceObservationAutoConfiguration, which observes every
 * command whether or not anything traces, is excluded (FairrushApplication): with tracing off it cost each grab
 * about 7 % of the API's CPU (an observation started, scoped and stopped per command; docs/benchmarks.md, issue 13),
 * for per-command timers that nothing here reads. Redis's own INFO commandstats and latency monitor still say
 * what each command costs.
 */
@Configuration(proxyBeanMethods = false)
class RedisCommandObservations {

    /** The same observations Boot's auto-configuration would add ("Redis" as the service name). */
    @Bean
    @ConditionalOnBooleanProperty("management.tracing.enabled")
    ClientResourcesBuilderCustomizer observedRedisCommands(ObservationRegistry observations) {
        return builder -> builder.tracing(new MicrometerTracing(observations, "Redis"));
    }
}
