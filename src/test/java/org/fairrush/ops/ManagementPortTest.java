package org.fairrush.ops;

import org.fairrush.FairrushTest;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import org.springframework.test.web.reactive.server.WebTestClient;

/**
 * The Kubernetes setup (k8s/base) puts /actuator on its own port (MANAGEMENT_SERVER_PORT) that no Service
 * routes to: the probes and Prometheus use it, the public API port does not serve it.
 *
 * <p>A context of its own, as an API-only instance (no persister): a second persister in the test JVM's
 * consumer group would take partitions from the shared context's and keep them while Spring pauses or
 * closes this context, and the other tests' claims on them would wait.
 */
@FairrushTest
@TestPropertySource(properties = {"management.server.port=0", "fairrush.rush.persister.enabled=false"})
@DirtiesContext
class ManagementPortTest {

    @LocalManagementPort
    int managementPort;

    @LocalServerPort
    int serverPort;

    @Test
    void probesAndMetricsAnswerOnTheManagementPort() {
        WebTestClient management = client(managementPort);
        management.get().uri("/actuator/health/liveness").exchange().expectStatus().isOk();
        management.get().uri("/actuator/health/readiness").exchange().expectStatus().isOk()
                .expectBody().jsonPath("$.components.kafka.status").isEqualTo("UP");
        management.get().uri("/actuator/prometheus").exchange().expectStatus().isOk();
    }

    @Test
    void theApiPortDoesNotServeMetrics() {
        client(serverPort).get().uri("/actuator/prometheus").exchange().expectStatus().isNotFound();
    }

    private static WebTestClient client(int port) {
        return WebTestClient.bindToServer().baseUrl("http://127.0.0.1:" + port).build();
    }
}
