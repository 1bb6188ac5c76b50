package org.fairrush.bench;

import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

import org.fairrush.web.ApiProblem;
import org.fairrush.web.BearerTokens;
import org.fairrush.web.Caller;
import org.fairrush.web.ErrorCode;
import org.fairrush.web.ProblemResponses;
import org.springframework.boot.ApplicationRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Profile;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.security.config.web.server.ServerHttpSecurity;
import org.springframework.security.core.Authentication;
import org.springframework.security.web.server.SecurityWebFilterChain;
import org.springframework.security.web.server.util.matcher.ServerWebExchangeMatchers;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * The naive peer of the benchmark (docs/benchmarks.md, step 5), behind the same HTTP stack as the durable
 * grab: {@code POST /api/v1/bench/naive-campaigns/{id}/grabs} with a member's bearer token and an
 * Idempotency-Key answers 201 with a voucher or 409 SOLD_OUT, like {@code POST /api/v1/campaigns/{id}/grabs}.
 * Each grab is one Postgres statement, so one transaction and one round trip: the conditional
 * {@code UPDATE ... SET remaining = remaining - 1 WHERE remaining > 0} and the voucher INSERT together; a
 * repeated Idempotency-Key fails the INSERT (which undoes the UPDATE) and answers the voucher stored first.
 *
 * <p>Test sources only (local and test profiles), like the dev token issuer: the production jar has neither
 * the route nor its tables. It keeps no per-member limit and skips the rate-limit filter, which flatters it.
 */
@Configuration(proxyBeanMethods = false)
@Profile({"local", "test"})
class NaiveGrabConfiguration {

    static final String MEMBER = "MEMBER";

    /** Members only, with the production chain's token validation and problem answers. */
    @Bean
    @Order(Ordered.HIGHEST_PRECEDENCE + 1)
    SecurityWebFilterChain naiveGrabRoutes(ServerHttpSecurity http, ProblemResponses problems) {
        return BearerTokens.withRolesAndProblems(http, problems)
                .securityMatcher(ServerWebExchangeMatchers.pathMatchers("/api/v1/bench/**"))
                .csrf(ServerHttpSecurity.CsrfSpec::disable)
                .httpBasic(ServerHttpSecurity.HttpBasicSpec::disable)
                .formLogin(ServerHttpSecurity.FormLoginSpec::disable)
                .requestCache(ServerHttpSecurity.RequestCacheSpec::disable)
                .authorizeExchange(routes -> routes.anyExchange().hasRole(MEMBER))
                .build();
    }

    /** The naive peer's own tables, apart from fairrush's schema (and its Flyway history). */
    @Bean
    ApplicationRunner naiveGrabTables(DatabaseClient db) {
        return arguments -> db.sql("create table if not exists bench_naive_campaign (id bigint primary key, name text not null, "
                        + "remaining int not null, amount_off_cents bigint not null, min_spend_cents bigint not null, "
                        + "redeem_starts_at timestamptz not null, redeem_ends_at timestamptz not null)").then()
                .then(db.sql("create table if not exists bench_naive_voucher (id uuid primary key, campaign_id bigint not null, "
                        + "member_id text not null, idempotency_key text not null, code text not null unique, "
                        + "grabbed_at timestamptz not null, unique (member_id, idempotency_key))").then())
                .block(java.time.Duration.ofSeconds(30));
    }

    record Discount(String type, long amountOffCents, long minSpendCents) {
    }

    /** The same fields as the durable grab's 201 body. */
    record NaiveVoucher(UUID voucherId, String code, long campaignId, String campaignName, String memberId,
            Instant grabbedAt, String status, Discount discount, Instant redeemStartsAt, Instant redeemEndsAt) {
    }

    @RestController
    @Profile({"local", "test"})
    static class NaiveGrabController {

        private static final String GRAB = "with taken as (update bench_naive_campaign set remaining = remaining - 1 "
                + "where id = :campaign and remaining > 0 "
                + "returning id as campaign_id, name, amount_off_cents, min_spend_cents, redeem_starts_at, redeem_ends_at), "
                + "stored as (insert into bench_naive_voucher (id, campaign_id, member_id, idempotency_key, code, grabbed_at) "
                + "select :id, taken.campaign_id, :member, :key, :code, now() from taken returning id as voucher_id, code, grabbed_at) "
                + "select stored.*, taken.* from stored, taken";
        private static final String STORED = "select v.id as voucher_id, v.code, v.grabbed_at, c.id as campaign_id, c.name, "
                + "c.amount_off_cents, c.min_spend_cents, c.redeem_starts_at, c.redeem_ends_at from bench_naive_voucher v "
                + "join bench_naive_campaign c on c.id = v.campaign_id where v.member_id = :member and v.idempotency_key = :key";

        private final DatabaseClient db;

        NaiveGrabController(DatabaseClient db) {
            this.db = db;
        }

        @PostMapping("/api/v1/bench/naive-campaigns/{id}/grabs")
        Mono<ResponseEntity<NaiveVoucher>> grab(@PathVariable long id,
                @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey, Authentication caller) {
            String key = Caller.requireIdempotencyKey(idempotencyKey);
            String member = Caller.of(caller).id();
            return db.sql(GRAB).bind("campaign", id).bind("id", UUID.randomUUID()).bind("member", member).bind("key", key)
                    .bind("code", "NV-" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36).toUpperCase())
                    .map((row, meta) -> voucher(row, member))
                    .one()
                    .map(voucher -> answer(voucher, false))
                    .onErrorResume(DuplicateKeyException.class, replay -> db.sql(STORED).bind("member", member).bind("key", key)
                            .map((row, meta) -> voucher(row, member)).one().map(voucher -> answer(voucher, true)))
                    .switchIfEmpty(Mono.error(() -> ApiProblem.of(ErrorCode.SOLD_OUT, "All vouchers of this campaign are gone")));
        }

        private static ResponseEntity<NaiveVoucher> answer(NaiveVoucher voucher, boolean replayed) {
            return ResponseEntity.status(HttpStatus.CREATED).header("Idempotent-Replayed", Boolean.toString(replayed)).body(voucher);
        }

        private static NaiveVoucher voucher(io.r2dbc.spi.Row row, String member) {
            return new NaiveVoucher(row.get("voucher_id", UUID.class), row.get("code", String.class), row.get("campaign_id", Long.class),
                    row.get("name", String.class), member, row.get("grabbed_at", java.time.OffsetDateTime.class).toInstant(), "ISSUED",
                    new Discount("AMOUNT_OFF", row.get("amount_off_cents", Long.class), row.get("min_spend_cents", Long.class)),
                    row.get("redeem_starts_at", java.time.OffsetDateTime.class).toInstant(),
                    row.get("redeem_ends_at", java.time.OffsetDateTime.class).toInstant());
        }
    }
}
