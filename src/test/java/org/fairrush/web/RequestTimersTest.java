package org.fairrush.web;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.fairrush.FairrushTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/** Every request is timed, without an "active requests" long-task timer each (a sorted-map insert and removal). */
@FairrushTest
class RequestTimersTest {

    @Autowired
    MeterRegistry meters;

    @Autowired
    WebTestClient http;

    @Test
    void requestsAreTimedWithoutALongTaskTimerEach() {
        http.mutate().responseTimeout(Duration.ofSeconds(30)).build()
                .get().uri("/api/v1/campaigns").exchange().expectStatus().isUnauthorized();
        assertThat(meters.find("http.server.requests").timers()).isNotEmpty();
        assertThat(meters.find("http.server.requests.active").longTaskTimers()).isEmpty();
    }
}
