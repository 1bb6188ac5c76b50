package org.fairrush.ops;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaFuture;
import reactor.core.publisher.Mono;

/**
 * What ops asks the Kafka cluster, through one long-lived admin client: is it reachable (readiness). The
 * persisters' lag is rush's {@link org.fairrush.rush.ClaimLag}.
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

    private static <T> Mono<T> mono(KafkaFuture<T> future) {
        return Mono.fromCompletionStage(future.toCompletionStage());
    }

    void close() {
        admin.close(Duration.ofSeconds(2));
    }

}
