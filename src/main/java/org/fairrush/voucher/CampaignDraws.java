package org.fairrush.voucher;

import java.time.Instant;
import java.util.UUID;

import org.fairrush.voucher.domain.OpeningDraw;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/** The campaign_draw table (a randomized opening's published draw, stored once) and the entries it draws from. */
@Repository
class CampaignDraws {

    /** A draw as stored: the result with each entry's claim id (which the public view leaves out), for the units drawn. */
    record Published(long campaignId, OpeningDraw.Result result, long units, Instant drawnAt) {
    }

    private final DatabaseClient db;
    private final JsonMapper json;

    CampaignDraws(DatabaseClient db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    /** Stores the draw unless one is stored already; emits whether this one was. */
    Mono<Boolean> insert(Published draw) {
        return db.sql("insert into campaign_draw (campaign_id, seed, entries_digest, result, drawn_at) "
                        + "values (:id, :seed, :digest, :result, :at) on conflict (campaign_id) do nothing")
                .bind("id", draw.campaignId()).bind("seed", draw.result().seed()).bind("digest", draw.result().entriesDigest())
                .bind("result", json.writeValueAsString(draw)).bind("at", draw.drawnAt())
                .fetch().rowsUpdated().map(rows -> rows == 1L);
    }

    Mono<Published> find(long campaignId) {
        return db.sql("select result from campaign_draw where campaign_id = :id").bind("id", campaignId)
                .map(row -> json.readValue(row.get("result", String.class), Published.class)).one();
    }

    /** The campaign's entries stored in Postgres and not yet decided by a draw. */
    Flux<OpeningDraw.Entry> undecidedEntries(long campaignId) {
        return db.sql("select id, member_id from campaign_entry where campaign_id = :id and status = 'ENTERED'").bind("id", campaignId)
                .map(row -> new OpeningDraw.Entry(row.get("member_id", String.class), row.get("id", UUID.class))).all();
    }
}
