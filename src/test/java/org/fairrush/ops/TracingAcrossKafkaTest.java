package org.fairrush.ops;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.http.MediaType;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * With tracing on, one grab makes one trace: the HTTP request, its Kafka send (a child of the request, its
 * context written into the record's headers) and the persister's store of the batch holding the claim (a
 * child of the send, read back from the headers), exported over OTLP. The spans are read from an in-memory
 * exporter beside the OTLP one, which sends to a tiny OTLP/HTTP receiver in this test. Every test context's
 * persister reads in a group of its own (DevStackInitializer), so this context's persister sees the record.
 */
@FairrushTest
// The switch itself as a test property: it is read while the environment is prepared (TracingSwitch), before
// the dynamic properties below exist.
@TestPropertySource(properties = "management.tracing.enabled=true")
@DirtiesContext
class TracingAcrossKafkaTest {

    private static final List<byte[]> otlpRequests = new CopyOnWriteArrayList<>();
    private static final HttpServer otlpReceiver = startOtlpReceiver();

    @DynamicPropertySource
    static void tracingOn(DynamicPropertyRegistry registry) {
        registry.add("management.tracing.sampling.probability", () -> "1.0");
        registry.add("management.opentelemetry.tracing.export.otlp.endpoint",
                () -> "http://127.0.0.1:" + otlpReceiver.getAddress().getPort() + "/v1/traces");
        registry.add("management.opentelemetry.tracing.export.schedule-delay", () -> "200ms");
    }

    @TestConfiguration
    static class InMemorySpans {
        @Bean
        InMemorySpanExporter inMemorySpanExporter() {
            return InMemorySpanExporter.create();
        }
    }

    @AfterAll
    static void stopReceiver() {
        otlpReceiver.stop(0);
    }

    @Autowired
    WebTestClient http;
    @Autowired
    InMemorySpanExporter spans;

    @Test
    void aGrabItsKafkaSendAndThePersistersStoreAreOneTraceExportedOverOtlp() {
        Map<?, ?> campaign = http.post().uri("/api/v1/campaigns").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Fixtures.openCampaign(5, 1))
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        http.post().uri("/api/v1/campaigns/{id}/grabs", campaign.get("id")).headers(h -> h.setBearerAuth(Fixtures.memberToken("traced-m1")))
                .header("Idempotency-Key", Fixtures.idempotencyKey()).exchange()
                .expectStatus().isCreated();

        SpanData store = await().atMost(Duration.ofSeconds(60))
                .until(() -> spans.getFinishedSpanItems().stream().filter(span -> span.getName().equals("store claim batch")).findFirst(),
                        java.util.Optional::isPresent).orElseThrow();
        List<SpanData> trace = spans.getFinishedSpanItems().stream().filter(span -> span.getTraceId().equals(store.getTraceId())).toList();

        SpanData send = trace.stream().filter(span -> span.getSpanId().equals(store.getParentSpanId())).findFirst()
                .orElseThrow(() -> new AssertionError("the store's parent is not in its trace: " + names(trace)));
        assertThat(send.getKind()).as(send.getName()).isEqualTo(SpanKind.PRODUCER);
        assertThat(send.getName()).contains("voucher-claims");
        assertThat(store.getKind()).isEqualTo(SpanKind.CONSUMER);

        SpanData request = trace.stream().filter(span -> span.getKind() == SpanKind.SERVER).findFirst()
                .orElseThrow(() -> new AssertionError("no server span in the trace: " + names(trace)));
        assertThat(request.getParentSpanContext().isValid()).as("the request starts the trace").isFalse();
        assertThat(request.getName()).containsIgnoringCase("post");
        assertThat(ancestors(send, trace)).as("the send descends from the grab's request").contains(request.getSpanId());

        byte[] traceId = HexFormat.of().parseHex(store.getTraceId());
        await().atMost(Duration.ofSeconds(30)).until(() -> otlpRequests.stream()
                .anyMatch(body -> contains(body, traceId) && contains(body, "store claim batch".getBytes(StandardCharsets.UTF_8))));
    }

    private static List<String> ancestors(SpanData span, List<SpanData> trace) {
        List<String> ancestors = new java.util.ArrayList<>();
        SpanData current = span;
        while (current != null && current.getParentSpanContext().isValid()) {
            String parent = current.getParentSpanId();
            ancestors.add(parent);
            current = trace.stream().filter(s -> s.getSpanId().equals(parent)).findFirst().orElse(null);
        }
        return ancestors;
    }

    private static List<String> names(List<SpanData> trace) {
        return trace.stream().map(span -> span.getKind() + " " + span.getName()).toList();
    }

    private static boolean contains(byte[] body, byte[] part) {
        outer:
        for (int i = 0; i + part.length <= body.length; i++) {
            for (int j = 0; j < part.length; j++) {
                if (body[i + j] != part[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }

    /** Accepts OTLP/HTTP trace exports (protobuf) and keeps their bodies; answers an empty export response. */
    private static HttpServer startOtlpReceiver() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/v1/traces", exchange -> {
                try (InputStream in = exchange.getRequestBody()) {
                    otlpRequests.add(in.readAllBytes());
                }
                exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
                exchange.sendResponseHeaders(200, -1);
                exchange.close();
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
