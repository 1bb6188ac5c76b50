package org.fairrush.devstack;

import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Only the infrastructure of the development stack, without the service: embedded Postgres, Redis and
 * Kafka (those not configured), printed as the environment variables that point fairrush at them. Run it
 * in one terminal and the service in another, so the service alone can be killed and restarted:
 * <pre>
 *   ./mvnw -q spring-boot:test-run -Dspring-boot.run.arguments=--servers-only
 * </pre>
 */
public final class DevStackServers {

    private DevStackServers() {
    }

    /** Starts the servers, prints their endpoints and blocks until the JVM is stopped. */
    public static void run() throws InterruptedException {
        Map<String, Object> properties = DevStack.forDevelopment().properties();
        StringBuilder exports = new StringBuilder("\nDevelopment stack running. In another terminal:\n\n");
        properties.forEach((name, value) -> exports.append("export ")
                .append(name.toUpperCase().replace('.', '_').replace("-", "")).append('=').append(value).append('\n'));
        exports.append("./mvnw spring-boot:test-run\n\n")
                .append("The service then uses these servers (and adds the dev token issuer and demo data); stop it, kill -9 it\n")
                .append("and start it again at will. Ctrl-C here stops the servers.\n");
        System.out.println(exports);
        new CountDownLatch(1).await();
    }
}
