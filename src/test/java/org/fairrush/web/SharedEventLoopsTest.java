package org.fairrush.web;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.core.instrument.MeterRegistry;
import org.fairrush.FairrushTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.test.web.reactive.server.WebTestClient;

/** What every request does not pay: hops to threads of the Redis client's own, and an "active requests" timer. */
@FairrushTest
class SharedEventLoopsTest {

    @Autowired
    ReactiveStringRedisTemplate redis;

    @Autowired
    MeterRegistry meters;

    @Autowired
    WebTestClient http;

    @Test
    void redisAnswersOnTheHttpServersEventLoops() {
        String thread = redis.hasKey("fairrush-shared-loops-probe").map(found -> Thread.currentThread().getName())
                .block(Duration.ofSeconds(10));
        // Boot names the server's loops webflux-http-*, Reactor Netty's own are reactor-http-*; Lettuce's own lettuce-*.
        assertThat(thread).matches("(webflux|reactor)-http-.*");
    }

    @Test
    void requestsAreTimedWithoutALongTaskTimerEach() {
        http.mutate().responseTimeout(Duration.ofSeconds(30)).build()
                .get().uri("/api/v1/campaigns").exchange().expectStatus().isUnauthorized();
        assertThat(meters.find("http.server.requests").timers()).isNotEmpty();
        assertThat(meters.find("http.server.requests.active").longTaskTimers()).isEmpty();
    }
}
