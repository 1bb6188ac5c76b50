package org.fairrush.rush;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/**
 * Calls the scripts that change claims after they were made: release-and-promote.lua, assign-in-order.lua
 * and forget-change.lua, and turns their answers into values.
 */
final class ChangeScripts {

    private static final RedisScript<List<Object>> RELEASE = LuaScripts.list("release-and-promote");
    private static final RedisScript<List<Object>> ASSIGN = LuaScripts.list("assign-in-order");
    private static final RedisScript<Long> FORGET = LuaScripts.number("forget-change");

    private final ReactiveStringRedisTemplate redis;
    private final ClaimCodec codec;

    ChangeScripts(ReactiveStringRedisTemplate redis, ClaimCodec codec) {
        this.redis = redis;
        this.codec = codec;
    }

    enum ReleaseCode {
        UNKNOWN, RELEASED, ALREADY, WRONG_POOL
    }

    /** A changed claim, with the exact JSON the outbox holds (forget-change.lua compares it). */
    record Change(ClaimRecorded claim, String json) {
    }

    /** The released claim, the claim promoted into its place (or null), and whether the unit went back to stock. */
    record ReleaseAnswer(ReleaseCode code, Change released, Change promoted, boolean restocked) {
    }

    enum AssignCode {
        MISMATCH, ASSIGNED, ALREADY
    }

    Mono<ReleaseAnswer> release(PoolKeys keys, UUID claimId) {
        List<String> keyList = List.of(keys.stock(), keys.holders(), keys.waitlist(), keys.claims(), keys.changes());
        return redis.execute(RELEASE, keyList, List.of(claimId.toString(), keys.ref().pool())).next()
                .map(reply -> new ReleaseAnswer(ReleaseCode.values()[Math.toIntExact((Long) reply.get(0))],
                        change(reply.get(1)), change(reply.get(2)), (Long) reply.get(3) == 1L));
    }

    Mono<AssignCode> assign(PoolKeys keys, List<UUID> order, List<String> items) {
        List<String> args = new ArrayList<>(1 + order.size() + items.size());
        args.add(Integer.toString(order.size()));
        order.forEach(id -> args.add(id.toString()));
        args.addAll(items);
        List<String> keyList = List.of(keys.meta(), keys.stock(), keys.waitlist(), keys.claims(), keys.changes());
        return redis.execute(ASSIGN, keyList, args).next()
                .map(reply -> AssignCode.values()[Math.toIntExact((Long) reply.get(0))]);
    }

    Mono<Boolean> forget(PoolKeys keys, String claimId, String json) {
        return redis.execute(FORGET, List.of(keys.changes()), List.of(claimId, json)).next().map(n -> n == 1L);
    }

    Change change(Object json) {
        String text = String.valueOf(json);
        return text.isEmpty() ? null : new Change(codec.read(text), text);
    }
}
