package org.fairrush.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;

/**
 * A Redis Cluster of three primaries (no replicas) as separate redis-server processes on free ports, for
 * tests that must run on a real cluster: every key of one script call must sit in one slot, or the cluster
 * refuses the call (CROSSSLOT). Needs redis-server on the PATH (Debian: apt-get install redis-server).
 */
public final class RedisClusterServers implements AutoCloseable {

    private static final int SLOTS = 16384;

    private final Path home;
    private final List<Integer> ports;
    private final List<Process> processes = new ArrayList<>();

    private RedisClusterServers(Path home, List<Integer> ports) {
        this.home = home;
        this.ports = ports;
    }

    /** Starts {@code primaries} nodes, joins them, spreads the slots evenly and waits until the cluster is ok. */
    public static RedisClusterServers start(int primaries) {
        try {
            Path home = Files.createTempDirectory("fairrush-redis-cluster-");
            List<Integer> ports = new ArrayList<>();
            while (ports.size() < primaries) {
                int port = freePortWithBus();
                if (!ports.contains(port)) {
                    ports.add(port);
                }
            }
            RedisClusterServers cluster = new RedisClusterServers(home, ports);
            cluster.launch();
            cluster.form();
            return cluster;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** host:port of every node, as spring.data.redis.cluster.nodes takes them. */
    public List<String> nodes() {
        return ports.stream().map(port -> "127.0.0.1:" + port).toList();
    }

    private void launch() throws IOException {
        for (int port : ports) {
            Path dir = Files.createDirectories(home.resolve(Integer.toString(port)));
            processes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no")
                    .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start());
        }
    }

    private void form() {
        List<RedisClient> clients = ports.stream().map(port -> RedisClient.create("redis://127.0.0.1:" + port)).toList();
        try {
            List<StatefulRedisConnection<String, String>> nodes = new ArrayList<>();
            for (RedisClient client : clients) {
                nodes.add(connect(client));
            }
            for (int i = 1; i < nodes.size(); i++) {
                nodes.get(i).sync().clusterMeet("127.0.0.1", ports.get(0));
            }
            int per = SLOTS / nodes.size();
            for (int i = 0; i < nodes.size(); i++) {
                int from = i * per;
                int to = i == nodes.size() - 1 ? SLOTS - 1 : from + per - 1;
                nodes.get(i).sync().clusterAddSlotsRange(io.lettuce.core.Range.create(from, to));
            }
            awaitOk(nodes);
        } finally {
            clients.forEach(client -> client.shutdown(Duration.ZERO, Duration.ofSeconds(2)));
        }
    }

    private StatefulRedisConnection<String, String> connect(RedisClient client) {
        Instant deadline = Instant.now().plusSeconds(20);
        while (true) {
            try {
                return client.connect();
            } catch (RuntimeException notYet) {
                if (Instant.now().isAfter(deadline)) {
                    throw new IllegalStateException("redis-server did not start, see " + home, notYet);
                }
                pause();
            }
        }
    }

    private void awaitOk(List<StatefulRedisConnection<String, String>> nodes) {
        Instant deadline = Instant.now().plusSeconds(30);
        while (!nodes.stream().allMatch(node -> node.sync().clusterInfo().contains("cluster_state:ok")
                && node.sync().clusterNodes().lines().count() == nodes.size())) {
            if (Instant.now().isAfter(deadline)) {
                throw new IllegalStateException("the Redis Cluster did not form, see " + home);
            }
            pause();
        }
    }

    private static void pause() {
        try {
            Thread.sleep(100);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A free port whose cluster bus port (port + 10000) is free too. */
    private static int freePortWithBus() {
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = ThreadLocalRandom.current().nextInt(20000, 30000);
            if (free(port) && free(port + 10000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair for a Redis Cluster node");
    }

    private static boolean free(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    @Override
    public void close() {
        processes.forEach(Process::destroyForcibly);
        for (Process process : processes) {
            try {
                process.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        EmbeddedPostgres.deleteRecursively(home);
    }
}
