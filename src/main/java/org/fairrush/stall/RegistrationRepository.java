package org.fairrush.stall;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import io.r2dbc.spi.Readable;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.Offers;
import org.fairrush.stall.domain.Registration;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** Reads the registration table (the persister writes it, see {@link RegistrationClaimSink}). */
@Repository
class RegistrationRepository {

    private static final String COLUMNS = "id, fair_id, category, merchant_id, merchant_name, special_offer, fee_cents, status, "
            + "stall_number, registered_at, offer_expires_at, offer_outcome";

    private final DatabaseClient db;

    RegistrationRepository(DatabaseClient db) {
        this.db = db;
    }

    /** Up to {@code count} of a merchant's registrations, newest first, after the given sort key (keyset pagination). */
    Flux<Registration> findByMerchant(String merchantId, Optional<Map.Entry<Instant, UUID>> after, int count) {
        var query = db.sql("select " + COLUMNS + " from registration where merchant_id = :merchant "
                        + (after.isPresent() ? "and (registered_at, id) < (:registeredAt, :id) " : "")
                        + "order by registered_at desc, id desc limit :count")
                .bind("merchant", merchantId).bind("count", count);
        if (after.isPresent()) {
            query = query.bind("registeredAt", after.get().getKey()).bind("id", after.get().getValue());
        }
        return query.map(RegistrationRepository::registration).all();
    }

    Mono<Registration> findById(UUID id) {
        return db.sql("select " + COLUMNS + " from registration where id = :id").bind("id", id)
                .map(RegistrationRepository::registration).one();
    }

    /** A sort key of the organisers' list: category, then time of registration, then id. */
    record FairOrder(String category, Instant registeredAt, UUID id) {
    }

    /** Up to {@code count} of a fair's registrations by category and time, after the given sort key (keyset pagination). */
    Flux<Registration> findByFair(long fairId, Optional<FairOrder> after, int count) {
        var query = db.sql("select " + COLUMNS + " from registration where fair_id = :fair "
                        + (after.isPresent() ? "and (category, registered_at, id) > (:category, :registeredAt, :id) " : "")
                        + "order by category, registered_at, id limit :count")
                .bind("fair", fairId).bind("count", count);
        if (after.isPresent()) {
            query = query.bind("category", after.get().category()).bind("registeredAt", after.get().registeredAt()).bind("id", after.get().id());
        }
        return query.map(RegistrationRepository::registration).all();
    }

    Flux<Registration> findWaiting(long fairId) {
        return db.sql("select " + COLUMNS + " from registration where fair_id = :fair and status = 'WAITING'")
                .bind("fair", fairId).map(RegistrationRepository::registration).all();
    }

    /**
     * A fair's registrations as the engine's claims, each at its latest stored revision, in the order they were
     * made (what a Redis rebuild writes back). One stall per merchant means a claim was always its merchant's
     * first active one at the fair: sequence number 1.
     */
    Flux<ClaimRecorded> findClaims(long fairId) {
        return db.sql("select " + COLUMNS + ", revision from registration where fair_id = :fair order by registered_at, id")
                .bind("fair", fairId)
                .map(RegistrationRepository::claim)
                .all();
    }

    /** One registration as the claim it is now (what a replayed Idempotency-Key answers once Redis keeps no copy). */
    Mono<ClaimRecorded> findClaim(UUID id) {
        return db.sql("select " + COLUMNS + ", revision from registration where id = :id").bind("id", id)
                .map(RegistrationRepository::claim)
                .one();
    }

    private static ClaimRecorded claim(Readable row) {
        return new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, row.get("id", UUID.class), row.get("registered_at", Instant.class),
                Fairs.KIND, Long.toString(row.get("fair_id", Long.class)), row.get("category", String.class), row.get("merchant_id", String.class),
                row.get("stall_number", String.class), 1, row.get("status", String.class),
                attributes(row), row.get("revision", Integer.class));
    }

    /** A registration's claim attributes: the feature's own, and the engine's of an offer (see {@link Offers}). */
    private static Map<String, String> attributes(Readable row) {
        Map<String, String> attributes = new HashMap<>(Registering.attributes(row.get("merchant_name", String.class),
                row.get("special_offer", Boolean.class), row.get("fee_cents", Long.class)));
        Instant offerExpiresAt = row.get("offer_expires_at", Instant.class);
        if (offerExpiresAt != null) {
            attributes.put(Offers.EXPIRES_AT, Long.toString(offerExpiresAt.toEpochMilli()));
        }
        String offerOutcome = row.get("offer_outcome", String.class);
        if (offerOutcome != null) {
            attributes.put(Offers.OUTCOME, offerOutcome);
        }
        return attributes;
    }

    private static Registration registration(Readable row) {
        return new Registration(row.get("id", UUID.class), row.get("fair_id", Long.class), row.get("category", String.class),
                row.get("merchant_id", String.class), row.get("merchant_name", String.class),
                row.get("special_offer", Boolean.class), row.get("fee_cents", Long.class), row.get("status", String.class),
                row.get("stall_number", String.class), row.get("registered_at", Instant.class), row.get("offer_expires_at", Instant.class),
                row.get("offer_outcome", String.class));
    }
}
