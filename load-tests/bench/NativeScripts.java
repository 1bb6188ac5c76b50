import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What Spring Data Redis adds to a script call over Lettuce's own reactive API (the "native Lettuce" lever of issue 13,
 * docs/benchmarks.md session k): take-token.lua called 64 at a time, once through ReactiveStringRedisTemplate as the
 * service calls its scripts, once by EVALSHA on a native connection of the same client; this JVM's CPU per call.
 * Run from the repository root, Redis on 127.0.0.1:6379:
 *
 *   ./mvnw -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 *   java -cp "$(cat /tmp/cp.txt)" load-tests/bench/NativeScripts.java 200000
 *
 * Keys "bench:native:*" (1,000 token buckets, expiring by themselves).
 */
public class NativeScripts {

    public static void main(String[] args) throws Exception {
        int calls = Integer.parseInt(args[0]);
        String text = Files.readString(Path.of("src/main/resources/lua/take-token.lua"));
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379));
        factory.afterPropertiesSet();
        factory.start();
        ReactiveStringRedisTemplate template = new ReactiveStringRedisTemplate(factory);
        RedisScript<Long> script = RedisScript.of(text, Long.class);
        StatefulRedisConnection<String, String> connection = ((RedisClient) factory.getNativeClient()).connect(StringCodec.UTF8);
        String sha = connection.sync().scriptLoad(text);
        for (int round = 1; round <= 4; round++) {
            for (String way : List.of("spring-data", "native")) {
                long cpu = cpu(), start = System.nanoTime();
                Flux.range(0, calls).flatMap(i -> call(way, template, script, connection, sha, "bench:native:" + i % 1000), 64).blockLast();
                System.out.printf("round %d %s: %.1f us CPU/call, %.0f calls/s%n", round, way, (cpu() - cpu) / 1e3 / calls,
                        calls / ((System.nanoTime() - start) / 1e9));
            }
        }
        System.exit(0);
    }

    private static Mono<Long> call(String way, ReactiveStringRedisTemplate template, RedisScript<Long> script,
            StatefulRedisConnection<String, String> connection, String sha, String key) {
        List<String> arguments = List.of("1000000", "1000", Long.toString(System.currentTimeMillis()), "1");
        return way.equals("native")
                ? connection.reactive().<Long>evalsha(sha, ScriptOutputType.INTEGER, new String[] {key}, arguments.toArray(String[]::new)).next()
                : template.execute(script, List.of(key), arguments).next();
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
