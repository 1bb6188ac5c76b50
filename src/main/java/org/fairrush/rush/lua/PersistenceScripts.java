package org.fairrush.rush.lua;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.fairrush.rush.ClaimRecorded;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Mono;

/** Calls confirm.lua before and clear.lua after the persister stores the claims of one scope. */
public final class PersistenceScripts {

    private static final RedisScript<List<Object>> CONFIRM = LuaScripts.list("confirm");
    private static final RedisScript<Long> CLEAR = LuaScripts.number("clear");

    /**
     * Most claims of one scope in one call: clear.lua passes them to Redis commands with Lua's unpack, which
     * Redis's Lua refuses past 7,999 values ("too many results to unpack"). The persister's batch size is bounded
     * by this (fairrush.rush.persister.batch-size), so a setting the script cannot take is refused at start-up
     * instead of failing every clear.
     */
    public static final int MOST_CLAIMS_PER_CALL = 7_000;

    private final ReactiveStringRedisTemplate redis;

    public PersistenceScripts(ReactiveStringRedisTemplate redis) {
        this.redis = redis;
    }

    /** Marks the claims confirmed and emits those that may be stored (the ones not reversed). */
    public Mono<List<ClaimRecorded>> confirm(PoolKeys keys, List<ClaimRecorded> claims) {
        return redis.execute(CONFIRM, List.of(keys.confirmed(), keys.reversed(), keys.unsent()), ids(claims)).next().map(flags -> {
            List<ClaimRecorded> kept = new ArrayList<>(claims.size());
            for (int i = 0; i < claims.size(); i++) {
                if ((Long) flags.get(i) == 1L) {
                    kept.add(claims.get(i));
                }
            }
            return kept;
        });
    }

    /** Forgets the PENDING records of claims now stored in Postgres, and released claims whose release is stored. */
    public Mono<Long> clear(PoolKeys keys, List<ClaimRecorded> claims) {
        List<String> args = new ArrayList<>(1 + 2 * claims.size());
        args.add(Integer.toString(claims.size()));
        args.addAll(ids(claims));
        claims.forEach(claim -> args.add(Integer.toString(claim.revision())));
        return redis.execute(CLEAR, List.of(keys.pending(), keys.confirmed(), keys.unsent(), keys.claims()), args).next();
    }

    private static List<String> ids(List<ClaimRecorded> claims) {
        return claims.stream().map(ClaimRecorded::eventId).map(UUID::toString).toList();
    }
}
