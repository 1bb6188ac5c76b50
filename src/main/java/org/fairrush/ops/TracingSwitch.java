package org.fairrush.ops;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.Ordered;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;

/**
 * {@code management.tracing.enabled=false} (application.yml) means no tracing at all: Boot's tracing
 * auto-configurations are left out, so no tracer exists and no request pays for one (docs/design.md note 52).
 *
 * <p>Boot 4 no longer reads {@code management.tracing.enabled}: its successor, {@code management.tracing.export.enabled},
 * stops only the export. With the OpenTelemetry bridge in the image, Boot then makes a tracer whenever the
 * application starts, and its tracing handlers run inside every HTTP request's observation: the incoming
 * {@code traceparent} read, a span started and ended, one request in ten sampled (the configured probability), the
 * Prometheus exemplars looked up on every timer, for traces nobody exported: 4 % of the liveness probe's CPU samples,
 * and without it the grab answered 1.13x as many requests per CPU second (docs/benchmarks.md, issue 13, session j).
 * fairrush keeps the property as its one switch: it already decides whether Redis commands and the claim path are
 * observed ({@code RedisCommandObservations}, {@code RushConfiguration.tracing}); this makes it decide Boot's part too.
 * On ({@code MANAGEMENT_TRACING_ENABLED=true}, docs/operations.md section 13), nothing is left out.
 *
 * <p>Runs after the configuration files are read (lowest precedence), and adds to any exclusions already configured
 * rather than replacing them.
 */
class TracingSwitch implements EnvironmentPostProcessor, Ordered {

    static final String SWITCH = "management.tracing.enabled";
    static final String EXCLUDE = "spring.autoconfigure.exclude";

    /** What makes a tracer and hooks it into observations; without them Boot's no-op tracer is all there is. */
    static final List<String> TRACING_AUTO_CONFIGURATIONS = List.of(
            "org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration",
            "org.springframework.boot.micrometer.tracing.autoconfigure.prometheus.PrometheusExemplarsAutoConfiguration",
            "org.springframework.boot.micrometer.tracing.autoconfigure.otlp.OtlpExemplarsAutoConfiguration",
            "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration",
            "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration",
            "org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.zipkin.ZipkinWithOpenTelemetryTracingAutoConfiguration");

    @Override
    public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
        if (tracingOn(environment)) {
            return;
        }
        Binder binder = Binder.get(environment);
        Set<String> excluded = new LinkedHashSet<>(binder.bind(EXCLUDE, String[].class).map(List::of).orElse(List.of()));
        excluded.addAll(TRACING_AUTO_CONFIGURATIONS);
        environment.getPropertySources().addFirst(new MapPropertySource("fairrushTracingOff",
                Map.of(EXCLUDE, String.join(",", excluded))));
    }

    static boolean tracingOn(ConfigurableEnvironment environment) {
        return environment.getProperty(SWITCH, Boolean.class, true);
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }
}
