package org.fairrush.ops;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.fairrush.FairrushTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The application as it starts by default (application.yml: management.tracing.enabled=false) has no tracer and no
 * tracing handler in its observations: an HTTP request is timed for http.server.requests and nothing more. Boot 4
 * no longer reads that property itself; before {@link TracingSwitch}, its OpenTelemetry tracer sampled one request in
 * ten and its handlers ran in every request's observation.
 */
@FairrushTest
class TracingOffTest {

    @Autowired
    ApplicationContext context;

    @Test
    void noTracerAndNoTracingHandlerWhileTracingIsOff() {
        assertThat(context.getBeansOfType(TracingObservationHandler.class)).isEmpty();
        assertThat(context.getBeansOfType(io.opentelemetry.api.trace.TracerProvider.class)).isEmpty();
        assertThat(context.getBeanProvider(Tracer.class).getIfAvailable(() -> Tracer.NOOP)).isSameAs(Tracer.NOOP);
    }
}
