package org.fairrush.rush.lua;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimRecorded;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Calls the scripts that change claims after they were made: release-and-promote.lua, assign-in-order.lua
 * and forget-change.lua, and turns their answers into values.
 */
public final class ChangeScripts {

    private static final RedisScript<List<Object>> RELEASE = LuaScripts.list("release-and-promote");
    private static final RedisScript<List<Object>> ASSIGN = LuaScripts.list("assign-in-order");
    private static final RedisScript<Long> FORGET = LuaScripts.number("forget-change");

    private final ReactiveStringRedisTemplate redis;
    private final ClaimCodec codec;

    public ChangeScripts(ReactiveStringRedisTemplate redis, ClaimCodec codec) {
        this.redis = redis;
        this.codec = codec;
    }

    public enum ReleaseCode {
        UNKNOWN, RELEASED, ALREADY, WRONG_POOL
    }

    /** A changed claim, with the exact JSON the outbox holds (forget-change.lua compares it). */
    public record Change(ClaimRecorded claim, String json) {
    }

    /** The released claim, the claim promoted into its place (or null), and whether the unit went back to stock. */
    public record ReleaseAnswer(ReleaseCode code, Change released, Change promoted, boolean restocked) {
    }

    public enum AssignCode {
        MISMATCH, ASSIGNED, ALREADY
    }

    public Mono<ReleaseAnswer> release(PoolKeys keys, UUID claimId) {
        List<String> keyList = List.of(keys.stock(), keys.holders(), keys.waitlist(), keys.claims(), keys.changes());
        return redis.execute(RELEASE, keyList, List.of(claimId.toString(), keys.ref().pool())).next()
                .map(reply -> new ReleaseAnswer(ReleaseCode.values()[Math.toIntExact((Long) reply.get(0))],
                        change(reply.get(1)), change(reply.get(2)), (Long) reply.get(3) == 1L));
    }

    public Mono<AssignCode> assign(PoolKeys keys, List<UUID> order, List<String> items) {
        List<String> args = new ArrayList<>(1 + order.size() + items.size());
        args.add(Integer.toString(order.size()));
        order.forEach(id -> args.add(id.toString()));
        args.addAll(items);
        List<String> keyList = List.of(keys.meta(), keys.stock(), keys.waitlist(), keys.claims(), keys.changes());
        return redis.execute(ASSIGN, keyList, args).next()
                .map(reply -> AssignCode.values()[Math.toIntExact((Long) reply.get(0))]);
    }

    public Mono<Boolean> forget(PoolKeys keys, String claimId, String json) {
        return redis.execute(FORGET, List.of(keys.changes()), List.of(claimId, json)).next().map(n -> n == 1L);
    }

    public Change change(Object json) {
        String text = String.valueOf(json);
        return text.isEmpty() ? null : new Change(codec.read(text), text);
    }
}
