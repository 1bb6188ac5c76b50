package org.fairrush.voucher;

import java.time.Instant;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.PoolRef;
import org.fairrush.voucher.domain.Campaign;
import org.fairrush.voucher.domain.CouponRules;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stores grabbed vouchers for the persister: one multi-row INSERT per batch (rows passed as arrays and unnested),
 * ON CONFLICT (id) DO NOTHING so that a claim delivered twice (in one batch or in two) is stored once, while a
 * different claim colliding on another unique column (the member's n-th voucher, the code) fails and is set aside,
 * never dropped; so does a different claim with a stored voucher's id, which is a code drawn twice (note 56). (COPY
 * into a staging table, then one INSERT ... SELECT, was measured no faster and removed: docs/design.md note 36.)
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

    /**
     * Held claims are vouchers (a first-come grab, or an opening's entry selected by its draw: same id and code). The
     * entries of a randomized opening (waiting claims, and their later revisions: selected or released) are kept in
     * campaign_entry, each at its highest revision.
     */
    @Override
    public Mono<Void> store(List<ClaimRecorded> claims) {
        List<ClaimRecorded> vouchers = claims.stream().filter(claim -> ClaimRecorded.HELD.equals(claim.status())).toList();
        Collection<ClaimRecorded> entries = claims.stream().filter(claim -> claim.waiting() || claim.revision() > 0)
                .collect(Collectors.toMap(ClaimRecorded::eventId, claim -> claim,
                        (a, b) -> a.revision() >= b.revision() ? a : b, LinkedHashMap::new)).values();
        return storeEntries(List.copyOf(entries)).then(storeVouchers(vouchers));
    }

    private Mono<Void> storeEntries(List<ClaimRecorded> entries) {
        if (entries.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("insert into campaign_entry (id, campaign_id, member_id, code, entered_at, status, revision) "
                        + "select * from unnest(:ids::uuid[], :campaigns::bigint[], :members::text[], :codes::text[], "
                        + ":enteredAt::timestamptz[], :statuses::text[], :revisions::int[]) on conflict (id) do update "
                        + "set status = excluded.status, revision = excluded.revision where campaign_entry.revision < excluded.revision "
                        + "and (campaign_entry.campaign_id, campaign_entry.member_id) = (excluded.campaign_id, excluded.member_id)")
                .bind("ids", entries.stream().map(c -> c.eventId().toString()).toArray(String[]::new))
                .bind("campaigns", entries.stream().map(c -> Long.valueOf(c.scope())).toArray(Long[]::new))
                .bind("members", entries.stream().map(ClaimRecorded::actorId).toArray(String[]::new))
                .bind("codes", entries.stream().map(c -> c.attributes().get(Grabbing.CODE)).toArray(String[]::new))
                .bind("enteredAt", entries.stream().map(c -> c.occurredAt().toString()).toArray(String[]::new))
                .bind("statuses", entries.stream().map(VoucherClaimSink::entryStatus).toArray(String[]::new))
                .bind("revisions", entries.stream().map(ClaimRecorded::revision).toArray(Integer[]::new))
                .fetch().rowsUpdated()
                .flatMap(written -> written == entries.size() ? Mono.<Void>empty()
                        : refuseCollisions("campaign_entry", false, entries));
    }

    private static String entryStatus(ClaimRecorded claim) {
        return switch (claim.status()) {
            case ClaimRecorded.WAITING -> ENTERED;
            case ClaimRecorded.HELD -> SELECTED;
            default -> NOT_SELECTED;
        };
    }

    static final String ENTERED = "ENTERED";
    static final String SELECTED = "SELECTED";
    static final String NOT_SELECTED = "NOT_SELECTED";

    private Mono<Void> storeVouchers(List<ClaimRecorded> claims) {
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
                .fetch().rowsUpdated()
                .flatMap(inserted -> inserted == claims.size() ? Mono.<Void>empty()
                        : refuseCollisions("voucher", true, claims));
    }

    /**
     * Some claims of the batch were not written because a row with their id was there. A voucher's or an entry's id is
     * its code's hash ({@code VoucherCodes.voucherId}), so that is the same claim delivered again, or another claim
     * that drew the same code (60 random bits: about one campaign of a million vouchers in two million has such a
     * pair): the second must not vanish as if it were a repeat. A claim whose id holds another member's row (or, for a
     * voucher, another number of theirs) is refused like any row a constraint refuses, and the persister sets it aside
     * with the reason (design note 56).
     *
     * @param numbered whether the table's rows carry the member's number ({@code seq}: vouchers, not entries)
     */
    private Mono<Void> refuseCollisions(String table, boolean numbered, List<ClaimRecorded> claims) {
        return db.sql("select id, campaign_id, member_id" + (numbered ? ", seq" : "") + " from " + table + " where id = any(:ids)")
                .bind("ids", claims.stream().map(ClaimRecorded::eventId).distinct().toArray(UUID[]::new))
                .map(row -> Map.entry(row.get("id", UUID.class), new Holder(Long.toString(row.get("campaign_id", Long.class)),
                        row.get("member_id", String.class), numbered ? row.get("seq", Integer.class) : null)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .flatMap(stored -> {
                    List<UUID> colliding = claims.stream()
                            .filter(claim -> !new Holder(claim.scope(), claim.actorId(), numbered ? claim.seq() : null).equals(stored.get(claim.eventId())))
                            .map(ClaimRecorded::eventId).toList();
                    return colliding.isEmpty() ? Mono.empty()
                            : Mono.error(new DataIntegrityViolationException("another " + table + " row holds the id (so the code) of claims " + colliding));
                });
    }

    /** Whose a stored row is: the campaign (as a claim's scope), the member, and the member's number where the table has one. */
    private record Holder(String campaign, String member, Integer number) {
    }

    /** Null (valid for the redemption window, as the reads take it) only if the campaign cannot be found, which its key forbids. */
    private static String validUntil(ClaimRecorded claim, Campaign campaign) {
        return campaign == null ? null : campaign.rules().validUntil(claim.occurredAt(), campaign.redeemEndsAt()).toString();
    }

    @Override
    public Mono<Long> countHolding(PoolRef pool) {
        if (Openings.ENTRIES.equals(pool.pool())) {
            // An opening's entries hold nothing: the selected ones hold the campaign pool's units.
            return Mono.just(0L);
        }
        return db.sql("select count(*) from voucher where campaign_id = :campaign")
                .bind("campaign", Long.valueOf(pool.scope()))
                .map(row -> row.get(0, Long.class)).one();
    }

    @Override
    public Mono<ClaimRecorded> find(UUID claimId) {
        return findVoucher(claimId).switchIfEmpty(Mono.defer(() -> findEntry(claimId)));
    }

    /** An opening's entry not selected (or not drawn yet), as its claim's current revision. */
    private Mono<ClaimRecorded> findEntry(UUID claimId) {
        return db.sql("select campaign_id, member_id, code, entered_at, status, revision from campaign_entry where id = :id")
                .bind("id", claimId)
                .map(row -> new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, claimId, row.get("entered_at", Instant.class), Campaigns.KIND,
                        Long.toString(row.get("campaign_id", Long.class)), Openings.ENTRIES, row.get("member_id", String.class), null, 1,
                        NOT_SELECTED.equals(row.get("status", String.class)) ? ClaimRecorded.RELEASED : ClaimRecorded.WAITING,
                        Map.of(Grabbing.CODE, row.get("code", String.class)), row.get("revision", Integer.class)))
                .one();
    }

    private Mono<ClaimRecorded> findVoucher(UUID claimId) {
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
        return db.sql("select id from voucher where id = any(:ids) union all select id from campaign_entry where id = any(:ids)")
                .bind("ids", claimIds.toArray(UUID[]::new))
                .map(row -> row.get("id", UUID.class)).all().distinct();
    }
}
