package org.fairrush.rush.lua;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimRecorded;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/** Calls claim.lua and turns its answer into a {@link ScriptAnswer}. */
public final class ClaimScript {

    private static final RedisScript<List<Object>> SCRIPT = LuaScripts.list("claim");

    private final ReactiveStringRedisTemplate redis;
    private final ClaimCodec codec;
    private final String ttlSeconds;

    public ClaimScript(ReactiveStringRedisTemplate redis, ClaimCodec codec, Duration idempotencyTtl) {
        this.redis = redis;
        this.codec = codec;
        this.ttlSeconds = Long.toString(Math.max(1, idempotencyTtl.toSeconds()));
    }

    /**
     * The script's answer: a result code, a number whose meaning depends on it, the claim, a waiting claim's
     * position, whether the pool has a waiting list, for a replay the earlier claim's id (its claim is null when
     * Redis keeps no copy of it: then it is stored, and read from Postgres), and for a claim just recorded (GRANTED,
     * WAITLISTED) its JSON as Redis holds it, which is what Kafka is sent ({@link org.fairrush.rush.ClaimPublisher#publish(ClaimRecorded, String)}).
     */
    public record ScriptAnswer(Code code, long number, ClaimRecorded claim, long position, boolean waitlist, UUID replayedId,
            String recordedJson) {

        public ScriptAnswer(Code code, long number, ClaimRecorded claim, long position, boolean waitlist, UUID replayedId) {
            this(code, number, claim, position, waitlist, replayedId, null);
        }
    }

    public enum Code {
        GRANTED, REPLAYED, SOLD_OUT, LIMIT_REACHED, NOT_STARTED, ENDED, PAUSED, UNKNOWN_POOL, WAITLISTED, DAILY_SOLD_OUT,
        DAILY_LIMIT_REACHED
    }

    /** @param keys the pool's keys; with a {@link PoolKeys#day()}, the day's caps are checked and counted too */
    public Mono<ScriptAnswer> run(PoolKeys keys, ClaimRecorded draft, String idempotencyKey, Instant now) {
        List<String> args = new ArrayList<>(List.of(Long.toString(now.toEpochMilli()), draft.actorId(), codec.write(draft), ttlSeconds));
        if (keys.day() != null) {
            args.addAll(List.of(Integer.toString(keys.day().units()), Integer.toString(keys.day().perActor()),
                    Long.toString(keys.day().expiresAt().getEpochSecond())));
        }
        return redis.execute(SCRIPT, keys.claimKeys(draft.actorId(), idempotencyKey), args)
                .next()
                .map(reply -> answer(reply, draft));
    }

    private ScriptAnswer answer(List<Object> reply, ClaimRecorded draft) {
        Code code = Code.values()[Math.toIntExact((Long) reply.get(0))];
        long number = (Long) reply.get(1);
        String json = String.valueOf(reply.get(2));
        long position = reply.size() > 3 ? (Long) reply.get(3) : 0;
        boolean waitlist = reply.size() > 4 && (Long) reply.get(4) == 1L;
        return switch (code) {
            // The draft plus what the script added: the JSON it recorded is not read back (issue 13: 1.5 % of a grab).
            case GRANTED, WAITLISTED -> new ScriptAnswer(code, number,
                    draft.recorded(reply.size() > 6 ? (String) reply.get(6) : null, Math.toIntExact((Long) reply.get(5)),
                            code == Code.GRANTED ? ClaimRecorded.HELD : ClaimRecorded.WAITING),
                    position, waitlist, null, json);
            default -> new ScriptAnswer(code, number, json.isEmpty() ? null : codec.read(json), position, waitlist,
                    reply.size() > 5 ? UUID.fromString(String.valueOf(reply.get(5))) : null);
        };
    }
}
