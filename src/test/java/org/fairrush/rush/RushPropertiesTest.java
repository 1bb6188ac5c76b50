package org.fairrush.rush;

import org.fairrush.rush.lua.PersistenceScripts;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/** Settings the engine cannot work with are refused when the service starts, not met later on the rush's path. */
class RushPropertiesTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(Settings.class);

    @Test
    void acceptsTheLargestBatchTheScriptsCanTake() {
        context.withPropertyValues("fairrush.rush.persister.batch-size=" + PersistenceScripts.MOST_CLAIMS_PER_CALL)
                .run(started -> assertThat(started).hasNotFailed());
    }

    @Test
    void refusesABatchLargerThanOneScriptCallCanTake() {
        context.withPropertyValues("fairrush.rush.persister.batch-size=8000")
                .run(started -> assertThat(started).hasFailed());
    }

    @Test
    void refusesASweepThatWouldRepublishClaimsStillWaitingForKafka() {
        context.withPropertyValues("fairrush.rush.send-timeout=10s", "fairrush.rush.sweep-after=5s")
                .run(started -> assertThat(started).hasFailed());
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(RushProperties.class)
    static class Settings {
    }
}
