package org.fairrush.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.swagger.v3.oas.models.Components;
import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.Operation;
import io.swagger.v3.oas.models.examples.Example;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.media.ArraySchema;
import io.swagger.v3.oas.models.media.Content;
import io.swagger.v3.oas.models.media.IntegerSchema;
import io.swagger.v3.oas.models.media.MediaType;
import io.swagger.v3.oas.models.media.ObjectSchema;
import io.swagger.v3.oas.models.media.Schema;
import io.swagger.v3.oas.models.media.StringSchema;
import io.swagger.v3.oas.models.responses.ApiResponse;
import io.swagger.v3.oas.models.security.SecurityRequirement;
import io.swagger.v3.oas.models.security.SecurityScheme;
import org.springdoc.core.customizers.OperationCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import tools.jackson.databind.json.JsonMapper;

/**
 * The OpenAPI 3.1 document at {@code /v3/api-docs} (springdoc, generated from the controllers): every operation
 * with its schemas, the bearer-token security, and each problem code it can answer, as application/problem+json
 * with an example per code. Handlers name their own refusals with {@link ProblemCodes}; the refusals every route
 * can answer are added here, from the same {@link ErrorCode}s the service answers with.
 */
@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

    static final String BEARER = "bearer";
    static final String PROBLEM = "Problem";
    static final String PROBLEM_JSON = "application/problem+json";

    @Bean
    OpenAPI fairrushOpenApi() {
        return new OpenAPI()
                .info(new Info().title("fairrush").version("v1").description("Stall registration and voucher flash sales for "
                        + "trade-union fairs. Callers present a JWT bearer token whose subject is the member or merchant id and "
                        + "whose `roles` claim holds MEMBER, MERCHANT and/or ADMIN. Every refusal is RFC 9457 "
                        + "application/problem+json with a stable `code`. Lists are paginated: `limit`, and the next page's "
                        + "URL (with an opaque `cursor`) in the `Link: <...>; rel=\"next\"` header."))
                .components(new Components()
                        .addSecuritySchemes(BEARER, new SecurityScheme().type(SecurityScheme.Type.HTTP).scheme("bearer").bearerFormat("JWT"))
                        .addSchemas(PROBLEM, problemSchema()))
                .addSecurityItem(new SecurityRequirement().addList(BEARER));
    }

    private static Schema<?> problemSchema() {
        Schema<String> code = new StringSchema()._enum(Arrays.stream(ErrorCode.values()).map(Enum::name).toList())
                .description("stable code a client switches on");
        Schema<?> error = new ObjectSchema().addProperty("field", new StringSchema()).addProperty("message", new StringSchema());
        return new ObjectSchema().description("RFC 9457 problem details")
                .addProperty("type", new StringSchema().format("uri"))
                .addProperty("title", new StringSchema())
                .addProperty("status", new IntegerSchema())
                .addProperty("detail", new StringSchema())
                .addProperty("instance", new StringSchema().format("uri-reference"))
                .addProperty("code", code)
                .addProperty("errors", new ArraySchema().items(error).description("VALIDATION_FAILED: the fields at fault"))
                .required(List.of("type", "title", "status", "code"));
    }

    @Bean
    OperationCustomizer problemsAndExamples(JsonMapper json) {
        return (operation, handler) -> {
            List<ErrorCode> codes = new ArrayList<>(List.of(ErrorCode.UNAUTHENTICATED, ErrorCode.FORBIDDEN, ErrorCode.RATE_LIMITED,
                    ErrorCode.BUSY, ErrorCode.NOT_ACCEPTABLE));
            boolean takesInput = operation.getRequestBody() != null || operation.getParameters() != null && !operation.getParameters().isEmpty();
            if (takesInput) {
                codes.add(ErrorCode.VALIDATION_FAILED);
            }
            if (operation.getRequestBody() != null) {
                codes.add(ErrorCode.UNSUPPORTED_MEDIA_TYPE);
                codes.add(ErrorCode.PAYLOAD_TOO_LARGE);
            }
            ProblemCodes own = handler.getMethodAnnotation(ProblemCodes.class);
            if (own != null) {
                codes.addAll(List.of(own.value()));
            }
            addProblems(operation, codes);
            RequestExample example = handler.getMethodAnnotation(RequestExample.class);
            if (example != null && operation.getRequestBody() != null && operation.getRequestBody().getContent() != null) {
                Object value = json.readValue(example.value(), Object.class);
                operation.getRequestBody().getContent().values().forEach(media -> media.setExample(value));
            }
            return operation;
        };
    }

    private static void addProblems(Operation operation, List<ErrorCode> codes) {
        Map<Integer, Map<String, ErrorCode>> byStatus = new TreeMap<>();
        codes.stream().distinct().forEach(code -> byStatus.computeIfAbsent(code.status().value(), status -> new LinkedHashMap<>())
                .put(code.name(), code));
        byStatus.forEach((status, these) -> {
            MediaType media = new MediaType().schema(new Schema<>().$ref("#/components/schemas/" + PROBLEM));
            these.values().forEach(code -> media.addExamples(code.name(), new Example().summary(code.title()).value(example(code))));
            ApiResponse response = new ApiResponse().description(String.join(", ", these.keySet()))
                    .content(new Content().addMediaType(PROBLEM_JSON, media));
            operation.getResponses().addApiResponse(Integer.toString(status), response);
        });
    }

    private static Map<String, Object> example(ErrorCode code) {
        Map<String, Object> problem = new LinkedHashMap<>();
        problem.put("type", "https://fairrush.org/problems/" + code.name().toLowerCase().replace('_', '-'));
        problem.put("title", code.title());
        problem.put("status", code.status().value());
        problem.put("code", code.name());
        return problem;
    }
}
