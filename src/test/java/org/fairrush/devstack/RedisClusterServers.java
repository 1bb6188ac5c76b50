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
import io.lettuce.core.resource.ClientResources;
import org.fairrush.rush.lua.ConsolidatedFlushes;
import org.springframework.data.redis.connection.RedisClusterConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceClientConfiguration;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * A Redis Cluster of three primaries (no replicas) as separate redis-server processes on free ports, for
 * tests that must run on a real cluster: every key of one script call must sit in one slot, or the cluster
 * refuses the call (CROSSSLOT). Runs the redis-server on the PATH (Debian: apt-get install redis-server), or, on a
 * machine without one (only a JDK), the Redis 6.2 binary that embedded-redis ships in its jar (also chosen with
 * {@code -Dfairrush.redis-server=bundled}). Redis 6.2 has no {@code cluster-port}: its bus is port + 10000, so its
 * ports are chosen with that one free as well.
 */
public final class RedisClusterServers implements AutoCloseable {

    private static final int SLOTS = 16384;

    private final Path home;
    private final List<Integer> ports;
    /** Cluster bus ports chosen free too (not port + 10000, which may be taken: it lies in the ephemeral range). */
    private final List<Integer> busPorts;
    private final ServerProcesses processes;
    /** The redis-server to run; null for the one on the PATH (Redis 7, which takes a cluster bus port). */
    private final String bundled;
    /** The cluster client of {@link #template()}, made on first use and closed with the servers. */
    private LettuceConnectionFactory connections;
    private ClientResources resources;

    private RedisClusterServers(Path home, List<Integer> ports, List<Integer> busPorts, String bundled) {
        this.home = home;
        this.processes = new ServerProcesses(home);
        this.ports = ports;
        this.busPorts = busPorts;
        this.bundled = bundled;
    }

    private static String bundledRedisServer() throws IOException {
        boolean onPath = !"bundled".equals(System.getProperty("fairrush.redis-server"))
                && java.util.Arrays.stream(System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator))
                        .anyMatch(dir -> Files.isExecutable(Path.of(dir, "redis-server")));
        if (onPath) {
            return null;
        }
        java.io.File binary = redis.embedded.core.ExecutableProvider.newJarResourceProvider().get();
        binary.setExecutable(true);
        return binary.getAbsolutePath();
    }

    /** A free port below 55535 whose port + 10000 (Redis 6.2's cluster bus) is free too. */
    private static int freePortWithFreeBus() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int attempt = 0; attempt < 200; attempt++) {
            int port = 20_000 + random.nextInt(10_000);
            if (bindable(port) && bindable(port + 10_000)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port pair (p, p + 10000) found");
    }

    private static boolean bindable(int port) {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(port, 1, java.net.InetAddress.getLoopbackAddress())) {
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /** Starts {@code primaries} nodes, joins them, spreads the slots evenly and waits until the cluster is ok. */
    public static RedisClusterServers start(int primaries) {
        try {
            Path home = Files.createTempDirectory("fairrush-redis-cluster-");
            String bundled = bundledRedisServer();
            List<Integer> ports = new ArrayList<>();
            List<Integer> busPorts = new ArrayList<>();
            while (ports.size() < primaries) {
                int port = bundled == null ? FreePorts.next() : freePortWithFreeBus();
                int bus = bundled == null ? FreePorts.next() : port + 10_000;
                if (port != bus && !ports.contains(port) && !ports.contains(bus) && !busPorts.contains(port) && !busPorts.contains(bus)) {
                    ports.add(port);
                    busPorts.add(bus);
                }
            }
            RedisClusterServers cluster = new RedisClusterServers(home, ports, busPorts, bundled);
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
            List<String> command = new ArrayList<>(List.of(bundled == null ? "redis-server" : bundled, "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--dir", dir.toString(), "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf",
                    "--cluster-node-timeout", "2000", "--save", "", "--appendonly", "no"));
            if (bundled == null) {
                command.addAll(List.of("--cluster-port", Integer.toString(busPorts.get(i))));
            }
            processes.add(new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start());
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
                // CLUSTER ADDSLOTS slot by slot: ADDSLOTSRANGE is Redis 7 only, and the bundled fallback is 6.2.
                nodes.get(i).sync().clusterAddSlots(java.util.stream.IntStream.rangeClosed(from, to).toArray());
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

    /**
     * A template on this cluster (Lettuce in cluster mode, as Boot's spring.data.redis.cluster.nodes makes it, its
     * connections consolidating their flushes as the service's do: design note 55).
     */
    public synchronized ReactiveStringRedisTemplate template() {
        if (connections == null) {
            resources = ClientResources.builder().nettyCustomizer(new ConsolidatedFlushes()).build();
            connections = new LettuceConnectionFactory(new RedisClusterConfiguration(nodes()),
                    LettuceClientConfiguration.builder().clientResources(resources).build());
            connections.afterPropertiesSet();
            connections.start();
        }
        return new ReactiveStringRedisTemplate(connections);
    }

    @Override
    public synchronized void close() {
        if (connections != null) {
            connections.destroy();
            // Resources given to the factory are the giver's to shut down.
            resources.shutdown();
        }
        processes.close();
    }
}
