package org.fairrush.web;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.http.HttpMethod;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every route against every role and no token. A role that may not call a route gets 403 FORBIDDEN, no
 * token gets 401 UNAUTHENTICATED; a role that may call it gets past authorisation (whatever the handler
 * then answers: the ids here do not exist and the bodies are empty, so nothing is changed).
 */
@FairrushTest
class AuthorizationMatrixTest {

    @Autowired
    WebTestClient http;

    enum Caller {
        NONE, MEMBER, MERCHANT, ADMIN;

        String token() {
            return switch (this) {
                case NONE -> null;
                case MEMBER -> Fixtures.memberToken("matrix-member");
                case MERCHANT -> Fixtures.merchantToken("matrix-stall");
                case ADMIN -> Fixtures.adminToken();
            };
        }
    }

    record Route(HttpMethod method, String path, Set<Caller> allowed) {
    }

    record Call(Route route, Caller caller) {
        @Override
        public String toString() {
            return caller + " " + route.method() + " " + route.path();
        }
    }

    private static final Set<Caller> ANY_ROLE = Set.of(Caller.MEMBER, Caller.MERCHANT, Caller.ADMIN);
    private static final String NO_CAMPAIGN = "/api/v1/campaigns/987654321";
    private static final String NO_FAIR = "/api/v1/fairs/987654321";
    private static final String NO_WEBHOOK = "/api/v1/webhooks/00000000-0000-0000-0000-000000000000";

    static List<Route> routes() {
        return List.of(
                new Route(HttpMethod.GET, "/api/v1/campaigns", ANY_ROLE),
                new Route(HttpMethod.GET, NO_CAMPAIGN, ANY_ROLE),
                new Route(HttpMethod.POST, "/api/v1/campaigns", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.POST, NO_CAMPAIGN + "/pause", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.POST, NO_CAMPAIGN + "/resume", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.POST, NO_CAMPAIGN + "/rebuild", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.POST, NO_CAMPAIGN + "/grabs", Set.of(Caller.MEMBER)),
                new Route(HttpMethod.GET, "/api/v1/me/vouchers", Set.of(Caller.MEMBER)),
                new Route(HttpMethod.POST, "/api/v1/redemptions", Set.of(Caller.MERCHANT)),
                new Route(HttpMethod.POST, "/api/v1/redemptions/00000000-0000-0000-0000-000000000000/refund", Set.of(Caller.MERCHANT)),
                new Route(HttpMethod.POST, "/api/v1/vouchers/00000000-0000-0000-0000-000000000000/void", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.GET, NO_CAMPAIGN + "/settlement", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.GET, NO_FAIR + "/report", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.GET, "/api/v1/ops/reconciliation", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.GET, "/api/v1/fairs", ANY_ROLE),
                new Route(HttpMethod.GET, NO_FAIR, ANY_ROLE),
                new Route(HttpMethod.POST, "/api/v1/fairs", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.POST, NO_FAIR + "/registrations", Set.of(Caller.MERCHANT)),
                new Route(HttpMethod.GET, NO_FAIR + "/registrations", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.GET, NO_FAIR + "/registrations/00000000-0000-0000-0000-000000000000",
                        Set.of(Caller.MERCHANT, Caller.ADMIN)),
                new Route(HttpMethod.DELETE, NO_FAIR + "/registrations/00000000-0000-0000-0000-000000000000",
                        Set.of(Caller.MERCHANT, Caller.ADMIN)),
                new Route(HttpMethod.GET, "/api/v1/me/registrations", Set.of(Caller.MERCHANT)),
                new Route(HttpMethod.POST, NO_FAIR + "/draw", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.POST, NO_FAIR + "/rebuild", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.GET, NO_FAIR + "/draw", ANY_ROLE),
                new Route(HttpMethod.PUT, NO_FAIR + "/seed-commitment", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.POST, "/api/v1/webhooks", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.GET, "/api/v1/webhooks", Set.of(Caller.ADMIN)),
                new Route(HttpMethod.DELETE, NO_WEBHOOK, Set.of(Caller.ADMIN)),
                new Route(HttpMethod.GET, NO_WEBHOOK + "/deliveries", Set.of(Caller.ADMIN)),
                // The benchmark's naive peer (test sources only, see org.fairrush.bench.NaiveGrabConfiguration).
                new Route(HttpMethod.POST, "/api/v1/bench/naive-campaigns/987654321/grabs", Set.of(Caller.MEMBER)));
    }

    static Stream<Call> matrix() {
        List<Call> calls = new ArrayList<>();
        for (Route route : routes()) {
            for (Caller caller : Caller.values()) {
                calls.add(new Call(route, caller));
            }
        }
        return calls.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("matrix")
    void onlyTheAllowedRolesGetPastAuthorisation(Call call) {
        var request = http.method(call.route().method()).uri(call.route().path())
                .header("Idempotency-Key", "matrix-key-0001");
        String token = call.caller().token();
        if (token != null) {
            request = request.header("Authorization", "Bearer " + token);
        }
        var result = (call.route().method() == HttpMethod.POST || call.route().method() == HttpMethod.PUT
                ? request.contentType(MediaType.APPLICATION_JSON).bodyValue("{}")
                : request).exchange();

        if (call.caller() == Caller.NONE) {
            result.expectStatus().isUnauthorized().expectBody().jsonPath("$.code").isEqualTo("UNAUTHENTICATED");
        } else if (!call.route().allowed().contains(call.caller())) {
            result.expectStatus().isForbidden().expectBody().jsonPath("$.code").isEqualTo("FORBIDDEN");
        } else {
            int status = result.returnResult(String.class).getStatus().value();
            assertThat(status).as("past authorisation").isNotIn(401, 403).isLessThan(500);
        }
    }
}
