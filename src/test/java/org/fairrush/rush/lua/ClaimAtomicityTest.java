package org.fairrush.rush.lua;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RedisFixture;
import org.fairrush.rush.lua.ClaimScript.Code;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** Threads hammering claim.lua at once: the stock is never oversold and no actor passes the limit. */
class ClaimAtomicityTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:05:00Z");
    private final RedisFixture fixture = RedisFixture.create();

    @AfterEach
    void tearDown() {
        fixture.close();
    }

    @Test
    void eightThreadsNeverOversellAStockOf500() throws Exception {
        PoolRef pool = PoolRef.single("c", "99");
        PoolKeys keys = fixture.keys(pool);
        new DefinePoolScript(fixture.redis).run(keys,
                PoolDefinition.counted(pool, NOW.minusSeconds(60), NOW.plusSeconds(600), 2, 500)).block();
        ClaimScript claims = new ClaimScript(fixture.redis, fixture.codec, fixture.idempotencyTtl());

        ExecutorService threads = Executors.newFixedThreadPool(8);
        List<Callable<Code>> calls = new ArrayList<>();
        for (int i = 0; i < 1600; i++) {
            String actor = "m-" + (i % 300);
            String key = "key-" + i;
            calls.add(() -> claims.run(keys, ClaimRecorded.draft(pool, actor, NOW, Map.of()), key, NOW).block().code());
        }
        List<Code> codes = new ArrayList<>();
        for (Future<Code> result : threads.invokeAll(calls)) {
            codes.add(result.get());
        }
        threads.shutdown();

        long granted = codes.stream().filter(Code.GRANTED::equals).count();
        assertThat(granted).isEqualTo(500);
        assertThat(fixture.redis.opsForValue().get(keys.stock()).block()).isEqualTo("0");
        assertThat(fixture.redis.opsForHash().size(keys.pending()).block()).isEqualTo(500);
        Map<Object, Object> holders = fixture.redis.opsForHash().entries(keys.holders())
                .collectMap(Map.Entry::getKey, Map.Entry::getValue).block();
        assertThat(holders.values()).allSatisfy(held -> assertThat(Integer.parseInt((String) held)).isBetween(1, 2));
        assertThat(holders.values().stream().mapToInt(held -> Integer.parseInt((String) held)).sum()).isEqualTo(500);
    }
}
