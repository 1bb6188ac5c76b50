package org.fairrush.rush;

import org.fairrush.FairrushTest;
import org.fairrush.rush.lua.ConsolidatedFlushes;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service's Redis client, from which every connection is made (Spring Data's shared one, the rate limits' own),
 * consolidates its flushes by default (application.yml: fairrush.rush.redis-flush-consolidation, design note 55).
 */
@FairrushTest
class RedisFlushConsolidationTest {

    @Autowired
    LettuceConnectionFactory connections;

    @Test
    void theRedisClientsConnectionsConsolidateTheirFlushes() {
        assertThat(connections.getNativeClient().getResources().nettyCustomizer()).isInstanceOf(ConsolidatedFlushes.class);
    }
}
