package org.fairrush.devstack;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

/** Points a test's application context at this JVM's isolated {@link DevStack}. */
public class DevStackInitializer implements ApplicationContextInitializer<ConfigurableApplicationContext> {

    @Override
    public void initialize(ConfigurableApplicationContext context) {
        // Above the environment and system properties (they may name the shared servers, the stack names this
        // run's own database), below a test's own @DynamicPropertySource.
        context.getEnvironment().getPropertySources().addBefore(StandardEnvironment.SYSTEM_PROPERTIES_PROPERTY_SOURCE_NAME,
                new MapPropertySource("fairrush-devstack", DevStack.forTests().properties()));
    }
}
