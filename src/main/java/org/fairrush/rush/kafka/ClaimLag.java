package org.fairrush.rush.kafka;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import reactor.core.publisher.Mono;

/**
 * How many claim events the persisters' consumer group has not committed yet, per claim topic: claims
 * acknowledged to members but not yet in Postgres. The one place that computes it, for the reconciliation, the
 * rebuild (which waits for 0) and ops' gauge.
 */
public final class ClaimLag {

    private final Admin admin;
    private final String groupId;
    private final Set<String> topics;

    public ClaimLag(Admin admin, String groupId, Collection<String> topics) {
        this.admin = admin;
        this.groupId = groupId;
        this.topics = Set.copyOf(topics);
    }

    public Set<String> topics() {
        return topics;
    }

    /** Records behind over all claim topics. */
    public Mono<Long> total() {
        return byTopic().map(lag -> lag.values().stream().mapToLong(Long::longValue).sum());
    }

    /**
     * Records per topic that the group has not committed yet: end offset minus committed offset, or minus the
     * earliest offset for a partition the group never committed (records deleted by retention are not behind).
     */
    public Mono<Map<String, Long>> byTopic() {
        return mono(admin.describeTopics(topics).allTopicNames())
                .map(ClaimLag::partitions)
                .flatMap(partitions -> Mono.zip(
                        offsets(partitions, OffsetSpec.latest()),
                        offsets(partitions, OffsetSpec.earliest()),
                        mono(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()))
                        .map(all -> lagByTopic(partitions, all.getT1(), all.getT2(), all.getT3())));
    }

    /** The end offset of every partition of the claim topics now: what {@link #committedUpTo} later compares with. */
    public Mono<Map<TopicPartition, Long>> endOffsets() {
        return mono(admin.describeTopics(topics).allTopicNames())
                .map(ClaimLag::partitions)
                .flatMap(partitions -> offsets(partitions, OffsetSpec.latest()));
    }

    /**
     * Whether the persisters have committed every record before the given end offsets (a record that was in Kafka
     * when they were taken is stored by now), however many records arrived since.
     */
    public Mono<Boolean> committedUpTo(Map<TopicPartition, Long> ends) {
        Map<TopicPartition, OffsetSpec> earliest = ends.keySet().stream().collect(Collectors.toMap(p -> p, p -> OffsetSpec.earliest()));
        return Mono.zip(mono(admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata()),
                        mono(admin.listOffsets(earliest).all()))
                .map(both -> ends.entrySet().stream().allMatch(end -> {
                    OffsetAndMetadata done = both.getT1().get(end.getKey());
                    ListOffsetsResultInfo first = both.getT2().get(end.getKey());
                    long from = done != null ? done.offset() : first == null ? 0 : first.offset();
                    return from >= end.getValue();
                }));
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
        admin.close(java.time.Duration.ofSeconds(2));
    }
}
