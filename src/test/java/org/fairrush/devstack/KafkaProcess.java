package org.fairrush.devstack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft Kafka broker as a separate process, from the Kafka jars on the test classpath, for
 * tests that stop Kafka (SIGKILL) and bring it back on the same port with the same data.
 */
public final class KafkaProcess implements AutoCloseable {

    private final Path home;
    private final int port;
    private Process process;

    private KafkaProcess(Path home, int port) {
        this.home = home;
        this.port = port;
    }

    public static KafkaProcess start() {
        try {
            Path home = Files.createTempDirectory("fairrush-kafka-");
            int port = FreePorts.next();
            int controller = FreePorts.next();
            Files.writeString(home.resolve("server.properties"), String.join("\n",
                    "process.roles=broker,controller",
                    "node.id=1",
                    "controller.quorum.voters=1@127.0.0.1:" + controller,
                    "listeners=PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controller,
                    "advertised.listeners=PLAINTEXT://127.0.0.1:" + port,
                    "controller.listener.names=CONTROLLER",
                    "listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
                    "log.dirs=" + home.resolve("data"),
                    "offsets.topic.replication.factor=1",
                    "transaction.state.log.replication.factor=1",
                    "transaction.state.log.min.isr=1",
                    "group.initial.rebalance.delay.ms=0",
                    "num.partitions=1",
                    ""));
            KafkaProcess kafka = new KafkaProcess(home, port);
            kafka.run(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(),
                    "-c", home.resolve("server.properties").toString())).waitFor(60, TimeUnit.SECONDS);
            kafka.restart();
            return kafka;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public String bootstrapServers() {
        return "127.0.0.1:" + port;
    }

    /** SIGKILL: the broker is gone at once, as in a crash. */
    public void kill() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Starts the broker (again) on the same port with the same data, and waits until it accepts connections. */
    public void restart() {
        process = run(List.of("kafka.Kafka", home.resolve("server.properties").toString()));
        Instant deadline = Instant.now().plus(Duration.ofSeconds(60));
        while (Instant.now().isBefore(deadline)) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
                return;
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("Kafka exited, see " + home.resolve("kafka.log"));
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
        throw new IllegalStateException("Kafka did not listen on " + port + ", see " + home.resolve("kafka.log"));
    }

    @Override
    public void close() {
        kill();
        EmbeddedPostgres.deleteRecursively(home);
    }

    private Process run(List<String> mainAndArgs) {
        List<String> command = new java.util.ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx512m",
                "-cp", System.getProperty("java.class.path")));
        command.addAll(mainAndArgs);
        try {
            return new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(home.resolve("kafka.log").toFile())).start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
