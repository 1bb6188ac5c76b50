package org.fairrush.webhook;

import java.io.IOException;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/** The webhook recorder and dispatcher run where the persister runs, unless set on their own (application.yml). */
class WebhookRoleTest {

    @Test
    void webhooksRunWithThePersisterByDefault() throws IOException {
        assertThat(webhooksEnabled(Map.of())).isTrue();
    }

    @Test
    void anApiInstanceWithThePersisterOffRunsNoWebhookConsumer() throws IOException {
        assertThat(webhooksEnabled(Map.of("fairrush.rush.persister.enabled", "false"))).isFalse();
    }

    @Test
    void webhooksCanBeSetOnTheirOwn() throws IOException {
        assertThat(webhooksEnabled(Map.of("fairrush.rush.persister.enabled", "false", "fairrush.webhooks.enabled", "true"))).isTrue();
        assertThat(webhooksEnabled(Map.of("fairrush.webhooks.enabled", "false"))).isFalse();
    }

    private static boolean webhooksEnabled(Map<String, Object> settings) throws IOException {
        StandardEnvironment environment = new StandardEnvironment();
        environment.getPropertySources().addFirst(new MapPropertySource("settings", settings));
        new YamlPropertySourceLoader().load("application.yml", new ClassPathResource("application.yml"))
                .forEach(source -> environment.getPropertySources().addLast(source));
        return environment.getProperty("fairrush.webhooks.enabled", Boolean.class, true);
    }
}
