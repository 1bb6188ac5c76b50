package org.fairrush.web;

import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.redis.lettuce.cas.LettuceBasedProxyManager;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulConnection;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

/**
 * Bucket4j's access to Redis for the rate limits. The guards themselves (RateLimits, InFlightLimit) are
 * not beans: a WebFilter bean would also run in WebFlux's own filter chain, so every request would pass
 * them twice; SecurityConfiguration places them in the security chain, once.
 */
@Configuration(proxyBeanMethods = false)
class RateLimitConfiguration {

    @Bean
    RateLimitBuckets rateLimitBuckets(LettuceConnectionFactory connections) {
        return new RateLimitBuckets(connections);
    }

    /**
     * One connection of Bucket4j's own on the same Redis (standalone, Sentinel or Cluster) as the rest. It is opened
     * when the context starts and closed when it stops (a lifecycle bean, after and before the connection factory),
     * never on a request: a connect blocks, and a request runs on an event loop.
     */
    static final class RateLimitBuckets implements SmartLifecycle {

        private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

        private final LettuceConnectionFactory connections;
        private volatile StatefulConnection<String, byte[]> connection;
        private volatile ProxyManager<String> buckets;

        RateLimitBuckets(LettuceConnectionFactory connections) {
            this.connections = connections;
        }

        /** The buckets; only while the context runs (Lettuce reconnects the connection by itself after a Redis restart). */
        ProxyManager<String> get() {
            ProxyManager<String> current = buckets;
            if (current == null) {
                throw new IllegalStateException("rate limits are not started");
            }
            return current;
        }

        @Override
        public synchronized void start() {
            if (isRunning()) {
                return;
            }
            AbstractRedisClient client = connections.getNativeClient();
            if (client instanceof RedisClusterClient cluster) {
                StatefulRedisClusterConnection<String, byte[]> opened = cluster.connect(CODEC);
                buckets = LettuceBasedProxyManager.builderFor(opened).withExpirationStrategy(RateLimits.expiry()).build();
                connection = opened;
            } else {
                StatefulRedisConnection<String, byte[]> opened = ((RedisClient) client).connect(CODEC);
                buckets = LettuceBasedProxyManager.builderFor(opened).withExpirationStrategy(RateLimits.expiry()).build();
                connection = opened;
            }
        }

        @Override
        public synchronized void stop() {
            buckets = null;
            if (connection != null) {
                connection.close();
                connection = null;
            }
        }

        @Override
        public boolean isRunning() {
            return connection != null;
        }

        /** Started after the connection factory (phase 0) has its client, stopped before it closes it. */
        @Override
        public int getPhase() {
            return 1;
        }
    }
}
