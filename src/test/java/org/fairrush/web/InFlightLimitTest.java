package org.fairrush.web;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.test.StepVerifier;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The in-flight bound on its own: one request too many is answered BUSY at once, and the count recovers. */
class InFlightLimitTest {

    private final InFlightLimit limit = new InFlightLimit(2, new ProblemResponses(JsonMapper.builder().build()));

    private static MockServerWebExchange apiCall() {
        return MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/campaigns"));
    }

    @Test
    void answersBusyBeyondTheBoundAndRecoversWhenWorkFinishes() {
        Sinks.Empty<Void> slowWork = Sinks.empty();
        limit.filter(apiCall(), exchange -> slowWork.asMono()).subscribe();
        limit.filter(apiCall(), exchange -> slowWork.asMono()).subscribe();
        assertThat(limit.inFlight()).isEqualTo(2);

        MockServerWebExchange third = apiCall();
        StepVerifier.create(limit.filter(third, exchange -> Mono.error(new AssertionError("must not run")))).verifyComplete();
        assertThat(third.getResponse().getStatusCode()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(third.getResponse().getHeaders().getFirst("Retry-After")).isEqualTo("1");

        slowWork.tryEmitEmpty();
        assertThat(limit.inFlight()).isZero();
        MockServerWebExchange fourth = apiCall();
        StepVerifier.create(limit.filter(fourth, exchange -> Mono.empty())).expectComplete().verify(Duration.ofSeconds(5));
        assertThat(fourth.getResponse().getStatusCode()).isNotEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    }

    @Test
    void leavesHealthProbesAlone() {
        for (int i = 0; i < 3; i++) {
            limit.filter(apiCall(), exchange -> Sinks.<Void>empty().asMono()).subscribe();
        }
        MockServerWebExchange probe = MockServerWebExchange.from(MockServerHttpRequest.get("/actuator/health"));
        StepVerifier.create(limit.filter(probe, exchange -> Mono.empty())).verifyComplete();
        assertThat(probe.getResponse().getStatusCode()).isNotEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
    }
}
