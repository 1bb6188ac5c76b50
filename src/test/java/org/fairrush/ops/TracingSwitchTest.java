package org.fairrush.ops;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/** management.tracing.enabled=false leaves Boot's tracing auto-configurations out; on, or not said, leaves them in. */
class TracingSwitchTest {

    private static String[] excludedAfterTheSwitch(Map<String, Object> properties) {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addLast(new MapPropertySource("application", properties));
        new TracingSwitch().postProcessEnvironment(environment, new SpringApplication());
        return Binder.get(environment).bind(TracingSwitch.EXCLUDE, String[].class).orElse(new String[0]);
    }

    @Test
    void tracingOffLeavesEveryTracingAutoConfigurationOutAndKeepsTheExclusionsAlreadyConfigured() {
        String[] excluded = excludedAfterTheSwitch(Map.of(TracingSwitch.SWITCH, "false",
                TracingSwitch.EXCLUDE, "com.example.SomethingAutoConfiguration"));

        assertThat(excluded).contains("com.example.SomethingAutoConfiguration")
                .contains(TracingSwitch.TRACING_AUTO_CONFIGURATIONS.toArray(String[]::new))
                .doesNotHaveDuplicates()
                .hasSize(TracingSwitch.TRACING_AUTO_CONFIGURATIONS.size() + 1);
    }

    @Test
    void tracingOnOrNotSaidLeavesTheExclusionsAsTheyAre() {
        assertThat(excludedAfterTheSwitch(Map.of(TracingSwitch.SWITCH, "true",
                TracingSwitch.EXCLUDE, "com.example.SomethingAutoConfiguration")))
                .containsExactly("com.example.SomethingAutoConfiguration");
        assertThat(excludedAfterTheSwitch(Map.of())).isEmpty();
    }

    /** A renamed or moved class would be excluded in name only, and its tracing would quietly come back. */
    @Test
    void everyNamedAutoConfigurationExists() {
        assertThat(TracingSwitch.TRACING_AUTO_CONFIGURATIONS).allSatisfy(name ->
                assertThat(Class.forName(name, false, getClass().getClassLoader())).isNotNull());
    }
}
