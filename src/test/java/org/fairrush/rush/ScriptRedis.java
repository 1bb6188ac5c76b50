package org.fairrush.rush;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.fairrush.devstack.DevStack;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real Redis of this test JVM's {@link DevStack}, for tests of the Lua scripts: each instance works
 * under its own key prefix (inside the run's prefix, so the stack deletes the keys at exit).
 */
final class ScriptRedis implements AutoCloseable {

    final LettuceConnectionFactory factory;
    final ReactiveStringRedisTemplate redis;
    final ClaimCodec codec = new ClaimCodec(JsonMapper.builder().build());
    final String prefix;
    final ClaimScript claims;
    final ChangeScripts changes;
    final DefinePoolScript define;

    ScriptRedis() {
        Map<String, Object> stack = DevStack.forTests().properties();
        factory = new LettuceConnectionFactory(
                LettuceConnectionFactory.createRedisConfiguration((String) stack.get("spring.data.redis.url")));
        factory.afterPropertiesSet();
        factory.start();
        redis = new ReactiveStringRedisTemplate(factory);
        prefix = stack.get("fairrush.rush.key-prefix") + ":lua-" + UUID.randomUUID();
        claims = new ClaimScript(redis, codec, Duration.ofHours(1));
        changes = new ChangeScripts(redis, codec);
        define = new DefinePoolScript(redis);
    }

    PoolKeys keys(PoolRef ref) {
        return new PoolKeys(prefix, ref);
    }

    /** A pool of numbered items (e.g. A-01 .. A-05) with a waiting list, open now, one claim per actor in the scope. */
    PoolKeys itemPoolWithWaitlist(PoolRef ref, int items) {
        List<String> names = IntStream.rangeClosed(1, items).mapToObj(i -> String.format("%s-%02d", ref.pool(), i)).toList();
        Instant now = Instant.now();
        define.run(keys(ref), new PoolDefinition(ref, now.minusSeconds(60), now.plusSeconds(3600), 1, items, names, true)).block();
        return keys(ref);
    }

    /** An empty counted pool with a waiting list: every claim waits (a lottery's entries). */
    PoolKeys entriesOnly(PoolRef ref) {
        Instant now = Instant.now();
        define.run(keys(ref), new PoolDefinition(ref, now.minusSeconds(60), now.plusSeconds(3600), 1, 0, List.of(), true)).block();
        return keys(ref);
    }

    ClaimRecorded claim(PoolKeys keys, String actor) {
        Instant now = Instant.now();
        return claims.run(keys, ClaimRecorded.draft(keys.ref(), actor, now, Map.of("name", actor)), UUID.randomUUID().toString(), now)
                .block().claim();
    }

    List<String> stock(PoolKeys keys) {
        return redis.opsForList().range(keys.stock(), 0, -1).collectList().block();
    }

    List<String> waiting(PoolKeys keys) {
        return redis.opsForList().range(keys.waitlist(), 0, -1).collectList().block();
    }

    ClaimRecorded current(PoolKeys keys, UUID claimId) {
        String json = redis.<String, String>opsForHash().get(keys.claims(), claimId.toString()).block();
        return json == null ? null : codec.read(json);
    }

    List<ClaimRecorded> currentClaims(PoolKeys keys) {
        return redis.<String, String>opsForHash().values(keys.claims()).map(codec::read).collectList().block();
    }

    Map<String, String> outbox(PoolKeys keys) {
        return redis.<String, String>opsForHash().entries(keys.changes())
                .collectMap(Map.Entry::getKey, Map.Entry::getValue).block();
    }

    @Override
    public void close() {
        redis.keys(prefix + ":*").flatMap(redis::delete).blockLast();
        factory.destroy();
    }
}
