package org.fairrush;

import org.fairrush.devstack.DevStack;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.core.env.MapPropertySource;

/**
 * fairrush with its development stack: {@code ./mvnw spring-boot:test-run}. Endpoints that are not
 * configured get embedded servers; the {@code local} profile adds the dev token issuer and demo data.
 */
public class TestApplication {

    public static void main(String[] args) {
        DevStack stack = DevStack.forDevelopment();
        new SpringApplicationBuilder(FairrushApplication.class)
                .profiles("local")
                .initializers(context -> context.getEnvironment().getPropertySources()
                        .addLast(new MapPropertySource("fairrush-devstack", stack.properties())))
                .run(args);
    }
}
