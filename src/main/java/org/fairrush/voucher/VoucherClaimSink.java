package org.fairrush.voucher;

import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.PoolRef;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stores grabbed vouchers for the persister: one multi-row INSERT per batch (rows passed as arrays and
 * unnested), ON CONFLICT (id) DO NOTHING so that a claim delivered twice is stored once, while a different claim
 * colliding on another unique column (the member's n-th voucher, the code) fails and is set aside, never dropped.
 * Each voucher is stored with its own validity ({@link CouponRules#validUntil}), counted from the claim's time.
 */
@Component
class VoucherClaimSink implements ClaimSink {

    private final DatabaseClient db;
    /** Lazily: the engine the campaigns use is built with this sink. */
    private final ObjectProvider<Campaigns> campaigns;

    VoucherClaimSink(DatabaseClient db, ObjectProvider<Campaigns> campaigns) {
        this.db = db;
        this.campaigns = campaigns;
    }

    @Override
    public String kind() {
        return Campaigns.KIND;
    }

    @Override
    public String topic() {
        return "voucher-claims";
    }

    @Override
    public Mono<Void> store(List<ClaimRecorded> claims) {
        if (claims.isEmpty()) {
            return Mono.empty();
        }
        return Flux.fromStream(claims.stream().map(claim -> Long.valueOf(claim.scope())).distinct())
                .concatMap(id -> campaigns.getObject().find(id))
                .collectMap(Campaign::id)
                .flatMap(byId -> insert(claims, byId));
    }

    private Mono<Void> insert(List<ClaimRecorded> claims, Map<Long, Campaign> campaignsById) {
        return db.sql("insert into voucher (id, campaign_id, member_id, seq, code, grabbed_at, valid_until) "
                        + "select * from unnest(:ids::uuid[], :campaigns::bigint[], :members::text[], :seqs::int[], "
                        + ":codes::text[], :grabbedAt::timestamptz[], :validUntil::timestamptz[]) on conflict (id) do nothing")
                .bind("ids", claims.stream().map(c -> c.eventId().toString()).toArray(String[]::new))
                .bind("campaigns", claims.stream().map(c -> Long.valueOf(c.scope())).toArray(Long[]::new))
                .bind("members", claims.stream().map(ClaimRecorded::actorId).toArray(String[]::new))
                .bind("seqs", claims.stream().map(ClaimRecorded::seq).toArray(Integer[]::new))
                .bind("codes", claims.stream().map(c -> c.attributes().get(Grabbing.CODE)).toArray(String[]::new))
                .bind("grabbedAt", claims.stream().map(c -> c.occurredAt().toString()).toArray(String[]::new))
                .bind("validUntil", claims.stream().map(c -> validUntil(c, campaignsById.get(Long.valueOf(c.scope()))))
                        .toArray(String[]::new))
                .then();
    }

    /** Null (valid for the redemption window, as the reads take it) only if the campaign cannot be found, which its key forbids. */
    private static String validUntil(ClaimRecorded claim, Campaign campaign) {
        return campaign == null ? null : campaign.rules().validUntil(claim.occurredAt(), campaign.redeemEndsAt()).toString();
    }

    @Override
    public Mono<Long> countHolding(PoolRef pool) {
        return db.sql("select count(*) from voucher where campaign_id = :campaign")
                .bind("campaign", Long.valueOf(pool.scope()))
                .map(row -> row.get(0, Long.class)).one();
    }

    @Override
    public Mono<ClaimRecorded> find(UUID claimId) {
        return db.sql("select campaign_id, member_id, seq, code, grabbed_at from voucher where id = :id").bind("id", claimId)
                .map(row -> new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, claimId, row.get("grabbed_at", Instant.class), Campaigns.KIND,
                        Long.toString(row.get("campaign_id", Long.class)), "", row.get("member_id", String.class), null,
                        row.get("seq", Integer.class), ClaimRecorded.HELD, Map.of(Grabbing.CODE, row.get("code", String.class))))
                .one();
    }

    @Override
    public Flux<UUID> storedAmong(Collection<UUID> claimIds) {
        if (claimIds.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("select id from voucher where id = any(:ids)")
                .bind("ids", claimIds.toArray(UUID[]::new))
                .map(row -> row.get("id", UUID.class)).all();
    }
}
