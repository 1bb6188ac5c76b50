package org.fairrush.voucher;

import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import io.r2dbc.spi.Readable;
import org.fairrush.draw.SeedCommitment;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.voucher.CampaignRequests.NewCampaign;
import org.fairrush.voucher.domain.Campaign;
import org.fairrush.voucher.domain.Opening;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The campaign_opening table and the pools of a randomized opening. Such a campaign has two pools in its scope: the
 * entries pool ({@value #ENTRIES}: no stock, a waiting list, open during the opening window, one entry per member)
 * and the campaign's usual pool, defined closed until the draw opens it (grant-in-order.lua). An opening never changes
 * once created, so each instance keeps what it has read in memory: the grab path reads it without a database round trip.
 */
@Repository
class Openings {

    static final String ENTRIES = "opening";

    private static final String COLUMNS = "campaign_id, opening_window_ms, result_at, seed_commitment, generated_seed";

    private final DatabaseClient db;
    private final SecureRandom random = new SecureRandom();
    private final Map<Long, Optional<Opening>> known = new ConcurrentHashMap<>();

    Openings(DatabaseClient db) {
        this.db = db;
    }

    static PoolRef entries(long campaignId) {
        return new PoolRef(Campaigns.KIND, Long.toString(campaignId), ENTRIES);
    }

    /** Stores the opening the request asks for (none for a first-come campaign), with a seed of its own if staff committed none. */
    Mono<Optional<Opening>> create(Campaign campaign, NewCampaign request) {
        if (!Opening.RANDOMIZED.equals(request.allocation())) {
            return Mono.just(Optional.empty());
        }
        String generatedSeed = request.seedCommitment() == null ? newSeed() : null;
        SeedCommitment commitment = generatedSeed != null ? SeedCommitment.of(generatedSeed) : new SeedCommitment(request.seedCommitment());
        Opening opening = new Opening(campaign.id(), request.openingWindow(), campaign.grabStartsAt().plus(request.openingWindow()),
                commitment, generatedSeed);
        var insert = db.sql("insert into campaign_opening (" + COLUMNS + ") values (:id, :window, :resultAt, :commitment, :seed)")
                .bind("id", campaign.id()).bind("window", opening.window().toMillis()).bind("resultAt", opening.resultAt())
                .bind("commitment", commitment.hex());
        return (generatedSeed == null ? insert.bindNull("seed", String.class) : insert.bind("seed", generatedSeed))
                .then().thenReturn(Optional.of(opening));
    }

    /** The campaign's pools: the usual one, and for a randomized opening the entries pool, the usual one closed until the draw. */
    static List<PoolDefinition> pools(Campaign campaign, Optional<Opening> opening) {
        PoolRef pool = Campaigns.pool(campaign.id());
        if (opening.isEmpty()) {
            return List.of(PoolDefinition.counted(pool, campaign.grabStartsAt(), campaign.grabEndsAt(), campaign.perMemberLimit(),
                    campaign.stock()));
        }
        Instant resultAt = opening.get().resultAt();
        // The entries change at the draw, which may come after the opening window: they live as long as the campaign's pool.
        return List.of(new PoolDefinition(entries(campaign.id()), campaign.grabStartsAt(), resultAt, 1, 0, List.of(), true,
                        campaign.grabEndsAt()),
                PoolDefinition.counted(pool, campaign.grabEndsAt(), campaign.grabEndsAt(), campaign.perMemberLimit(), campaign.stock()));
    }

    void remember(Optional<Opening> opening, long campaignId) {
        known.put(campaignId, opening);
    }

    /** The campaign's opening, empty for a first-come campaign. */
    Mono<Optional<Opening>> find(long campaignId) {
        Optional<Opening> cached = known.get(campaignId);
        if (cached != null) {
            return Mono.just(cached);
        }
        return db.sql("select " + COLUMNS + " from campaign_opening where campaign_id = :id").bind("id", campaignId)
                .map(Openings::opening).one().map(Optional::of).defaultIfEmpty(Optional.empty())
                .doOnNext(found -> known.put(campaignId, found));
    }

    /** The openings of many campaigns in one query (a list of campaigns). */
    Mono<Map<Long, Opening>> findAll(List<Long> campaignIds) {
        if (campaignIds.isEmpty()) {
            return Mono.just(Map.of());
        }
        return db.sql("select " + COLUMNS + " from campaign_opening where campaign_id = any(:ids)").bind("ids", campaignIds.toArray(Long[]::new))
                .map(Openings::opening).all().collectMap(Opening::campaignId);
    }

    /**
     * Openings that draw themselves whose result is due at {@code now} and not yet fully applied: not published yet,
     * or with entries the draw has not decided in Postgres (a draw that stopped half way is finished by the next pass).
     */
    Flux<Opening> dueForTheirOwnDraw(Instant now) {
        return db.sql("select " + COLUMNS + " from campaign_opening o where generated_seed is not null and result_at <= :now "
                        + "and (not exists (select 1 from campaign_draw d where d.campaign_id = o.campaign_id) "
                        + "or exists (select 1 from campaign_entry e where e.campaign_id = o.campaign_id and e.status = 'ENTERED'))")
                .bind("now", now).map(Openings::opening).all();
    }

    private String newSeed() {
        byte[] seed = new byte[32];
        random.nextBytes(seed);
        return HexFormat.of().formatHex(seed);
    }

    private static Opening opening(Readable row) {
        return new Opening(row.get("campaign_id", Long.class), Duration.ofMillis(row.get("opening_window_ms", Long.class)),
                row.get("result_at", Instant.class), new SeedCommitment(row.get("seed_commitment", String.class)),
                row.get("generated_seed", String.class));
    }
}
