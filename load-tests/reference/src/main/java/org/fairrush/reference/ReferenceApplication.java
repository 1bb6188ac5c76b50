package org.fairrush.reference;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * The smallest WebFlux application: GET /ok answers "ok". Launched with the actuator on its classpath it also
 * serves /actuator/health/liveness as plain Spring Boot does (probes on), nothing else configured.
 */
@SpringBootApplication
public class ReferenceApplication {

    public static void main(String[] args) {
        SpringApplication.run(ReferenceApplication.class, args);
    }

    @Bean
    RouterFunction<ServerResponse> ok() {
        return RouterFunctions.route().GET("/ok", request -> ServerResponse.ok().bodyValue("ok")).build();
    }
}
