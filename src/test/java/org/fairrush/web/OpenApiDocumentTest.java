package org.fairrush.web;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import org.fairrush.FairrushTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.web.reactive.result.method.annotation.RequestMappingHandlerMapping;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The OpenAPI document stays in step with the routes: every route documented, every documented operation served. */
@FairrushTest
class OpenApiDocumentTest {

    @Autowired
    WebTestClient http;

    @Autowired
    @Qualifier("requestMappingHandlerMapping")
    RequestMappingHandlerMapping mappings;

    @Autowired
    JsonMapper json;

    private JsonNode document() {
        String body = http.mutate().responseTimeout(java.time.Duration.ofMinutes(1))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(8 * 1024 * 1024)).build()
                .get().uri("/v3/api-docs").exchange().expectStatus().isOk().expectBody(String.class).returnResult().getResponseBody();
        return json.readTree(body);
    }

    /** Every (method, path) the application serves under /api, but the tests' own (token issuer, benchmark). */
    private Set<String> routes() {
        Set<String> routes = new TreeSet<>();
        mappings.getHandlerMethods().keySet().forEach(info -> info.getPatternsCondition().getPatterns().forEach(pattern -> {
            String path = pattern.getPatternString();
            if (path.startsWith("/api/") && !path.startsWith("/api/v1/dev/") && !path.startsWith("/api/v1/bench/")) {
                info.getMethodsCondition().getMethods().forEach(method -> routes.add(method.name() + " " + path));
            }
        }));
        return routes;
    }

    private static Set<String> operations(JsonNode document) {
        Set<String> operations = new TreeSet<>();
        document.get("paths").properties().forEach(path -> path.getValue().properties()
                .forEach(operation -> operations.add(operation.getKey().toUpperCase() + " " + path.getKey())));
        return operations;
    }

    @Test
    void documentsEveryRouteAndNothingElse() {
        JsonNode document = document();

        assertThat(document.get("openapi").asString()).startsWith("3.1");
        assertThat(routes()).isNotEmpty();
        assertThat(operations(document)).isEqualTo(routes());
    }

    @Test
    void everyOperationSaysItsSecurityAndTheProblemsItCanAnswer() {
        JsonNode document = document();
        assertThat(document.at("/components/securitySchemes/bearer/scheme").asString()).isEqualTo("bearer");
        assertThat(document.at("/security/0/bearer").isArray()).isTrue();

        document.get("paths").properties().forEach(path -> path.getValue().properties().forEach(entry -> {
            String name = entry.getKey() + " " + path.getKey();
            JsonNode responses = entry.getValue().get("responses");
            assertThat(responses.properties().stream().map(Map.Entry::getKey)).as(name).anyMatch(status -> status.startsWith("2"));
            for (String status : new String[] {"401", "403", "429", "503"}) {
                assertThat(responses.at("/" + status + "/content/application~1problem+json/schema/$ref").asString())
                        .as(name + " " + status).isEqualTo("#/components/schemas/Problem");
            }
            responses.properties().stream().filter(response -> response.getKey().matches("[45]\\d\\d")).forEach(response ->
                    response.getValue().at("/content/application~1problem+json/examples").properties().forEach(example ->
                            assertThat(example.getValue().at("/value/code").asString()).as(name).isEqualTo(example.getKey())));
        }));
    }

    @Test
    void theRushOperationsNameTheirOwnRefusalsAndShowAnExample() {
        JsonNode document = document();

        assertThat(document.at("/paths/~1api~1v1~1campaigns~1{id}~1grabs/post/responses/409/content/application~1problem+json/examples")
                .propertyNames()).contains("SOLD_OUT", "LIMIT_REACHED", "NOT_STARTED", "ENDED", "PAUSED");
        assertThat(document.at("/paths/~1api~1v1~1redemptions/post/responses/422/description").asString()).contains("BELOW_THRESHOLD");
        assertThat(document.at("/paths/~1api~1v1~1redemptions/post/requestBody/content/application~1json/example/voucherCode").asString())
                .isNotEmpty();
        assertThat(document.at("/paths/~1api~1v1~1campaigns/get/parameters").findValuesAsString("name")).contains("limit", "cursor");
    }
}
