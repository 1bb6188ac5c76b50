package org.fairrush.rush.lua;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.IntStream;

import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RedisFixture;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * A {@link RedisFixture} with the helpers the tests of the claim-changing scripts need: pools with items
 * and a waiting list, claims made through claim.lua, and readers of the pool's lists and hashes.
 */
final class ScriptRedis implements AutoCloseable {

    final RedisFixture fixture = RedisFixture.create();
    final ReactiveStringRedisTemplate redis = fixture.redis;
    final ClaimCodec codec = fixture.codec;
    final ClaimScript claims = new ClaimScript(redis, codec, Duration.ofHours(1));
    final ChangeScripts changes = new ChangeScripts(redis, codec);
    final DefinePoolScript define = new DefinePoolScript(redis);

    PoolKeys keys(PoolRef ref) {
        return fixture.keys(ref);
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
        fixture.close();
    }
}
