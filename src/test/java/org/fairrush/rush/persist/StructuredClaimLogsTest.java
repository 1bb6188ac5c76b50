package org.fairrush.rush.persist;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.OutputStreamAppender;
import org.fairrush.rush.ClaimOutcome;
import org.fairrush.rush.ClaimOutcome.Busy;
import org.fairrush.rush.ClaimOutcome.Granted;
import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.ClaimStream;
import org.fairrush.rush.Claims;
import org.fairrush.rush.DeadLetter;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.RedisFixture;
import org.fairrush.rush.SoldOutBoard;
import org.fairrush.rush.TestEngine;
import org.fairrush.rush.lua.PersistenceScripts;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.logback.StructuredLogEncoder;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The claim's log lines in Boot's structured (ECS JSON) format, as production writes them with
 * {@code logging.structured.format.console=ecs}: the grab's acknowledgement, a Kafka refusal and the
 * persister's batch each carry the claim id as a field of the JSON line, so one claim's story can be
 * found across instances by that field. The encoder is Boot's own, attached to the engine's and the
 * persister's loggers; Redis is real, Kafka and the database are stand-ins.
 */
class StructuredClaimLogsTest {

    private static final Instant NOW = Instant.parse("2026-12-01T10:05:00Z");
    private static final List<Class<?>> LOGGERS = List.of(Claims.class, Persister.class);

    private final RedisFixture fixture = RedisFixture.create();
    private final PoolRef pool = PoolRef.single("c", "41");
    private final ByteArrayOutputStream written = new ByteArrayOutputStream();
    private final LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    private OutputStreamAppender<ILoggingEvent> appender;
    private Persister persister;

    @BeforeEach
    void writeTheEnginesLinesAsEcsJson() {
        context.putObject(Environment.class.getName(), new MockEnvironment().withProperty("spring.application.name", "fairrush"));
        StructuredLogEncoder encoder = new StructuredLogEncoder();
        encoder.setContext(context);
        encoder.setFormat("ecs");
        encoder.start();
        appender = new OutputStreamAppender<>();
        appender.setContext(context);
        appender.setEncoder(encoder);
        appender.setOutputStream(written);
        appender.start();
        for (Class<?> type : LOGGERS) {
            Logger logger = context.getLogger(type);
            logger.setLevel(Level.DEBUG);
            logger.addAppender(appender);
        }
    }

    @AfterEach
    void tearDown() {
        if (persister != null) {
            persister.stop();
        }
        for (Class<?> type : LOGGERS) {
            Logger logger = context.getLogger(type);
            logger.detachAppender(appender);
            logger.setLevel(null);
        }
        appender.stop();
        fixture.close();
    }

    @Test
    void anAcknowledgedGrabLogsItsClaimId() {
        Granted granted = (Granted) engine(claim -> Mono.empty()).claims().claim(pool, "m-1", "key-00001", Map.of()).block();

        JsonNode line = lineSaying("acknowledged by Kafka");
        assertThat(line.path("claim_id").asString()).isEqualTo(granted.claim().eventId().toString());
        assertThat(line.path("log").path("level").asString()).isEqualTo("DEBUG");
        assertThat(line.path("service").path("name").asString()).isEqualTo("fairrush");
    }

    @Test
    void aClaimKafkaRefusedLogsItsClaimIdWhenReversed() {
        List<UUID> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        ClaimOutcome outcome = engine(claim -> {
            sent.add(claim.eventId());
            return Mono.error(new org.apache.kafka.common.errors.TimeoutException("no broker"));
        }).claims().claim(pool, "m-1", "key-00001", Map.of()).block();

        assertThat(outcome).isInstanceOf(Busy.class);
        JsonNode line = lineSaying("not acknowledged by Kafka");
        assertThat(line.path("claim_id").asString()).isEqualTo(sent.get(0).toString());
        assertThat(line.path("log").path("level").asString()).isEqualTo("WARN");
    }

    @Test
    void aStoredPersisterBatchLogsTheIdsOfItsClaims() {
        List<ClaimRecorded> claims = java.util.stream.IntStream.range(0, 3)
                .mapToObj(i -> new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), NOW, "c", "41", "",
                        "m-" + i, null, 1, ClaimRecorded.HELD, Map.of()))
                .toList();
        ConcurrentLinkedQueue<ClaimRecorded> stored = new ConcurrentLinkedQueue<>();
        ClaimSink sink = new PersisterStandIns.VoucherSink() {
            @Override
            public Mono<Void> store(List<ClaimRecorded> batch) {
                return Mono.fromRunnable(() -> stored.addAll(batch));
            }
        };
        ClaimStream stream = () -> Flux.concat(Flux.just(new ClaimStream.Batch(claims, List.of(), Mono.empty())), Flux.never());
        persister = new Persister(stream, List.of(sink), new PersistenceScripts(fixture.redis), new PersisterStandIns.PassThroughTransaction(),
                null, fixture.codec, fixture.properties.keyPrefix(), Mono.empty());
        persister.start();

        await().until(() -> stored.size() == claims.size());
        JsonNode line = await().until(() -> findLineSaying("stored a batch of 3 claims"), java.util.Objects::nonNull);
        assertThat(List.of(line.path("claim_ids").asString().split(",")))
                .containsExactlyInAnyOrderElementsOf(claims.stream().map(claim -> claim.eventId().toString()).toList());
    }

    private TestEngine engine(java.util.function.Function<ClaimRecorded, Mono<Void>> kafka) {
        ClaimPublisher publisher = new ClaimPublisher() {
            @Override
            public Mono<Void> publish(ClaimRecorded claim) {
                return kafka.apply(claim);
            }

            @Override
            public Mono<Void> deadLetter(DeadLetter letter) {
                return Mono.empty();
            }
        };
        TestEngine engine = TestEngine.of(fixture.redis, fixture.codec, publisher,
                new SoldOutBoard(fixture.redis, fixture.properties.keyPrefix()), Clock.fixed(NOW, ZoneOffset.UTC), fixture.properties);
        engine.registry().define(PoolDefinition.counted(pool, NOW.minusSeconds(60), NOW.plusSeconds(600), 5, 2)).block();
        return engine;
    }

    private JsonNode lineSaying(String words) {
        JsonNode line = findLineSaying(words);
        assertThat(line).as("a JSON line saying '" + words + "' in:\n" + writtenText()).isNotNull();
        return line;
    }

    /** Every line written must be one JSON object; the first whose message contains {@code words}. */
    private JsonNode findLineSaying(String words) {
        JsonMapper json = JsonMapper.builder().build();
        for (String text : writtenText().lines().toList()) {
            JsonNode line = json.readTree(text);
            if (line.path("message").asString().contains(words)) {
                return line;
            }
        }
        return null;
    }

    private String writtenText() {
        synchronized (written) {
            return written.toString(StandardCharsets.UTF_8);
        }
    }
}
