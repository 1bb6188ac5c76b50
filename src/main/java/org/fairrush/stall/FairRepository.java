package org.fairrush.stall;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.r2dbc.spi.Readable;
import org.fairrush.stall.FairRequests.NewCategory;
import org.fairrush.stall.FairRequests.NewFair;
import org.fairrush.stall.domain.Allocation;
import org.fairrush.stall.domain.Category;
import org.fairrush.stall.domain.Fair;
import org.fairrush.stall.domain.Waitlist;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/** The fair, fair_category and fair_draw tables. */
@Repository
class FairRepository {

    private static final String COLUMNS = "id, name, theme, venue, starts_at, ends_at, registration_opens_at, "
            + "registration_closes_at, allocation, waitlist_mode, waitlist_hold_seconds";

    private final DatabaseClient db;

    FairRepository(DatabaseClient db) {
        this.db = db;
    }

    /** A published draw as stored: the result is the JSON the API shows. */
    record StoredDraw(long fairId, String seed, String entriesDigest, String result, Instant drawnAt) {
    }

    Mono<Fair> insert(NewFair f) {
        Waitlist waitlist = f.waitlistRule();
        var insert = db.sql("insert into fair (name, theme, venue, starts_at, ends_at, registration_opens_at, registration_closes_at, "
                        + "allocation, waitlist_mode, waitlist_hold_seconds) values (:name, :theme, :venue, :starts, :ends, :opens, :closes, "
                        + ":allocation, :waitlistMode, :holdSeconds) returning id")
                .bind("name", f.name()).bind("theme", f.theme()).bind("venue", f.venue())
                .bind("starts", f.startsAt()).bind("ends", f.endsAt())
                .bind("opens", f.registrationOpensAt()).bind("closes", f.registrationClosesAt())
                .bind("allocation", f.allocation().name())
                .bind("waitlistMode", waitlist.mode().name());
        insert = waitlist.offers() ? insert.bind("holdSeconds", waitlist.holdFor().toSeconds()) : insert.bindNull("holdSeconds", Long.class);
        return insert
                .map(row -> row.get("id", Long.class))
                .one()
                .flatMap(id -> insertCategories(id, f.categories()).then(findById(id)));
    }

    private Mono<Void> insertCategories(long fairId, List<NewCategory> categories) {
        return Flux.range(0, categories.size())
                .concatMap(i -> db.sql("insert into fair_category (fair_id, code, name, stalls, fee_cents, position) "
                                + "values (:fair, :code, :name, :stalls, :fee, :position)")
                        .bind("fair", fairId).bind("code", categories.get(i).code()).bind("name", categories.get(i).name())
                        .bind("stalls", categories.get(i).stalls()).bind("fee", categories.get(i).feeCents()).bind("position", i)
                        .then())
                .then();
    }

    Mono<Fair> findById(long id) {
        return categories(List.of(id)).flatMap(byFair -> db.sql("select " + COLUMNS + " from fair where id = :id").bind("id", id)
                .map(row -> fair(row, byFair.getOrDefault(id, List.of()))).one());
    }

    /** Up to {@code count} fairs, latest registration window first, after the given sort key (keyset pagination). */
    Flux<Fair> findPage(java.util.Optional<Map.Entry<Instant, Long>> after, int count) {
        var query = db.sql("select " + COLUMNS + " from fair "
                + (after.isPresent() ? "where (registration_opens_at, id) < (:opensAt, :id) " : "")
                + "order by registration_opens_at desc, id desc limit :count").bind("count", count);
        if (after.isPresent()) {
            query = query.bind("opensAt", after.get().getKey()).bind("id", after.get().getValue());
        }
        return query.map(row -> fair(row, List.of())).all()
                .collectList()
                .flatMapMany(fairs -> categories(fairs.stream().map(Fair::id).toList())
                        .flatMapMany(byFair -> Flux.fromIterable(fairs).map(fair -> withCategories(fair, byFair))));
    }

    private static Fair withCategories(Fair fair, Map<Long, List<Category>> byFair) {
        return new Fair(fair.id(), fair.name(), fair.theme(), fair.venue(), fair.startsAt(), fair.endsAt(),
                fair.registrationOpensAt(), fair.registrationClosesAt(), fair.allocation(), byFair.getOrDefault(fair.id(), List.of()),
                fair.waitlist());
    }

    private Mono<Map<Long, List<Category>>> categories(List<Long> fairIds) {
        if (fairIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql("select fair_id, code, name, stalls, fee_cents from fair_category where fair_id = any(:ids) "
                        + "order by fair_id, position")
                .bind("ids", fairIds.toArray(Long[]::new))
                .map(row -> Map.entry(row.get("fair_id", Long.class), new Category(row.get("code", String.class),
                        row.get("name", String.class), row.get("stalls", Integer.class), row.get("fee_cents", Long.class))))
                .all()
                .collect(Collectors.groupingBy(Map.Entry::getKey, Collectors.mapping(Map.Entry::getValue, Collectors.toList())));
    }

    /** Stores the draw unless the fair has one already; emits whether this call stored it. */
    Mono<Boolean> insertDraw(StoredDraw draw) {
        return db.sql("insert into fair_draw (fair_id, seed, entries_digest, result, drawn_at) "
                        + "values (:fair, :seed, :digest, :result, :at) on conflict (fair_id) do nothing")
                .bind("fair", draw.fairId()).bind("seed", draw.seed()).bind("digest", draw.entriesDigest())
                .bind("result", draw.result()).bind("at", draw.drawnAt())
                .fetch().rowsUpdated().map(rows -> rows == 1);
    }

    /** Which of the given fairs have a published draw, in one query. */
    Mono<java.util.Set<Long>> findDrawn(List<Long> fairIds) {
        if (fairIds.isEmpty()) {
            return Mono.just(java.util.Set.of());
        }
        return db.sql("select fair_id from fair_draw where fair_id = any(:ids)").bind("ids", fairIds.toArray(Long[]::new))
                .map(row -> row.get("fair_id", Long.class)).all().collect(java.util.stream.Collectors.toSet());
    }

    Mono<StoredDraw> findDraw(long fairId) {
        return db.sql("select fair_id, seed, entries_digest, result, drawn_at from fair_draw where fair_id = :fair")
                .bind("fair", fairId)
                .map(row -> new StoredDraw(row.get("fair_id", Long.class), row.get("seed", String.class),
                        row.get("entries_digest", String.class), row.get("result", String.class), row.get("drawn_at", Instant.class)))
                .one();
    }

    private static Fair fair(Readable row, List<Category> categories) {
        return new Fair(
                row.get("id", Long.class),
                row.get("name", String.class),
                row.get("theme", String.class),
                row.get("venue", String.class),
                row.get("starts_at", Instant.class),
                row.get("ends_at", Instant.class),
                row.get("registration_opens_at", Instant.class),
                row.get("registration_closes_at", Instant.class),
                Allocation.valueOf(row.get("allocation", String.class)),
                categories,
                waitlist(row));
    }

    private static Waitlist waitlist(Readable row) {
        Waitlist.Mode mode = Waitlist.Mode.valueOf(row.get("waitlist_mode", String.class));
        return mode == Waitlist.Mode.OFFER ? Waitlist.offering(Duration.ofSeconds(row.get("waitlist_hold_seconds", Long.class)))
                : Waitlist.AUTO_CONFIRM;
    }
}
