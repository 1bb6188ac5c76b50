package org.fairrush;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.fairrush.devstack.DevStackInitializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import reactor.core.publisher.Hooks;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The service stops as it starts, in order: what listens on Redis lets go of its connection before the connection
 * factory closes. Found in the logs of every stop (a rolling deploy, a scale-down): the sold-out board's channel was
 * disposed after the factory had closed, and its connection's return failed ("Operator called default
 * onErrorDropped ... PoolException: Returned connection ... was either previously returned or does not belong to this
 * connection provider") with an ERROR and its stack trace.
 */
@Tag(FairrushTest.STACK)
class ShutdownTest {

    private final List<Throwable> dropped = new CopyOnWriteArrayList<>();

    @AfterEach
    void resetTheHook() {
        Hooks.resetOnErrorDropped();
    }

    @Test
    void stoppingTheServiceDropsNoError() {
        Hooks.onErrorDropped(dropped::add);
        ConfigurableApplicationContext service = new SpringApplicationBuilder(FairrushApplication.class)
                .profiles("test")
                .initializers(new DevStackInitializer())
                .properties("server.port=0")
                .run();
        assertThat(service.isRunning()).isTrue();

        service.close();

        assertThat(dropped).as("errors dropped while the service stopped").isEmpty();
    }
}
