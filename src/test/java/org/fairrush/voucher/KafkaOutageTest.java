package org.fairrush.voucher;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.rush.RushProperties;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka refusing sends: this test's application has a broker of its own, which the test stops in the
 * middle of a sale. Grabs must then answer 503 BUSY with Retry-After, and stock and limits must be back.
 */
@FairrushTest
@DirtiesContext
class KafkaOutageTest {

    private static final EmbeddedKafkaKraftBroker broker = startBroker();

    @DynamicPropertySource
    static void ownBroker(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", broker::getBrokersAsString);
        registry.add("fairrush.rush.send-timeout", () -> "3s");
    }

    @AfterAll
    static void stopBroker() {
        broker.destroy();
    }

    @Autowired
    WebTestClient http;
    @Autowired
    ReactiveStringRedisTemplate redis;
    @Autowired
    RushProperties rush;

    @Test
    void grabsAnswerBusyAndTakeNothingWhileKafkaIsDown() {
        Api api = new Api(http);
        long campaignId = api.createCampaign(Fixtures.openCampaign(10, 1));
        api.grabbed("before-outage", campaignId);

        broker.destroy();
        List<String> members = IntStream.range(0, 6).mapToObj(i -> "during-outage-" + i).toList();
        List<Integer> statuses = Flux.fromIterable(members)
                .flatMap(member -> Flux.just(member).map(m -> api.grab(m, campaignId, Fixtures.idempotencyKey())
                        .expectHeader().exists("Retry-After")
                        .expectBody(Map.class).returnResult()))
                .map(result -> {
                    assertThat(result.getResponseBody()).containsEntry("code", "BUSY");
                    return result.getStatus().value();
                })
                .collectList().block(Duration.ofMinutes(2));

        assertThat(statuses).containsOnly(503).hasSize(members.size());
        assertThat(((Number) api.campaign(campaignId).get("remaining")).longValue()).isEqualTo(9);
        String holders = rush.keyPrefix() + ":{c:" + campaignId + "}:holders";
        assertThat(redis.<String, String>opsForHash().keys(holders).collectList().block()).containsExactly("before-outage");
        String pending = rush.keyPrefix() + ":{c:" + campaignId + "}:pending";
        assertThat(redis.opsForHash().size(pending).block()).as("only the claim made before the outage may still be pending")
                .isLessThanOrEqualTo(1);
    }

    private static EmbeddedKafkaKraftBroker startBroker() {
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1);
        // Keep it out of the system properties, where every other test's application would find it.
        kafka.brokerListProperty("fairrush.test.outage-broker");
        kafka.afterPropertiesSet();
        return kafka;
    }
}
