package org.fairrush.rush.kafka;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.ClaimStream;
import org.fairrush.rush.RushProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.stereotype.Component;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.ReceiverOptions;

/**
 * Opens the claim topics for a consumer group other than the persister's (webhooks), through the same reactor-kafka
 * adapter, so that replacing reactor-kafka still touches only {@link ReactorKafkaClaimStream}. Each group reads every
 * claim topic at its own pace and commits its own position: a slow consumer never holds the persister back.
 */
@Component
public final class ClaimStreams {

    private final KafkaProperties kafka;
    private final ClaimCodec codec;
    private final List<String> topics;

    ClaimStreams(KafkaProperties kafka, ClaimCodec codec, List<ClaimSink> sinks, RushProperties properties) {
        this.kafka = kafka;
        this.codec = codec;
        this.topics = sinks.stream().map(sink -> properties.topicPrefix() + sink.topic()).toList();
    }

    /** The claims of every topic for {@code groupId}, from the earliest position the group has not committed. */
    public ClaimStream forGroup(String groupId, int batchSize, Duration batchWindow) {
        Map<String, Object> config = kafka.buildConsumerProperties();
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, batchSize);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class);
        ReceiverOptions<String, String> options = ReceiverOptions.<String, String>create(config)
                .commitInterval(Duration.ZERO)
                .commitBatchSize(0)
                .closeTimeout(Duration.ofSeconds(10))
                .subscription(topics);
        return new ReactorKafkaClaimStream(KafkaReceiver.create(options), codec, batchSize, batchWindow);
    }
}
