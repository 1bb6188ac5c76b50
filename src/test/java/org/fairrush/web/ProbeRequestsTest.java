package org.fairrush.web;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;

import static org.assertj.core.api.Assertions.assertThat;

/** The probes' security chain takes GET of exactly the two probe paths, and nothing else. */
class ProbeRequestsTest {

    private static boolean isProbe(HttpMethod method, String uri) {
        MockServerWebExchange exchange = MockServerWebExchange.from(MockServerHttpRequest.method(method, uri));
        return LeanSecurityConfiguration.probeRequests().matches(exchange).block().isMatch();
    }

    @Test
    void getOfTheLivenessAndReadinessProbesIsAProbe() {
        assertThat(isProbe(HttpMethod.GET, "/actuator/health/liveness")).isTrue();
        assertThat(isProbe(HttpMethod.GET, "/actuator/health/readiness")).isTrue();
        assertThat(isProbe(HttpMethod.GET, "/actuator/health/readiness?verbose=1")).isTrue();
    }

    @Test
    void anythingElseGoesThroughTheApisChain() {
        assertThat(isProbe(HttpMethod.POST, "/actuator/health/liveness")).isFalse();
        assertThat(isProbe(HttpMethod.GET, "/actuator/health/liveness/")).isFalse();
        assertThat(isProbe(HttpMethod.GET, "/actuator/health")).isFalse();
        assertThat(isProbe(HttpMethod.GET, "/actuator/health/liveness/../../../api/v1/ops/live")).isFalse();
        assertThat(isProbe(HttpMethod.GET, "/api/v1/campaigns")).isFalse();
    }
}
