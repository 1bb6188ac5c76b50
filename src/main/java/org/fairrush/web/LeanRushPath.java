package org.fairrush.web;

import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import org.springframework.core.Ordered;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpRequestDecorator;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.security.authentication.AbstractAuthenticationToken;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;
import org.springframework.web.server.ServerWebExchange;
import org.springframework.web.server.WebFilter;
import org.springframework.web.server.WebFilterChain;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The rush endpoints' own way through the service (issue 13; docs/design.md section 11, note 44). The API's security
 * chain runs a dozen filters, each a Reactor pipeline of its own, and the annotated handler behind it a mapping
 * lookup over every route and an exception for every refusal: together about a third of what a sold-out answer costs
 * the service, and a fifth of a grab. A request to a {@link RushRoute} that a phone sends (a bearer token, no
 * {@code Origin}, JSON or anything accepted) is served here instead, before the security chain, doing what that chain
 * does for it and nothing else, in its order: the in-flight bound, the browser security headers, the token verified
 * (the same decoder and token cache, the same roles claim and subject rule), the role, the caller's and the
 * address's rate limits, then the route's answer. Every other request passes on untouched, so what is unusual
 * (no or malformed token, a browser's CORS request, an Accept header other than JSON) keeps the one full path and
 * its exact answers. {@code LeanRushPathTest} holds the two paths to the same answers.
 */
final class LeanRushPath implements WebFilter, Ordered {

    /** Before Spring Security's WebFilterChainProxy (-100). */
    static final int ORDER = -200;

    private static final String BEARER = "Bearer ";
    private static final String UNAUTHENTICATED_DETAIL = "Send a valid bearer token";
    /** The largest body read on this path (the codecs' in-memory limit, spring.codec.max-in-memory-size, is 16 KB). */
    static final int MAX_BODY = 8 * 1024;

    private record Route(RushRoute route, String prefix, String suffix) {

        /** The id in {@code path} when it is this route's (1 to 18 digits), else -1. */
        long idIn(String path) {
            int end = path.length() - suffix.length();
            if (end - prefix.length() < 1 || end - prefix.length() > 18 || !path.startsWith(prefix) || !path.endsWith(suffix)) {
                return -1;
            }
            long id = 0;
            for (int i = prefix.length(); i < end; i++) {
                char c = path.charAt(i);
                if (c < '0' || c > '9') {
                    return -1;
                }
                id = id * 10 + (c - '0');
            }
            return id;
        }
    }

    private final List<Route> routes;
    private final ReactiveJwtDecoder tokens;
    private final RushGuards guards;
    private final ProblemResponses problems;
    private final Converter<Jwt, Mono<AbstractAuthenticationToken>> callers = BearerTokens.rolesFromClaim();
    private final LongAdder served = new LongAdder();

    LeanRushPath(List<RushRoute> routes, ReactiveJwtDecoder tokens, RushGuards guards, ProblemResponses problems) {
        this.routes = routes.stream().map(LeanRushPath::route).toList();
        this.tokens = tokens;
        this.guards = guards;
        this.problems = problems;
    }

    private static Route route(RushRoute route) {
        String pattern = route.pathPattern();
        int variable = pattern.indexOf("{id}");
        if (variable < 0 || pattern.indexOf('{', variable + 1) >= 0) {
            throw new IllegalArgumentException("a rush route has exactly one variable, {id}: " + pattern);
        }
        return new Route(route, pattern.substring(0, variable), pattern.substring(variable + "{id}".length()));
    }

    @Override
    public int getOrder() {
        return ORDER;
    }

    @Override
    public Mono<Void> filter(ServerWebExchange exchange, WebFilterChain chain) {
        ServerHttpRequest request = exchange.getRequest();
        if (request.getMethod() != HttpMethod.POST) {
            return chain.filter(exchange);
        }
        String path = request.getPath().value();
        for (Route route : routes) {
            long id = route.idIn(path);
            if (id >= 0) {
                HttpHeaders headers = request.getHeaders();
                String token = bearerToken(headers.getFirst(HttpHeaders.AUTHORIZATION));
                if (token == null || headers.containsHeader(HttpHeaders.ORIGIN) || !acceptsJson(headers.getFirst(HttpHeaders.ACCEPT))) {
                    return chain.filter(exchange);
                }
                return route.route().takesBody() ? withBody(exchange, chain, route.route(), id, token)
                        : serve(exchange, route.route(), id, token, null);
            }
        }
        return chain.filter(exchange);
    }

    /**
     * Reads a small JSON body (declared length, at most {@value #MAX_BODY} bytes) and serves the request when the route
     * answers that body; anything else (another content type, no length, a body the route would refuse) goes down the
     * full path with the body as it came, so its answer is the annotated route's, to the byte.
     */
    private Mono<Void> withBody(ServerWebExchange exchange, WebFilterChain chain, RushRoute route, long id, String token) {
        ServerHttpRequest request = exchange.getRequest();
        long length = request.getHeaders().getContentLength();
        if (length < 1 || length > MAX_BODY || !isJson(request.getHeaders().getFirst(HttpHeaders.CONTENT_TYPE))) {
            return chain.filter(exchange);
        }
        return DataBufferUtils.join(request.getBody(), MAX_BODY)
                .map(buffer -> {
                    byte[] bytes = new byte[buffer.readableByteCount()];
                    buffer.read(bytes);
                    DataBufferUtils.release(buffer);
                    return bytes;
                })
                .defaultIfEmpty(new byte[0])
                .flatMap(bytes -> route.readBody(bytes)
                        .map(body -> serve(exchange, route, id, token, body))
                        .orElseGet(() -> chain.filter(exchange.mutate().request(replaying(request, bytes)).build())));
    }

    /** The request with its body, already read, to be read once more. */
    private static ServerHttpRequest replaying(ServerHttpRequest request, byte[] body) {
        return new ServerHttpRequestDecorator(request) {
            @Override
            public Flux<DataBuffer> getBody() {
                return Flux.defer(() -> Flux.just(DefaultDataBufferFactory.sharedInstance.wrap(body)));
            }
        };
    }

    private Mono<Void> serve(ServerWebExchange exchange, RushRoute route, long id, String token, Object body) {
        served.increment();
        ServerRequestObservationContext.findCurrent(exchange.getAttributes())
                .ifPresent(observation -> observation.setPathPattern(route.pathPattern()));
        SecurityHeaders.write(exchange.getResponse(), exchange.getRequest().getSslInfo() != null);
        return guards.inFlight().within(exchange, () -> caller(token)
                .onErrorMap(failure -> failure instanceof JwtException || failure instanceof AuthenticationException,
                        failure -> ApiProblem.of(ErrorCode.UNAUTHENTICATED, UNAUTHENTICATED_DETAIL))
                .flatMap(caller -> BearerTokens.hasRole(caller, route.role())
                        ? limitedAnswer(exchange, route, id, caller, body)
                        : problems.write(exchange, ApiProblem.of(ErrorCode.FORBIDDEN, "Your role may not do this")))
                .onErrorResume(failure -> problems.handle(exchange, failure)));
    }

    /** The token's caller: from the token cache when there is one (it keeps each token's caller), else taken afresh. */
    private Mono<AbstractAuthenticationToken> caller(String token) {
        return tokens instanceof VerifiedTokens cache ? cache.caller(token) : tokens.decode(token).flatMap(callers::convert);
    }

    /**
     * The rate limits, then the route's answer; a refusal the route knows from memory (a sold-out campaign) comes
     * first, as it costs less than the limits and changes nothing they protect (note 51).
     */
    private Mono<Void> limitedAnswer(ServerWebExchange exchange, RushRoute route, long id, AbstractAuthenticationToken caller, Object body) {
        Caller of = Caller.of(caller);
        Supplier<Mono<Void>> limited = () -> guards.rateLimits().limit(exchange, caller.getName(), () -> route.answer(exchange, id, of, body));
        return route.mayRefuseBeforeLimits(id) ? route.refuseBeforeLimits(exchange, id, of).then(Mono.defer(limited)) : limited.get();
    }

    /** Requests this path took (the tests' way to tell which path answered). */
    long served() {
        return served.sum();
    }

    /** The token of an {@code Authorization: Bearer} header as Spring Security's converter takes it, else null. */
    static String bearerToken(String authorization) {
        if (authorization == null || !authorization.startsWith(BEARER) || authorization.length() == BEARER.length()) {
            return null;
        }
        int end = authorization.length();
        while (end > BEARER.length() && authorization.charAt(end - 1) == '=') {
            end--;
        }
        if (end == BEARER.length()) {
            return null;
        }
        for (int i = BEARER.length(); i < end; i++) {
            char c = authorization.charAt(i);
            if (c >= TOKEN_CHARS.length || !TOKEN_CHARS[c]) {
                return null;
            }
        }
        return authorization.substring(BEARER.length());
    }

    /**
     * The characters of a token (RFC 6750's b64token without its padding), by character. A token is some 600 of them in
     * a random mix: one lookup each checks them without the branches of the chain of comparisons it replaces, whose
     * mispredictions made that loop 1.6 % of a grab's CPU samples (issue 13).
     */
    private static final boolean[] TOKEN_CHARS = tokenChars();

    private static boolean[] tokenChars() {
        boolean[] chars = new boolean[128];
        for (char c = 0; c < chars.length; c++) {
            chars[c] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == '+' || c == '/';
        }
        return chars;
    }

    /** Whether a body is plain JSON as phones send it: {@code application/json}, in UTF-8 if a charset is named. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String type = contentType.strip().toLowerCase(java.util.Locale.ROOT);
        return type.equals("application/json") || type.equals("application/json;charset=utf-8")
                || type.equals("application/json; charset=utf-8");
    }

    /** Whether the answer may be JSON without negotiating: no Accept header, or one of the usual two. */
    private static boolean acceptsJson(String accept) {
        return accept == null || accept.equals("*/*") || accept.equals("application/json");
    }

    /** The browser security headers the API's chain writes (SecurityConfiguration), for a route that never caches. */
    static final class SecurityHeaders {

        private SecurityHeaders() {
        }

        static void write(ServerHttpResponse response, boolean secure) {
            HttpHeaders headers = response.getHeaders();
            headers.set(HttpHeaders.CACHE_CONTROL, "no-cache, no-store, max-age=0, must-revalidate");
            headers.set(HttpHeaders.PRAGMA, "no-cache");
            headers.set(HttpHeaders.EXPIRES, "0");
            headers.set("X-Content-Type-Options", "nosniff");
            if (secure) {
                headers.set("Strict-Transport-Security", "max-age=31536000 ; includeSubDomains");
            }
            headers.set("X-Frame-Options", "DENY");
            headers.set("X-XSS-Protection", "0");
            headers.set("Content-Security-Policy", SecurityConfiguration.CONTENT_SECURITY_POLICY);
            headers.set("Referrer-Policy", "no-referrer");
        }
    }
}
