package org.fairrush.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * Redis with Sentinel as separate processes on free ports: a primary, one replica and one sentinel watching
 * them under the master name {@value #MASTER} (quorum 1), for tests that must reach Redis the way production
 * does through sentinels (spring.data.redis.sentinel.*). Runs the redis-server on the PATH (Debian:
 * apt-get install redis-server; a sentinel is redis-server --sentinel). {@link #failover()} makes the replica
 * the primary, as the sentinels do when the primary dies.
 */
public final class RedisSentinelServers implements AutoCloseable {

    public static final String MASTER = "fairrush";

    private final Path home;
    private final int primary;
    private final int replica;
    private final int sentinel;
    private final ServerProcesses processes;

    private RedisSentinelServers(Path home, int primary, int replica, int sentinel) {
        this.home = home;
        this.processes = new ServerProcesses(home);
        this.primary = primary;
        this.replica = replica;
        this.sentinel = sentinel;
    }

    /** Whether a redis-server to run is on the PATH. */
    public static boolean available() {
        return java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                .anyMatch(dir -> Files.isExecutable(Path.of(dir, "redis-server")));
    }

    public static RedisSentinelServers start() {
        try {
            RedisSentinelServers servers = new RedisSentinelServers(Files.createTempDirectory("fairrush-redis-sentinel-"),
                    FreePorts.next(), FreePorts.next(), FreePorts.next());
            try {
                servers.launch();
            } catch (RuntimeException | IOException failed) {
                servers.close();
                throw failed;
            }
            return servers;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** host:port of the sentinel, as spring.data.redis.sentinel.nodes takes it. */
    public String sentinelNodes() {
        return "127.0.0.1:" + sentinel;
    }

    /** The port of the Redis the sentinel names primary now. */
    public int currentPrimaryPort() {
        try (Connection sentinelConnection = new Connection(sentinel)) {
            List<String> address = sentinelConnection.connection().sync().dispatch(io.lettuce.core.protocol.CommandType.SENTINEL,
                    new io.lettuce.core.output.ValueListOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                    new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("get-master-addr-by-name").add(MASTER));
            return Integer.parseInt(address.get(1));
        }
    }

    /** Promotes the replica (SENTINEL FAILOVER) and waits until the sentinel names it and it has taken the role. */
    public void failover() {
        int before = currentPrimaryPort();
        // What the primary holds is on the replica first (WAIT), so that this failover loses nothing: the loss by
        // asynchronous replication is another test's subject (docs/operations.md section 10).
        try (Connection primaryConnection = new Connection(before)) {
            primaryConnection.connection().sync().waitForReplication(1, 5000);
        }
        try (Connection sentinelConnection = new Connection(sentinel)) {
            sentinelConnection.connection().sync().dispatch(io.lettuce.core.protocol.CommandType.SENTINEL,
                    new io.lettuce.core.output.StatusOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                    new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("failover").add(MASTER));
        }
        await("the failover", () -> currentPrimaryPort() != before && role(currentPrimaryPort()).equals("master"));
        // Until the sentinel has demoted the old primary (and so dropped its clients), it still takes writes that the
        // new primary will never see: wait for that too, as a client would only notice it then.
        await("the old primary's demotion", () -> role(before).equals("slave"));
    }

    private void launch() throws IOException {
        processes.add(redis(primary, List.of()));
        processes.add(redis(replica, List.of("--replicaof", "127.0.0.1", Integer.toString(primary))));
        await("the replica's sync", () -> role(replica).equals("slave") && info(replica).contains("master_link_status:up"));
        Path dir = Files.createDirectories(home.resolve("sentinel"));
        // Sentinel rewrites its configuration file: it must be its own, writable.
        Path conf = dir.resolve("sentinel.conf");
        Files.writeString(conf, String.join("\n",
                "port " + sentinel,
                "bind 127.0.0.1",
                "dir " + dir,
                "sentinel monitor " + MASTER + " 127.0.0.1 " + primary + " 1",
                "sentinel down-after-milliseconds " + MASTER + " 2000",
                "sentinel failover-timeout " + MASTER + " 10000",
                ""));
        processes.add(new ProcessBuilder("redis-server", conf.toString(), "--sentinel")
                .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start());
        // The sentinel knows the replica once it has asked the primary (INFO every 10 s at first): only then can it fail over.
        await("the sentinel's view of the replica", () -> {
            try (Connection sentinelConnection = new Connection(sentinel)) {
                return sentinelConnection.connection().sync().dispatch(io.lettuce.core.protocol.CommandType.SENTINEL,
                        new io.lettuce.core.output.ArrayOutput<>(io.lettuce.core.codec.StringCodec.UTF8),
                        new io.lettuce.core.protocol.CommandArgs<>(io.lettuce.core.codec.StringCodec.UTF8).add("replicas").add(MASTER))
                        .toString().contains(Integer.toString(replica));
            } catch (RuntimeException notYet) {
                return false;
            }
        });
    }

    private Process redis(int port, List<String> extra) throws IOException {
        Path dir = Files.createDirectories(home.resolve(Integer.toString(port)));
        List<String> command = new ArrayList<>(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--dir", dir.toString(), "--save", "", "--appendonly", "no"));
        command.addAll(extra);
        return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    }

    private String role(int port) {
        return info(port).lines().filter(line -> line.startsWith("role:")).map(line -> line.substring(5).trim()).findFirst().orElse("");
    }

    private String info(int port) {
        try (Connection connection = new Connection(port)) {
            return connection.connection().sync().info("replication");
        } catch (RuntimeException notYet) {
            return "";
        }
    }

    private void await(String what, BooleanSupplier done) {
        Instant deadline = Instant.now().plusSeconds(60);
        while (!done.getAsBoolean()) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException(what + " did not happen, see " + home);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    /** One short-lived connection to a local Redis or sentinel port. */
    private static final class Connection implements AutoCloseable {
        private final RedisClient client;
        private final StatefulRedisConnection<String, String> connection;

        Connection(int port) {
            client = RedisClient.create(RedisURI.builder().withHost("127.0.0.1").withPort(port).withTimeout(Duration.ofSeconds(2)).build());
            try {
                connection = client.connect();
            } catch (RuntimeException e) {
                client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
                throw e;
            }
        }

        StatefulRedisConnection<String, String> connection() {
            return connection;
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
        }
    }

    @Override
    public void close() {
        processes.close();
    }
}
