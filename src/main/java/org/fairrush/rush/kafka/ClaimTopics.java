package org.fairrush.rush.kafka;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.InitializingBean;

/**
 * The claim topics, one per kind of claim. Missing topics are created at start-up (replicated three
 * times where the cluster has three brokers, with min.insync.replicas=2 so that acks=all means two
 * copies); topics that exist, for example created by the Kafka operator, are left as they are.
 */
public final class ClaimTopics implements InitializingBean {

    private static final Logger log = LoggerFactory.getLogger(ClaimTopics.class);

    private final Map<String, String> topicByKind;
    private final String deadLetterTopic;
    private final int partitions;
    private final Map<String, Object> adminConfig;

    public ClaimTopics(Map<String, String> topicByKind, String deadLetterTopic, int partitions, Map<String, Object> adminConfig) {
        this.topicByKind = Map.copyOf(topicByKind);
        this.deadLetterTopic = deadLetterTopic;
        this.partitions = partitions;
        this.adminConfig = adminConfig;
    }

    public Map<String, String> topicByKind() {
        return topicByKind;
    }

    public String deadLetterTopic() {
        return deadLetterTopic;
    }

    @Override
    public void afterPropertiesSet() throws InterruptedException, ExecutionException, TimeoutException {
        try (Admin admin = Admin.create(adminConfig)) {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            int brokers = admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
            short replicas = (short) Math.min(3, brokers);
            List<NewTopic> missing = java.util.stream.Stream.concat(topicByKind.values().stream(), java.util.stream.Stream.of(deadLetterTopic))
                    .filter(topic -> !existing.contains(topic))
                    .map(topic -> new NewTopic(topic, partitions, replicas).configs(topicConfig(replicas)))
                    .toList();
            if (!missing.isEmpty()) {
                log.info("creating topics {} with {} partitions and {} replicas", missing, partitions, replicas);
                try {
                    admin.createTopics(missing).all().get(30, TimeUnit.SECONDS);
                } catch (ExecutionException raced) {
                    // Another instance starting at the same moment created them first.
                    if (!(raced.getCause() instanceof TopicExistsException)) {
                        throw raced;
                    }
                }
            }
        }
    }

    private static Map<String, String> topicConfig(short replicas) {
        Map<String, String> config = new HashMap<>();
        config.put(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG, Integer.toString(Math.min(2, replicas)));
        return config;
    }
}
