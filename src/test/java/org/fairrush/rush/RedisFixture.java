package org.fairrush.rush;

import java.time.Duration;
import java.util.UUID;

import io.lettuce.core.event.command.CommandListener;
import org.fairrush.devstack.DevStack;
import org.fairrush.rush.lua.PoolKeys;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The test JVM's real Redis for tests of the engine's scripts without an application context. Each
 * fixture gets its own key prefix below the run's prefix, so tests never see each other's pools.
 */
public final class RedisFixture implements AutoCloseable {

    final LettuceConnectionFactory connections;
    public final ReactiveStringRedisTemplate redis;
    public final RushProperties properties;
    public final ClaimCodec codec = new ClaimCodec(JsonMapper.builder().findAndAddModules().build());

    private RedisFixture(LettuceConnectionFactory connections, RushProperties properties) {
        this.connections = connections;
        this.redis = new ReactiveStringRedisTemplate(connections);
        this.properties = properties;
    }

    public static RedisFixture create() {
        var stack = DevStack.forTests().properties();
        String url = (String) stack.get("spring.data.redis.url");
        java.net.URI uri = java.net.URI.create(url);
        LettuceConnectionFactory connections = new LettuceConnectionFactory(
                new org.springframework.data.redis.connection.RedisStandaloneConfiguration(uri.getHost(), uri.getPort()));
        connections.afterPropertiesSet();
        connections.start();
        String prefix = stack.get("fairrush.rush.key-prefix") + "-" + UUID.randomUUID().toString().substring(0, 8);
        var settings = new java.util.HashMap<String, Object>();
        settings.put("fairrush.rush.key-prefix", prefix);
        settings.put("fairrush.rush.send-timeout", "2s");
        RushProperties properties = new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("fairrush.rush", Bindable.of(RushProperties.class));
        return new RedisFixture(connections, properties);
    }

    public PoolKeys keys(PoolRef ref) {
        return new PoolKeys(properties.keyPrefix(), ref);
    }

    /** Tells {@code listener} of every command this fixture's connections send (to count a test's round trips). */
    public void listen(CommandListener listener) {
        connections.getNativeClient().addListener(listener);
    }

    public Duration idempotencyTtl() {
        return properties.idempotencyTtl();
    }

    @Override
    public void close() {
        redis.scan(org.springframework.data.redis.core.ScanOptions.scanOptions().match(properties.keyPrefix() + ":*").build())
                .flatMap(redis::unlink)
                .blockLast(Duration.ofSeconds(10));
        connections.destroy();
    }
}
