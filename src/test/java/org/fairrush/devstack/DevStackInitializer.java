package org.fairrush.devstack;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** Points a test's application context at this JVM's isolated {@link DevStack}. */
public class DevStackInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    private static final String GROUP_ID = "fairrush.rush.persister.group-id";
    private static final AtomicInteger contexts = new AtomicInteger();

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        // Above the environment and system properties (they may name the shared servers, the stack names this
        // run's own database), below a test's own @DynamicPropertySource.
        // Each context's persister consumes in a consumer group of its own: the test framework pauses the
        // contexts not in use (their persisters leave), and a context coming back should not wait for a
        // rebalance with the others' consumers. Claims are stored idempotently, so two groups storing the
        // same claim is harmless.
        Map<String, Object> properties = new HashMap<>(DevStack.forTests().properties());
        properties.put(GROUP_ID, properties.get(GROUP_ID) + "-ctx" + contexts.incrementAndGet());
        context.getEnvironment().getPropertySources().addBefore(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                new MapPropertySource("fairrush-devstack", properties));
    }
}
