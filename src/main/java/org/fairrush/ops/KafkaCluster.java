package org.fairrush.ops;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Mono;

/**
 * What ops asks the Kafka cluster, through one long-lived admin client: is it reachable (readiness), and
 * how far behind the log is the persisters' consumer group (lag, the number the runbook waits on).
 */
final class KafkaCluster {

    private final Admin admin;

    KafkaCluster(Map<String, Object> adminConfig) {
        Map<String, Object> config = new HashMap<>(adminConfig);
        config.putIfAbsent(AdminClientConfig.CLIENT_ID_CONFIG, "fairrush-ops");
        this.admin = Admin.create(config);
    }

    /** The number of brokers that answered, or an error when the cluster did not answer within {@code timeout}. */
    Mono<Integer> brokers(Duration timeout) {
        DescribeClusterOptions options = new DescribeClusterOptions().timeoutMs((int) timeout.toMillis());
        return mono(admin.describeCluster(options).nodes()).map(Collection::size).timeout(timeout);
    }

    /**
     * Records per topic that the group has not committed yet: end offset minus committed offset (or minus
     * the earliest offset for a partition the group never committed).
     */
    Mono<Map<String, Long>> lag(String groupId, Set<String> topics) {
        return mono(admin.describeTopics(topics).allTopicNames())
                .map(KafkaCluster::partitions)
                .flatMap(partitions -> Mono.zip(
                        offsets(partitions, OffsetSpec.latest()),
                        offsets(partitions, OffsetSpec.earliest()),
                        mono(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()))
                        .map(all -> lagByTopic(partitions, all.getT1(), all.getT2(), all.getT3())));
    }

    private static Set<TopicPartition> partitions(Map<String, TopicDescription> topics) {
        return topics.values().stream()
                .flatMap(topic -> topic.partitions().stream().map(p -> new TopicPartition(topic.name(), p.partition())))
                .collect(Collectors.toSet());
    }

    private Mono<Map<TopicPartition, Long>> offsets(Set<TopicPartition> partitions, OffsetSpec spec) {
        Map<TopicPartition, OffsetSpec> request = partitions.stream().collect(Collectors.toMap(p -> p, p -> spec));
        return mono(admin.listOffsets(request).all()).map(result -> result.entrySet().stream()
                .collect(Collectors.toMap(Map.Entry::getKey, e -> ((ListOffsetsResultInfo) e.getValue()).offset())));
    }

    static Map<String, Long> lagByTopic(Set<TopicPartition> partitions, Map<TopicPartition, Long> end,
            Map<TopicPartition, Long> earliest, Map<TopicPartition, OffsetAndMetadata> committed) {
        Map<String, Long> lag = new HashMap<>();
        for (TopicPartition partition : partitions) {
            OffsetAndMetadata done = committed.get(partition);
            long from = done == null ? earliest.getOrDefault(partition, 0L) : done.offset();
            lag.merge(partition.topic(), Math.max(0, end.getOrDefault(partition, 0L) - from), Long::sum);
        }
        return lag;
    }

    private static <T> Mono<T> mono(KafkaFuture<T> future) {
        return Mono.fromCompletionStage(future.toCompletionStage());
    }

    void close() {
        admin.close(Duration.ofSeconds(2));
    }

}
