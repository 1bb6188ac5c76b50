package org.fairrush.web;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.lettuce.core.event.command.CommandListener;
import io.lettuce.core.event.command.CommandStartedEvent;
import org.fairrush.rush.RedisFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The limits of the non-rush routes when many requests from one address arrive at once (a venue's Wi-Fi, members
 * opening the campaign's page while it counts down to the opening). Found by the opening second's rehearsal: with
 * Bucket4j's compare-and-swap, concurrent takes from one address's bucket failed their swap and retried against
 * each other, and a page read took up to 27 s at 143 requests a second (docs/benchmarks.md, session g).
 */
class RouteLimitsContentionTest {

    private static final int REQUESTS = 300;
    private static final int ADDRESS_CAPACITY = 200;

    private final AtomicInteger redisCommands = new AtomicInteger();
    private final RedisFixture fixture = RedisFixture.create();

    @AfterEach
    void removeTheBuckets() {
        fixture.close();
    }

    @Test
    void concurrentRequestsFromOneAddressTakeOneRedisCallEachAndTheLimitStaysExact() {
        RouteLimits limits = routeLimits();
        fixture.listen(new CommandListener() {
            @Override
            public void commandStarted(CommandStartedEvent event) {
                redisCommands.incrementAndGet();
            }
        });
        AtomicInteger passed = new AtomicInteger();
        AtomicInteger refused = new AtomicInteger();
        Flux.range(0, REQUESTS)
                .flatMap(i -> {
                    MockServerWebExchange exchange = pageReadFromTheVenue();
                    return limits.filter(exchange, next -> {
                        passed.incrementAndGet();
                        return Mono.empty();
                    }).then(Mono.fromRunnable(() -> {
                        if (exchange.getResponse().getStatusCode() == HttpStatus.TOO_MANY_REQUESTS) {
                            refused.incrementAndGet();
                        }
                    }));
                }, REQUESTS)
                .blockLast(Duration.ofSeconds(60));

        assertThat(passed).as("requests let through: the address's capacity, exactly").hasValue(ADDRESS_CAPACITY);
        assertThat(refused).as("the rest answered 429").hasValue(REQUESTS - ADDRESS_CAPACITY);
        // One script call per request, whatever the contention (and a first EVAL when Redis did not know the script).
        assertThat(redisCommands.get()).as("Redis commands for %d requests", REQUESTS).isLessThanOrEqualTo(REQUESTS + 2);
    }

    private RouteLimits routeLimits() {
        WebProperties.Rate generous = new WebProperties.Rate(1_000_000, Duration.ofHours(1));
        WebProperties properties = new WebProperties(4096, generous, generous, List.of(), List.of(), generous,
                new WebProperties.Rate(ADDRESS_CAPACITY, Duration.ofHours(1)));
        TokenBuckets buckets = new TokenBuckets(fixture.redis, java.time.Clock.systemUTC());
        return new RouteLimits(buckets, new ProblemResponses(JsonMapper.builder().build()), new ClientAddress(List.of()),
                fixture.properties.keyPrefix(), properties);
    }

    /** An anonymous read of one campaign from the venue's one address (only the address's bucket applies). */
    private static MockServerWebExchange pageReadFromTheVenue() {
        return MockServerWebExchange.from(MockServerHttpRequest.get("/api/v1/campaigns/42")
                .remoteAddress(new InetSocketAddress("203.0.113.7", 40000)));
    }
}
