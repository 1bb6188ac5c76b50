package org.fairrush;

import org.fairrush.devstack.DevStack;
import org.fairrush.devstack.DevStackServers;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.MapPropertySource;

/**
 * fairrush with its development stack: {@code ./mvnw spring-boot:test-run}. Endpoints that are not
 * configured get embedded servers; the {@code local} profile adds the dev token issuer and demo data.
 * With the argument {@code --servers-only} it starts only the servers (see {@link DevStackServers}).
 * It is the only main class of the test sources, so spring-boot:test-run finds it without configuration.
 */
public class TestApplication {

    public static void main(String[] args) throws InterruptedException {
        if (java.util.Arrays.asList(args).contains("--servers-only")) {
            DevStackServers.run();
            return;
        }
        DevStack stack = DevStack.forDevelopment();
        new SpringApplicationBuilder(FairrushApplication.class)
                .profiles("local")
                .initializers(context -> context.getEnvironment().getPropertySources()
                        .addLast(new MapPropertySource("fairrush-devstack", stack.properties())))
                .run(args);
    }
}
