package org.fairrush.stall;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fairrush.rush.ClaimEventTypes;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.stall.domain.LotteryDraw;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * A lottery fair's draw as one webhook event, {@value #DRAWN}: the draw publishes the registrations it hands stalls to
 * as later revisions of their claims, so the first changed claims of a fair read while its draw is stored announce it,
 * with an id of the fair's own (the same however many batches or instances see it, so it is delivered once per
 * subscription). A draw that handed out no stall (no entries) changes no claim and is not announced.
 */
@Component
class FairDrawnEvents implements ClaimEventTypes {

    static final String DRAWN = "fair.drawn";

    private final DatabaseClient db;

    FairDrawnEvents(DatabaseClient db) {
        this.db = db;
    }

    @Override
    public String kind() {
        return Fairs.KIND;
    }

    @Override
    public Set<String> types() {
        return Set.of(DRAWN);
    }

    @Override
    public Mono<List<ClaimEvent>> eventsOf(List<ClaimRecorded> claims) {
        Map<Long, ClaimRecorded> changedFairs = new LinkedHashMap<>();
        claims.stream().filter(claim -> claim.revision() > 0).forEach(claim -> changedFairs.putIfAbsent(Long.valueOf(claim.scope()), claim));
        if (changedFairs.isEmpty()) {
            return Mono.just(List.of());
        }
        return db.sql("select fair_id, seed, entries_digest, drawn_at from fair_draw where fair_id = any(:ids)")
                .bind("ids", changedFairs.keySet().toArray(Long[]::new))
                .map(row -> {
                    long fairId = row.get("fair_id", Long.class);
                    return new ClaimEvent("evt_fair_drawn_" + fairId, DRAWN, changedFairs.get(fairId),
                            data(fairId, row.get("seed", String.class), row.get("entries_digest", String.class),
                                    row.get("drawn_at", Instant.class)));
                })
                .all().collectList();
    }

    private static Map<String, Object> data(long fairId, String seed, String entriesDigest, Instant drawnAt) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("fairId", fairId);
        data.put("algorithm", LotteryDraw.ALGORITHM);
        data.put("seed", seed);
        data.put("entriesDigest", entriesDigest);
        data.put("drawnAt", drawnAt.toString());
        return data;
    }
}
