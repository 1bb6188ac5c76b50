package org.fairrush.ops;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ClassPathResource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * {@code /dashboard}: the live dashboard page (static/dashboard/index.html; its scripts and styles are served
 * as ordinary static resources under /dashboard/). The page itself holds no data: it asks for an admin
 * token and reads {@code /api/v1/ops/live} with it.
 */
@Configuration(proxyBeanMethods = false)
class DashboardRoutes {

    private static final ClassPathResource PAGE = new ClassPathResource("static/dashboard/index.html");

    @Bean
    RouterFunction<ServerResponse> dashboardPage() {
        return RouterFunctions.route()
                .GET("/dashboard", request -> page())
                .GET("/dashboard/", request -> page())
                .build();
    }

    private static reactor.core.publisher.Mono<ServerResponse> page() {
        return ServerResponse.ok().contentType(MediaType.TEXT_HTML).cacheControl(CacheControl.noCache()).bodyValue(PAGE);
    }
}
