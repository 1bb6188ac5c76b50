package org.fairrush.stall;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.fairrush.rush.Offers;
import org.fairrush.rush.PoolRef;
import org.fairrush.stall.domain.Registration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Stores registrations for the persister. A claim arrives first as made (revision 0) and again with each
 * change (released, promoted, handed a stall by a draw) as the whole claim with a higher revision; events of
 * one claim may arrive in any order and more than once, so each row keeps the highest revision seen and a
 * RELEASED row stays released.
 *
 * <p>The partial unique index allows one active registration per merchant per fair. Redis is the authority on
 * that limit (one claim per merchant per fair), so a merchant's claim made later proves that the earlier ones
 * were released, even when the release event is still on its way: those rows are marked RELEASED first,
 * which keeps a batch from failing on the index while it waits for an event behind it in the log.
 */
@Component
class RegistrationClaimSink implements ClaimSink {

    private final DatabaseClient db;
    private final RegistrationRepository registrations;

    RegistrationClaimSink(DatabaseClient db, RegistrationRepository registrations) {
        this.db = db;
        this.registrations = registrations;
    }

    @Override
    public Mono<ClaimRecorded> find(UUID claimId) {
        return registrations.findClaim(claimId);
    }

    @Override
    public String kind() {
        return Fairs.KIND;
    }

    @Override
    public String topic() {
        return "stall-registrations";
    }

    @Override
    public Mono<Void> store(List<ClaimRecorded> claims) {
        if (claims.isEmpty()) {
            return Mono.empty();
        }
        List<ClaimRecorded> rows = supersedeWithinBatch(latestRevisions(claims));
        List<ClaimRecorded> active = rows.stream().filter(claim -> !claim.released()).toList();
        return releaseSuperseded(active).then(updateNewer(rows)).then(insertNew(rows));
    }

    private static Collection<ClaimRecorded> latestRevisions(List<ClaimRecorded> claims) {
        return claims.stream().collect(Collectors.toMap(ClaimRecorded::eventId, Function.identity(),
                (a, b) -> a.revision() >= b.revision() ? a : b, LinkedHashMap::new)).values();
    }

    /** Of one merchant's active claims at one fair in this batch, all but the latest made are released. */
    private static List<ClaimRecorded> supersedeWithinBatch(Collection<ClaimRecorded> claims) {
        Map<String, ClaimRecorded> latestActive = new LinkedHashMap<>();
        claims.stream().filter(claim -> !claim.released()).forEach(claim -> latestActive.merge(claim.scope() + "/" + claim.actorId(),
                claim, (a, b) -> Comparator.comparing(ClaimRecorded::occurredAt).compare(a, b) >= 0 ? a : b));
        List<ClaimRecorded> rows = new ArrayList<>(claims.size());
        for (ClaimRecorded claim : claims) {
            boolean superseded = !claim.released() && latestActive.get(claim.scope() + "/" + claim.actorId()) != claim;
            rows.add(superseded ? withStatus(claim, ClaimRecorded.RELEASED) : claim);
        }
        return rows;
    }

    private static ClaimRecorded withStatus(ClaimRecorded c, String status) {
        return new ClaimRecorded(c.schemaVersion(), c.eventId(), c.occurredAt(), c.kind(), c.scope(), c.pool(), c.actorId(),
                c.item(), c.seq(), status, c.attributes(), c.revision());
    }

    private Mono<Void> releaseSuperseded(List<ClaimRecorded> active) {
        if (active.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("update registration r set status = 'RELEASED', updated_at = now() "
                        + "from unnest(:ids::uuid[], :fairs::bigint[], :merchants::text[], :madeAt::timestamptz[]) "
                        + "as e(id, fair_id, merchant_id, made_at) "
                        + "where r.fair_id = e.fair_id and r.merchant_id = e.merchant_id and r.id <> e.id "
                        + "and r.status <> 'RELEASED' and r.registered_at < e.made_at")
                .bind("ids", ids(active))
                .bind("fairs", active.stream().map(c -> Long.valueOf(c.scope())).toArray(Long[]::new))
                .bind("merchants", active.stream().map(ClaimRecorded::actorId).toArray(String[]::new))
                .bind("madeAt", active.stream().map(c -> c.occurredAt().toString()).toArray(String[]::new))
                .then();
    }

    private Mono<Void> updateNewer(List<ClaimRecorded> rows) {
        List<ClaimRecorded> changes = rows.stream().filter(claim -> claim.revision() > 0 || claim.released()).toList();
        if (changes.isEmpty()) {
            return Mono.empty();
        }
        return db.sql("update registration r set status = e.status, stall_number = coalesce(e.stall, r.stall_number), "
                        + "revision = e.revision, offer_expires_at = e.offer_expires_at, offer_outcome = e.offer_outcome, updated_at = now() "
                        + "from unnest(:ids::uuid[], :statuses::text[], :stalls::text[], :revisions::int[], :offerEnds::timestamptz[], "
                        + ":offerOutcomes::text[]) as e(id, status, stall, revision, offer_expires_at, offer_outcome) "
                        + "where r.id = e.id and r.status <> 'RELEASED' and (r.revision < e.revision or e.status = 'RELEASED')")
                .bind("ids", ids(changes))
                .bind("statuses", changes.stream().map(ClaimRecorded::status).toArray(String[]::new))
                .bind("stalls", changes.stream().map(ClaimRecorded::item).toArray(String[]::new))
                .bind("revisions", changes.stream().map(ClaimRecorded::revision).toArray(Integer[]::new))
                .bind("offerEnds", offerEnds(changes))
                .bind("offerOutcomes", offerOutcomes(changes))
                .then();
    }

    /**
     * New rows; one whose merchant already has a later active registration at the fair is stored as RELEASED
     * (it was released before that one was made).
     */
    private Mono<Void> insertNew(List<ClaimRecorded> rows) {
        return db.sql("insert into registration (id, fair_id, category, merchant_id, merchant_name, special_offer, fee_cents, "
                        + "status, stall_number, revision, registered_at, offer_expires_at, offer_outcome) "
                        + "select e.id, e.fair_id, e.category, e.merchant_id, e.merchant_name, e.special_offer, e.fee_cents, "
                        + "case when e.status <> 'RELEASED' and exists (select 1 from registration o where o.fair_id = e.fair_id "
                        + "and o.merchant_id = e.merchant_id and o.status <> 'RELEASED' and o.registered_at > e.registered_at) "
                        + "then 'RELEASED' else e.status end, e.stall, e.revision, e.registered_at, e.offer_expires_at, e.offer_outcome "
                        + "from unnest(:ids::uuid[], :fairs::bigint[], :categories::text[], :merchants::text[], :names::text[], "
                        + ":offers::boolean[], :fees::bigint[], :statuses::text[], :stalls::text[], :revisions::int[], "
                        + ":madeAt::timestamptz[], :offerEnds::timestamptz[], :offerOutcomes::text[]) as e(id, fair_id, category, "
                        + "merchant_id, merchant_name, special_offer, fee_cents, status, stall, revision, registered_at, offer_expires_at, "
                        + "offer_outcome) "
                        + "on conflict (id) do nothing")
                .bind("ids", ids(rows))
                .bind("fairs", rows.stream().map(c -> Long.valueOf(c.scope())).toArray(Long[]::new))
                .bind("categories", rows.stream().map(ClaimRecorded::pool).toArray(String[]::new))
                .bind("merchants", rows.stream().map(ClaimRecorded::actorId).toArray(String[]::new))
                .bind("names", rows.stream().map(c -> c.attributes().get(Registration.MERCHANT_NAME)).toArray(String[]::new))
                .bind("offers", rows.stream().map(c -> Boolean.valueOf(c.attributes().get(Registration.SPECIAL_OFFER))).toArray(Boolean[]::new))
                .bind("fees", rows.stream().map(c -> Long.valueOf(c.attributes().get(Registration.FEE_CENTS))).toArray(Long[]::new))
                .bind("statuses", rows.stream().map(ClaimRecorded::status).toArray(String[]::new))
                .bind("stalls", rows.stream().map(ClaimRecorded::item).toArray(String[]::new))
                .bind("revisions", rows.stream().map(ClaimRecorded::revision).toArray(Integer[]::new))
                .bind("madeAt", rows.stream().map(c -> c.occurredAt().toString()).toArray(String[]::new))
                .bind("offerEnds", offerEnds(rows))
                .bind("offerOutcomes", offerOutcomes(rows))
                .then();
    }

    @Override
    public Mono<Long> countHolding(PoolRef pool) {
        return db.sql("select count(*) from registration where fair_id = :fair and category = :category "
                        + "and status in ('HELD', 'OFFERED')")
                .bind("fair", Long.valueOf(pool.scope())).bind("category", pool.pool())
                .map(row -> row.get(0, Long.class)).one();
    }

    @Override
    public Flux<UUID> storedAmong(Collection<UUID> claimIds) {
        if (claimIds.isEmpty()) {
            return Flux.empty();
        }
        return db.sql("select id from registration where id = any(:ids)")
                .bind("ids", claimIds.toArray(UUID[]::new))
                .map(row -> row.get("id", UUID.class)).all();
    }

    /** When each claim's open offer ends (null unless OFFERED). */
    private static String[] offerEnds(List<ClaimRecorded> claims) {
        return claims.stream().map(claim -> Offers.expiresAt(claim).map(Instant::toString).orElse(null)).toArray(String[]::new);
    }

    /** How each released claim's offer ended (DECLINED, EXPIRED; null for anything else). */
    private static String[] offerOutcomes(List<ClaimRecorded> claims) {
        return claims.stream().map(claim -> claim.released() ? claim.attributes().get(Offers.OUTCOME) : null).toArray(String[]::new);
    }

    private static String[] ids(List<ClaimRecorded> claims) {
        return claims.stream().map(ClaimRecorded::eventId).map(UUID::toString).toArray(String[]::new);
    }
}
