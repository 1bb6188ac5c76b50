package org.fairrush;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.fairrush.devstack.DevStackInitializer;
import org.junit.jupiter.api.Tag;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.boot.webtestclient.autoconfigure.WebTestClientBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * An integration test of the whole application on the real stack (Postgres, Redis, Kafka) of this test
 * JVM, isolated from other runs (see {@link org.fairrush.devstack.DevStack}), over real HTTP. Tagged {@value #STACK}:
 * {@code ./mvnw test -Pfast} runs the fast layer alone (pure units and script tests on Redis), leaving out this tag
 * and {@value #SERVERS}.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// A patient test client: the machines the tests share can be slow for seconds at a time; WebTestClient's 5 s
// default then failed tests that had nothing wrong.
@AutoConfigureWebTestClient(timeout = "PT30S")
@ActiveProfiles("test")
@ContextConfiguration(initializers = DevStackInitializer.class)
@Import(FairrushTest.TestClient.class)
@Tag(FairrushTest.STACK)
public @interface FairrushTest {

    /** The tag of tests that start the whole application or a service process. */
    String STACK = "stack";

    /**
     * The tag of tests that start server processes of their own (a Redis replica, a sentinel) and wait out
     * replication or a failover: correct but slow, so the fast layer ({@code ./mvnw test -Pfast}) leaves them out.
     */
    String SERVERS = "servers";

    /**
     * The test client reads answers of any size a test asks for: the service's 16 KB limit is for request bodies,
     * and a list or a reconciliation of everything the suite made so far grows past it as the suite grows.
     */
    @TestConfiguration(proxyBeanMethods = false)
    class TestClient {

        @Bean
        WebTestClientBuilderCustomizer readsLargeAnswers() {
            return builder -> builder.codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(16 * 1024 * 1024));
        }
    }
}
