import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.lettuce.core.resource.ClientResources;
import io.netty.channel.Channel;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.springframework.data.redis.connection.RedisStandaloneConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import reactor.core.publisher.Flux;

/**
 * What a Redis command costs the client and Redis with and without consolidated flushes (design note 55): chains of two
 * take-token.lua calls, 64 chains at a time, through Spring Data Redis as the service calls its scripts, one client plain
 * and one with Netty's FlushConsolidationHandler as rush/lua/ConsolidatedFlushes adds it. Prints, per round and
 * client, this JVM's CPU per command and Redis's (from /proc). Run from the repository root, Redis on 127.0.0.1:6379:
 *
 *   ./mvnw -q dependency:build-classpath -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 *   java -cp "$(cat /tmp/cp.txt)" load-tests/bench/RedisFlushes.java 200000 "$(pgrep -f 'redis-server.*6379' | head -1)" [VARIANTS]
 *
 * Keys "bench:flushes:*" (1,000 token buckets, expiring by themselves).
 */
public class RedisFlushes {

    public static void main(String[] args) throws Exception {
        int chains = Integer.parseInt(args[0]);
        String redisPid = args[1];
        RedisScript<Long> takeToken = RedisScript.of(Files.readString(Path.of("src/main/resources/lua/take-token.lua")), Long.class);
        Map<String, ReactiveStringRedisTemplate> clients = new LinkedHashMap<>();
        clients.put("plain", client(0, false));
        // Variants to compare: "FLUSHES:OUTSIDE_READS", e.g. 256:true (the service's), 16:true, 256:false.
        for (String variant : (args.length > 2 ? args[2] : "256:true").split(",")) {
            String[] parts = variant.split(":");
            clients.put("consolidated " + variant, client(Integer.parseInt(parts[0]), Boolean.parseBoolean(parts[1])));
        }
        for (int round = 1; round <= 4; round++) {
            for (var client : clients.entrySet()) {
                ReactiveStringRedisTemplate redis = client.getValue();
                long cpu = cpu(), redisCpu = redisCpu(redisPid), start = System.nanoTime();
                Flux.range(0, chains).flatMap(i -> take(redis, takeToken, "bench:flushes:a:" + i % 1000)
                        .flatMap(taken -> take(redis, takeToken, "bench:flushes:b:" + i % 1000)), 64).blockLast();
                double commands = 2.0 * chains;
                System.out.printf("round %d %s: client %.1f us/command, redis %.1f us/command, %.0f commands/s%n", round, client.getKey(),
                        (cpu() - cpu) / 1e3 / commands, (redisCpu(redisPid) - redisCpu) / 1e3 / commands,
                        commands / ((System.nanoTime() - start) / 1e9));
            }
        }
        System.exit(0);
    }

    private static reactor.core.publisher.Mono<Long> take(ReactiveStringRedisTemplate redis, RedisScript<Long> script, String key) {
        return redis.execute(script, List.of(key), List.of("1000000", "1000", Long.toString(System.currentTimeMillis()), "1")).next();
    }

    /** @param flushes 0: Lettuce as it comes, else FlushConsolidationHandler's explicitFlushAfterFlushes */
    private static ReactiveStringRedisTemplate client(int flushes, boolean outsideReads) {
        ClientResources resources = flushes > 0 ? ClientResources.builder().nettyCustomizer(new io.lettuce.core.resource.NettyCustomizer() {
            @Override
            public void afterChannelInitialized(Channel channel) {
                channel.pipeline().addFirst(new FlushConsolidationHandler(flushes, outsideReads));
            }
        }).build() : ClientResources.create();
        LettuceConnectionFactory factory = new LettuceConnectionFactory(new RedisStandaloneConfiguration("127.0.0.1", 6379),
                LettuceClientConfiguration.builder().clientResources(resources).build());
        factory.afterPropertiesSet();
        factory.start();
        return new ReactiveStringRedisTemplate(factory);
    }

    private static long cpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    /** Redis's user and system time in ns (clock ticks of 10 ms). */
    private static long redisCpu(String pid) throws Exception {
        String[] fields = Files.readString(Path.of("/proc/" + pid + "/stat")).split("\\) ")[1].split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 10_000_000L;
    }
}
