package org.fairrush.rush.lua;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import reactor.core.publisher.Mono;

/**
 * Waits until {@code replicas} replicas of the Redis primary that holds a key have every write the primary
 * had taken so far (Redis WAIT), so that a claim acknowledged to a client survives the loss of that primary.
 * WAIT counts the writes of its own connection: on a connection of its own to the key's primary, a small
 * write to the key's slot (after the claim script answered, so later in the replication stream) followed by
 * WAIT covers the claim too. Used when fairrush.rush.redis-replica-acks is above 0.
 */
public final class ReplicaAcks implements AutoCloseable {

    private final AbstractRedisClient client;
    private final int replicas;
    private final Duration timeout;
    private volatile CompletableFuture<StatefulRedisConnection<String, String>> standalone;
    private CompletableFuture<StatefulRedisClusterConnection<String, String>> cluster;

    public ReplicaAcks(AbstractRedisClient client, int replicas, Duration timeout) {
        this.client = client;
        this.replicas = replicas;
        this.timeout = timeout;
    }

    /** Completes once enough replicas have the writes to {@code key}'s primary so far; an error when they did not within the timeout. */
    Mono<Void> await(String key) {
        return Mono.fromFuture(() -> connectionFor(key))
                .flatMap(connection -> connection.reactive().set(key + ".replicated", "1", SetArgs.Builder.px(60_000))
                        .then(connection.reactive().waitForReplication(replicas, timeout.toMillis())))
                .flatMap(acknowledged -> acknowledged >= replicas ? Mono.<Void>empty() : Mono.error(new IllegalStateException(
                        acknowledged + " of " + replicas + " Redis replicas acknowledged within " + timeout.toMillis() + " ms")));
    }

    private CompletableFuture<StatefulRedisConnection<String, String>> connectionFor(String key) {
        if (client instanceof RedisClusterClient clusterClient) {
            return clusterConnection(clusterClient).thenCompose(connection -> {
                var primary = connection.getPartitions().getMasterBySlot(SlotHash.getSlot(key));
                return primary == null ? CompletableFuture.failedFuture(new IllegalStateException("no Redis primary for " + key))
                        : connection.getConnectionAsync(primary.getNodeId());
            });
        }
        CompletableFuture<StatefulRedisConnection<String, String>> current = standalone;
        if (current == null || current.isCompletedExceptionally() || (current.isDone() && !current.join().isOpen())) {
            synchronized (this) {
                if (standalone == current) {
                    standalone = CompletableFuture.supplyAsync(() -> ((RedisClient) client).connect(StringCodec.UTF8));
                }
                current = standalone;
            }
        }
        return current;
    }

    /** Connects without blocking: this runs on Lettuce's own threads, which a blocking connect would stall. */
    private synchronized CompletableFuture<StatefulRedisClusterConnection<String, String>> clusterConnection(RedisClusterClient clusterClient) {
        if (cluster == null || cluster.isCompletedExceptionally() || (cluster.isDone() && !cluster.join().isOpen())) {
            cluster = clusterClient.connectAsync(StringCodec.UTF8);
        }
        return cluster;
    }

    @Override
    public synchronized void close() {
        if (cluster != null && cluster.isDone() && !cluster.isCompletedExceptionally()) {
            cluster.join().close();
        }
        if (standalone != null && standalone.isDone() && !standalone.isCompletedExceptionally()) {
            standalone.join().close();
        }
    }
}
