package org.fairrush.rush.lua;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimRecorded;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/** Calls offer.lua, the one step of each transition of a pool whose freed units are offered, and reads its answer. */
public final class OfferScript {

    private static final RedisScript<List<Object>> SCRIPT = LuaScripts.list("offer");

    private final ReactiveStringRedisTemplate redis;
    private final ClaimCodec codec;

    public OfferScript(ReactiveStringRedisTemplate redis, ClaimCodec codec) {
        this.redis = redis;
        this.codec = codec;
    }

    public enum Action {
        RELEASE, ACCEPT, DECLINE, EXPIRE
    }

    public enum Code {
        UNKNOWN, DONE, ALREADY, WRONG_POOL, NOT_OFFERED, EXPIRED, NOT_DUE, PAUSED
    }

    /**
     * @param claim     the claim asked about, as it is after the step (null when unknown or in another pool)
     * @param offered   the waiting claim its unit was offered to in this step, or null
     * @param restocked whether its unit went back to the stock (nobody waiting)
     */
    public record Answer(Code code, ClaimRecorded claim, ClaimRecorded offered, boolean restocked) {
    }

    public Mono<Answer> run(PoolKeys keys, Action action, UUID claimId, Instant now, Duration holdFor) {
        List<String> keyList = List.of(keys.meta(), keys.stock(), keys.holders(), keys.waitlist(), keys.claims(), keys.changes(),
                keys.offers());
        List<String> args = List.of(action.name(), claimId.toString(), keys.ref().pool(), Long.toString(now.toEpochMilli()),
                Long.toString(holdFor.toMillis()));
        return redis.execute(SCRIPT, keyList, args).next()
                .map(reply -> new Answer(Code.values()[Math.toIntExact((Long) reply.get(0))], claim(reply.get(1)), claim(reply.get(2)),
                        (Long) reply.get(3) == 1L));
    }

    private ClaimRecorded claim(Object json) {
        String text = String.valueOf(json);
        return text.isEmpty() ? null : codec.read(text);
    }
}
