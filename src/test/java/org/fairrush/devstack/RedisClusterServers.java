package org.fairrush.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;

/**
 * A Redis Cluster of three primaries (no replicas) as separate redis-server processes on free ports, for
 * tests that must run on a real cluster: every key of one script call must sit in one slot, or the cluster
 * refuses the call (CROSSSLOT). Needs redis-server on the PATH (Debian: apt-get install redis-server).
 */
public final class RedisClusterServers implements AutoCloseable {

    private static final int SLOTS = 16384;

    private final Path home;
    private final List<Integer> ports;
    /** Cluster bus ports chosen free too (not port + 10000, which may be taken: it lies in the ephemeral range). */
    private final List<Integer> busPorts;
    private final List<Process> processes = new ArrayList<>();

    private RedisClusterServers(Path home, List<Integer> ports, List<Integer> busPorts) {
        this.home = home;
        this.ports = ports;
        this.busPorts = busPorts;
    }

    /** Starts {@code primaries} nodes, joins them, spreads the slots evenly and waits until the cluster is ok. */
    public static RedisClusterServers start(int primaries) {
        try {
            Path home = Files.createTempDirectory("fairrush-redis-cluster-");
            List<Integer> ports = new ArrayList<>();
            List<Integer> busPorts = new ArrayList<>();
            while (ports.size() < primaries) {
                int port = FreePorts.next();
                int bus = FreePorts.next();
                if (port != bus && !ports.contains(port) && !ports.contains(bus) && !busPorts.contains(port) && !busPorts.contains(bus)) {
                    ports.add(port);
                    busPorts.add(bus);
                }
            }
            RedisClusterServers cluster = new RedisClusterServers(home, ports, busPorts);
            try {
                cluster.launch();
                cluster.form();
            } catch (RuntimeException | IOException failed) {
                cluster.close();
                throw failed;
            }
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
        for (int i = 0; i < ports.size(); i++) {
            int port = ports.get(i);
            Path dir = Files.createDirectories(home.resolve(Integer.toString(port)));
            processes.add(new ProcessBuilder("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                    "--dir", dir.toString(), "--cluster-enabled", "yes", "--cluster-port", Integer.toString(busPorts.get(i)), "--cluster-config-file", "nodes.conf",
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
                // CLUSTER MEET ip port cluster-port: the bus port is not port + 10000 here.
                nodes.get(i).sync().dispatch(CommandType.CLUSTER, new StatusOutput<>(StringCodec.UTF8),
                        new CommandArgs<>(StringCodec.UTF8).add("MEET").add("127.0.0.1").add(ports.get(0)).add(busPorts.get(0)));
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
