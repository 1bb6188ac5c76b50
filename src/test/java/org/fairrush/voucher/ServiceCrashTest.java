package org.fairrush.voucher;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.r2dbc.spi.ConnectionFactories;
import io.r2dbc.spi.ConnectionFactoryOptions;
import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.Invariants;
import org.fairrush.devstack.DevStack;
import org.fairrush.devstack.ServiceProcess;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.function.client.WebClient;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service process is stopped in the middle of a rush, with grabs in flight, and started again: every
 * grab that was answered 201 is stored, no campaign has more vouchers than stock, and the reconciliation
 * adds up. Killed with SIGKILL, claims the dead process had recorded but not sent are republished by the
 * restarted one's sweeper; stopped with SIGTERM, the graceful shutdown lets the persister finish its batch.
 */
@Tag(FairrushTest.STACK)
class ServiceCrashTest {

    private static final int STOCK = 1_500;
    private static final int MEMBERS = 2_500;
    private static final int GRABS = 4_000;
    private static final int KILL_AFTER_GRANTS = 400;
    /**
     * Grabs still sent once the stop is under way (with the 64 in flight): enough to be cut off by it, too few to sell
     * the stock out however fast the service is. Without a bound a graceful stop, which serves what is in flight and
     * lets the JVM's shutdown begin a moment later, sometimes saw all 1,500 vouchers granted first (the rush was never
     * cut off, so the test proved nothing), on a quiet machine right after the SIGKILL test.
     */
    private static final int GRABS_AFTER_STOP = 256;

    @Test
    void everyAcknowledgedGrabSurvivesAKillNineOfTheService() {
        rushInterruptedBy(ServiceProcess::kill);
    }

    @Test
    void everyAcknowledgedGrabSurvivesAGracefulStopOfTheService() {
        rushInterruptedBy(ServiceProcess::close);
    }

    private void rushInterruptedBy(java.util.function.Consumer<ServiceProcess> fault) {
        Map<String, Object> properties = new HashMap<>(DevStack.forTests().properties());
        properties.put("fairrush.rush.send-timeout", "2s");
        properties.put("fairrush.rush.sweep-after", "3s");
        properties.put("fairrush.rush.sweep-interval", "1s");
        // Topics and a consumer group of its own: no cached test context of this JVM takes part in its rush.
        String run = "fairrush-crash-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        properties.put("fairrush.rush.topic-prefix", run + ".");
        properties.put("fairrush.rush.persister.group-id", run);
        JsonMapper json = JsonMapper.builder().build();

        long campaignId;
        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        try (ServiceProcess first = ServiceProcess.start(properties)) {
            campaignId = new Api(client(first)).createCampaign(Fixtures.openCampaign(STOCK, 1));
            WebClient http = WebClient.create(first.baseUrl());
            Map<String, String> tokens = new ConcurrentHashMap<>();
            AtomicBoolean killed = new AtomicBoolean();
            java.util.concurrent.atomic.AtomicInteger sentAfterStop = new java.util.concurrent.atomic.AtomicInteger();
            Flux.range(0, GRABS)
                    .takeWhile(i -> !killed.get() || sentAfterStop.incrementAndGet() <= GRABS_AFTER_STOP)
                    .flatMap(i -> {
                        String member = "crash-" + (i % MEMBERS);
                        return http.post().uri("/api/v1/campaigns/{id}/grabs", campaignId)
                                .headers(h -> h.setBearerAuth(tokens.computeIfAbsent(member, Fixtures::memberToken)))
                                .header("Idempotency-Key", Fixtures.idempotencyKey())
                                .exchangeToMono(response -> response.bodyToMono(String.class).defaultIfEmpty("")
                                        .doOnNext(body -> {
                                            if (response.statusCode().value() == 201) {
                                                acknowledged.add((String) json.readValue(body, Map.class).get("voucherId"));
                                            }
                                            if (acknowledged.size() >= KILL_AFTER_GRANTS && killed.compareAndSet(false, true)) {
                                                java.util.concurrent.CompletableFuture.runAsync(() -> fault.accept(first));
                                            }
                                        }))
                                .onErrorResume(cutOff -> Mono.empty());
                    }, 64)
                    .blockLast(Duration.ofMinutes(3));
            assertThat(killed).as("the service was stopped mid-rush").isTrue();
        }
        assertThat(acknowledged).as("cut off before the stock sold out").hasSizeGreaterThanOrEqualTo(KILL_AFTER_GRANTS).hasSizeLessThan(STOCK);

        try (ServiceProcess second = ServiceProcess.start(properties)) {
            Invariants.assertCampaignHolds(client(second), database(), campaignId, STOCK, 1, acknowledged);
        }
    }

    private static WebTestClient client(ServiceProcess service) {
        return WebTestClient.bindToServer().baseUrl(service.baseUrl()).responseTimeout(Duration.ofSeconds(30)).build();
    }

    private static DatabaseClient database() {
        Map<String, Object> stack = DevStack.forTests().properties();
        var options = ConnectionFactoryOptions.parse((String) stack.get("spring.r2dbc.url")).mutate()
                .option(ConnectionFactoryOptions.USER, (String) stack.get("spring.r2dbc.username"));
        if (stack.get("spring.r2dbc.password") != null) {
            options.option(ConnectionFactoryOptions.PASSWORD, (String) stack.get("spring.r2dbc.password"));
        }
        return DatabaseClient.create(ConnectionFactories.get(options.build()));
    }
}
