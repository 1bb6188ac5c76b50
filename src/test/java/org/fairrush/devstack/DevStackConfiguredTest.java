package org.fairrush.devstack;

import java.util.Map;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The development stack starts an embedded server only where Boot itself would find no endpoint. */
class DevStackConfiguredTest {

    private static final String KAFKA = "spring.kafka.bootstrap-servers";

    @Test
    void readsTheBrokerNamedWithUnderscoresAsMostComposeFilesDo() {
        assertThat(DevStack.configured(KAFKA, Map.of("SPRING_KAFKA_BOOTSTRAP_SERVERS", "kafka:9092"))).contains("kafka:9092");
    }

    @Test
    void readsTheBrokerNamedWithoutTheDash() {
        assertThat(DevStack.configured(KAFKA, Map.of("SPRING_KAFKA_BOOTSTRAPSERVERS", "kafka:9092"))).contains("kafka:9092");
    }

    @Test
    void readsRedisClusterNodes() {
        assertThat(DevStack.configured("spring.data.redis.cluster.nodes",
                Map.of("SPRING_DATA_REDIS_CLUSTER_NODES", "r1:7000,r2:7000"))).contains("r1:7000,r2:7000");
    }

    @Test
    void findsNothingWhenNothingIsNamed() {
        assertThat(DevStack.configured(KAFKA, Map.of("SPRING_KAFKA_CONSUMER_GROUP_ID", "g"))).isEmpty();
    }

    @Test
    void ignoresABlankValue() {
        assertThat(DevStack.configured(KAFKA, Map.of("SPRING_KAFKA_BOOTSTRAP_SERVERS", " "))).isEmpty();
    }
}
