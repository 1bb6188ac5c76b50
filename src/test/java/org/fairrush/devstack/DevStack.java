package org.fairrush.devstack;

import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanIterator;
import io.lettuce.core.api.StatefulRedisConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import redis.embedded.RedisServer;

/**
 * The servers fairrush needs, for development runs and tests: for each endpoint that is configured
 * (a system property or Boot's environment variable, e.g. SPRING_R2DBC_URL) the configured server is
 * used; for each one that is not, a real server starts in or beside this JVM on a free port: PostgreSQL
 * (zonky's binaries), Redis (embedded-redis's binary) and a KRaft Kafka broker (spring-kafka-test).
 *
 * <p>Tests isolate themselves on shared servers: their own database (dropped at exit), their own Redis
 * key prefix (deleted at exit) and their own topic prefix and consumer group. Leftovers of runs that
 * were killed are removed by later runs once they are six hours old.
 */
public final class DevStack {

    private static final Logger log = LoggerFactory.getLogger(DevStack.class);
    private static final String TEST_DATABASE = "fairrush_test_";
    private static final String TEST_KEYS = "frt";
    private static final Duration LEFTOVER_AGE = Duration.ofHours(6);
    private static DevStack forTests;

    private final Map<String, Object> properties = new LinkedHashMap<>();
    private final List<AutoCloseable> cleanups = new ArrayList<>();
    private EmbeddedKafkaKraftBroker kafka;

    private DevStack() {
    }

    /** The stack of this test JVM, started once and shared by every test context. */
    public static synchronized DevStack forTests() {
        if (forTests == null) {
            forTests = start(true);
        }
        return forTests;
    }

    /** The stack of a development run (./mvnw spring-boot:test-run); configured endpoints are used as they are. */
    public static DevStack forDevelopment() {
        return start(false);
    }

    /** The properties that point the application at this stack. */
    public Map<String, Object> properties() {
        return Map.copyOf(properties);
    }

    /** The embedded Kafka broker, when this stack started one. */
    public Optional<EmbeddedKafkaKraftBroker> embeddedKafka() {
        return Optional.ofNullable(kafka);
    }

    private static DevStack start(boolean isolated) {
        long started = System.nanoTime();
        DevStack stack = new DevStack();
        String runId = Instant.now().getEpochSecond() + "_" + randomSuffix();
        stack.startPostgres(isolated, runId);
        stack.startRedis(isolated, runId);
        stack.startKafka(isolated, runId);
        Runtime.getRuntime().addShutdownHook(new Thread(stack::close, "devstack-cleanup"));
        log.info("development stack ready in {} ms: {}", (System.nanoTime() - started) / 1_000_000, stack.properties);
        return stack;
    }

    private void startPostgres(boolean isolated, String runId) {
        Optional<String> configured = configured("spring.r2dbc.url");
        String user = configured("spring.r2dbc.username").orElse("postgres");
        String password = configured("spring.r2dbc.password").orElse(null);
        String serverUrl;
        if (configured.isPresent()) {
            serverUrl = configured.get();
        } else {
            EmbeddedPostgres postgres = EmbeddedPostgres.start();
            cleanups.add(postgres);
            serverUrl = postgres.r2dbcUrl("postgres");
        }
        String url = serverUrl;
        if (isolated) {
            String database = TEST_DATABASE + runId;
            String adminJdbc = "jdbc:" + serverUrl.substring("r2dbc:".length());
            withJdbc(adminJdbc, user, password, sql -> {
                dropLeftoverDatabases(sql);
                sql.execute("create database " + database);
            });
            cleanups.add(() -> withJdbc(adminJdbc, user, password, sql -> sql.execute("drop database if exists " + database + " with (force)")));
            url = serverUrl.replaceFirst("/[^/?]*(\\?.*)?$", "/" + database + "$1");
        }
        properties.put("spring.r2dbc.url", url);
        properties.put("spring.r2dbc.username", user);
        if (password != null) {
            properties.put("spring.r2dbc.password", password);
        }
    }

    private void startRedis(boolean isolated, String runId) {
        if (configured("spring.data.redis.url").isEmpty() && (configured("spring.data.redis.cluster.nodes").isPresent()
                || configured("spring.data.redis.sentinel.nodes").isPresent())) {
            // A Redis Cluster or Sentinel named the way Boot binds it: Boot connects to it, nothing starts here.
            if (isolated) {
                properties.put("fairrush.rush.key-prefix", TEST_KEYS + runId);
            }
            return;
        }
        String url = configured("spring.data.redis.url").orElseGet(() -> {
            int port = FreePorts.next();
            try {
                RedisServer redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                        .setting("save \"\"").setting("appendonly no").build();
                redis.start();
                cleanups.add(redis::stop);
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            log.info("embedded Redis listening on 127.0.0.1:{}", port);
            return "redis://127.0.0.1:" + port;
        });
        properties.put("spring.data.redis.url", url);
        if (isolated) {
            String prefix = TEST_KEYS + runId;
            properties.put("fairrush.rush.key-prefix", prefix);
            withRedis(url, redis -> deleteKeys(redis, TEST_KEYS + "*", key -> isLeftover(key.substring(TEST_KEYS.length()))));
            // prefix* also takes the keys of tests that add a suffix to the run's prefix for a server of their own.
            cleanups.add(() -> withRedis(url, redis -> deleteKeys(redis, prefix + "*", key -> true)));
        }
    }

    private void startKafka(boolean isolated, String runId) {
        Optional<String> configured = configured("spring.kafka.bootstrap-servers");
        if (configured.isPresent()) {
            properties.put("spring.kafka.bootstrap-servers", configured.get());
        } else {
            kafka = new EmbeddedKafkaKraftBroker(1, 3);
            // By default the broker publishes itself as the system property spring.kafka.bootstrap-servers.
            kafka.brokerListProperty("fairrush.devstack.kafka-brokers");
            kafka.brokerProperty("group.initial.rebalance.delay.ms", "0");
            kafka.afterPropertiesSet();
            cleanups.add(kafka::destroy);
            properties.put("spring.kafka.bootstrap-servers", kafka.getBrokersAsString());
            log.info("embedded Kafka broker at {}", kafka.getBrokersAsString());
        }
        if (isolated) {
            properties.put("fairrush.rush.topic-prefix", "fairrush-test-" + runId + ".");
            properties.put("fairrush.rush.persister.group-id", "fairrush-test-" + runId);
            properties.put("fairrush.rush.topic-partitions", 3);
        }
    }

    private void close() {
        for (int i = cleanups.size() - 1; i >= 0; i--) {
            try {
                cleanups.get(i).close();
            } catch (Exception e) {
                log.warn("cleanup failed: {}", e.toString());
            }
        }
    }

    /** A Spring Boot property from a system property or its environment variable (SPRING_R2DBC_URL ...). */
    static Optional<String> configured(String property) {
        return configured(property, System.getenv());
    }

    /**
     * A property from a system property or from {@code environment}, read the way Boot binds it: both
     * SPRING_KAFKA_BOOTSTRAPSERVERS and SPRING_KAFKA_BOOTSTRAP_SERVERS name spring.kafka.bootstrap-servers, so
     * a broker named either way is used, never an embedded one started beside it.
     */
    static Optional<String> configured(String property, Map<String, String> environment) {
        String value = System.getProperty(property);
        if (value == null || value.isBlank()) {
            @SuppressWarnings({"unchecked", "rawtypes"})
            ConfigurationPropertySource variables = ConfigurationPropertySource.from(new SystemEnvironmentPropertySource(
                    StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME, (Map) environment));
            ConfigurationProperty found = variables.getConfigurationProperty(ConfigurationPropertyName.of(property));
            value = found == null ? null : String.valueOf(found.getValue());
        }
        return Optional.ofNullable(value).filter(v -> !v.isBlank());
    }

    private interface SqlWork {
        void run(Statement sql) throws SQLException;
    }

    private static void withJdbc(String url, String user, String password, SqlWork work) {
        try (Connection connection = DriverManager.getConnection(url, user, password);
                Statement sql = connection.createStatement()) {
            work.run(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("Postgres at " + url + ": " + e.getMessage(), e);
        }
    }

    private static void dropLeftoverDatabases(Statement sql) throws SQLException {
        List<String> leftovers = new ArrayList<>();
        try (var rows = sql.executeQuery("select datname from pg_database where datname like '" + TEST_DATABASE + "%'")) {
            while (rows.next()) {
                String name = rows.getString(1);
                if (isLeftover(name.substring(TEST_DATABASE.length()))) {
                    leftovers.add(name);
                }
            }
        }
        for (String name : leftovers) {
            sql.execute("drop database if exists " + name + " with (force)");
        }
    }

    /** A run id starts with its start time in epoch seconds. */
    private static boolean isLeftover(String runIdAndRest) {
        int end = 0;
        while (end < runIdAndRest.length() && Character.isDigit(runIdAndRest.charAt(end))) {
            end++;
        }
        if (end == 0 || end > 12) {
            return false;
        }
        long startedAt = Long.parseLong(runIdAndRest.substring(0, end));
        return Instant.ofEpochSecond(startedAt).isBefore(Instant.now().minus(LEFTOVER_AGE));
    }

    private interface RedisWork {
        void run(StatefulRedisConnection<String, String> redis);
    }

    private static void withRedis(String url, RedisWork work) {
        RedisClient client = RedisClient.create(url);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            work.run(connection);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    private static void deleteKeys(StatefulRedisConnection<String, String> redis, String pattern,
            java.util.function.Predicate<String> delete) {
        ScanIterator<String> keys = ScanIterator.scan(redis.sync(), ScanArgs.Builder.matches(pattern).limit(1000));
        List<String> batch = new ArrayList<>();
        while (keys.hasNext()) {
            String key = keys.next();
            if (delete.test(key)) {
                batch.add(key);
            }
            if (batch.size() == 500) {
                batch.forEach(redis.sync()::unlink);
                batch.clear();
            }
        }
        batch.forEach(redis.sync()::unlink);
    }

    private static String randomSuffix() {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom random = new SecureRandom();
        StringBuilder suffix = new StringBuilder();
        for (int i = 0; i < 6; i++) {
            suffix.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return suffix.toString();
    }
}
