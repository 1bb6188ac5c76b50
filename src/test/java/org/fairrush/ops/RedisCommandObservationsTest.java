package org.fairrush.ops;

import io.lettuce.core.resource.ClientResources;
import io.micrometer.observation.ObservationRegistry;
import org.fairrush.FairrushApplication;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/** Redis commands observed only while traces are on. */
class RedisCommandObservationsTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withBean(ObservationRegistry.class, ObservationRegistry::create)
            .withUserConfiguration(RedisCommandObservations.class);

    private static ClientResources customized(ClientResourcesBuilderCustomizer customizer) {
        ClientResources.Builder builder = ClientResources.builder();
        customizer.customize(builder);
        return builder.build();
    }

    @Test
    void observesRedisCommandsWhileTracingIsOn() {
        context.withPropertyValues("management.tracing.enabled=true").run(app -> {
            ClientResources resources = customized(app.getBean(ClientResourcesBuilderCustomizer.class));
            try {
                assertThat(resources.tracing().isEnabled()).isTrue();
            } finally {
                resources.shutdown();
            }
        });
    }

    @Test
    void leavesRedisCommandsUnobservedWhileTracingIsOff() {
        context.withPropertyValues("management.tracing.enabled=false")
                .run(app -> assertThat(app).doesNotHaveBean(ClientResourcesBuilderCustomizer.class));
        context.run(app -> assertThat(app).doesNotHaveBean(ClientResourcesBuilderCustomizer.class));
    }

    @Test
    void bootsOwnObservationOfEveryCommandIsExcluded() {
        assertThat(FairrushApplication.class.getAnnotation(SpringBootApplication.class).exclude())
                .contains(LettuceObservationAutoConfiguration.class);
    }
}
