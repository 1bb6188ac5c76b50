package org.fairrush.rush;

import java.util.Map;

import io.lettuce.core.resource.ClientResources;
import org.fairrush.FairrushTest;
import org.fairrush.rush.lua.ConsolidatedFlushes;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's Redis client, from which every connection is made (Spring Data's shared one, the rate limits' own),
 * consolidates its flushes by default, and not when fairrush.rush.redis-flush-consolidation is false (design note 55).
 */
@FairrushTest
class RedisFlushConsolidationTest {

    @Autowired
    LettuceConnectionFactory connections;

    @Test
    void theRedisClientsConnectionsConsolidateTheirFlushes() {
        assertThat(connections.getNativeClient().getResources().nettyCustomizer()).isInstanceOf(ConsolidatedFlushes.class);
    }

    @Test
    void switchedOffTheClientIsLeftAsLettuceMakesIt() {
        RushProperties off = new Binder(new MapConfigurationPropertySource(Map.of("fairrush.rush.redis-flush-consolidation", "false")))
                .bindOrCreate("fairrush.rush", RushProperties.class);
        ClientResources.Builder builder = ClientResources.builder();

        new RushConfiguration().consolidatedRedisFlushes(off).customize(builder);

        ClientResources resources = builder.build();
        try {
            assertThat(resources.nettyCustomizer()).isNotInstanceOf(ConsolidatedFlushes.class);
        } finally {
            resources.shutdown();
        }
    }
}
