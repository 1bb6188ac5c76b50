package org.fairrush.rush.lua;

import java.util.List;

import org.springframework.core.io.ClassPathResource;
import org.springframework.data.redis.core.script.RedisScript;

/**
 * Loads the engine's Lua scripts from {@code lua/*.lua}. Spring Data Redis runs them with EVALSHA and
 * falls back on EVAL when Redis answers NOSCRIPT (after a restart or a failover), so each script is sent
 * in full at most once per Redis server.
 */
public final class LuaScripts {

    private LuaScripts() {
    }

    @SuppressWarnings({"rawtypes", "unchecked"})
    static RedisScript<List<Object>> list(String name) {
        return (RedisScript) RedisScript.of(new ClassPathResource("lua/" + name + ".lua"), List.class);
    }

    public static RedisScript<Long> number(String name) {
        return RedisScript.of(new ClassPathResource("lua/" + name + ".lua"), Long.class);
    }
}
