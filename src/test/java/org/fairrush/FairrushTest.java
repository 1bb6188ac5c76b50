package org.fairrush;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.fairrush.devstack.DevStackInitializer;
import org.junit.jupiter.api.Tag;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.webtestclient.autoconfigure.AutoConfigureWebTestClient;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.ContextConfiguration;

/**
 * An integration test of the whole application on the real stack (Postgres, Redis, Kafka) of this test
 * JVM, isolated from other runs (see {@link org.fairrush.devstack.DevStack}), over real HTTP. Tagged {@value #STACK}:
 * {@code ./mvnw test -DexcludedGroups=stack} runs the fast layer alone (pure units and script tests on Redis).
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// A patient test client: the machines the tests share can be slow for seconds at a time; WebTestClient's 5 s
// default then failed tests that had nothing wrong.
@AutoConfigureWebTestClient(timeout = "PT30S")
@ActiveProfiles("test")
@ContextConfiguration(initializers = DevStackInitializer.class)
@Tag(FairrushTest.STACK)
public @interface FairrushTest {

    /** The tag of tests that start the whole application or a service process. */
    String STACK = "stack";
}
