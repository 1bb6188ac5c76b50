package org.fairrush.load;

import io.gatling.javaapi.http.HttpDsl;
import io.gatling.javaapi.http.HttpProtocolBuilder;

/** The HTTP protocol every simulation uses: JSON both ways, the base URL, and one connection pool for all users. */
final class Protocol {

    private Protocol() {
    }

    static HttpProtocolBuilder http(String simulation) {
        return HttpDsl.http.baseUrl(Settings.baseUrl())
                .acceptHeader("application/json")
                .contentTypeHeader("application/json")
                .userAgentHeader("fairrush-load/" + simulation)
                .shareConnections();
    }
}
