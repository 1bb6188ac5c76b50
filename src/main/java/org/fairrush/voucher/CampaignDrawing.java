package org.fairrush.voucher;

import java.time.Clock;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import org.fairrush.draw.SeedCommitment;
import org.fairrush.rush.GrantInOrder;
import org.fairrush.rush.PoolQueries;
import org.fairrush.voucher.domain.Campaign;
import org.fairrush.voucher.domain.Opening;
import org.fairrush.voucher.domain.OpeningDraw;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * The draw of a randomized opening, at or after its result time: the entries stored in Postgres (all of them, once the
 * persister has drained the campaign's claims, and exactly those waiting in Redis) go through {@link OpeningDraw} with
 * the seed whose SHA-256 is the commitment; the result is published (stored once per campaign) and the engine grants the
 * campaign's stock to the selected entries in the drawn order ({@link GrantInOrder}, exactly once, however many
 * instances or admins ask), which opens the campaign's pool for first-come grabs of what is left. Asking again with the
 * seed answers the published draw and finishes applying it if an earlier attempt stopped half way.
 */
@Service
class CampaignDrawing {

    private final Campaigns campaigns;
    private final Openings openings;
    private final CampaignDraws draws;
    private final PoolQueries queries;
    private final GrantInOrder grants;
    private final Clock clock;

    CampaignDrawing(Campaigns campaigns, Openings openings, CampaignDraws draws, PoolQueries queries, GrantInOrder grants, Clock clock) {
        this.campaigns = campaigns;
        this.openings = openings;
        this.draws = draws;
        this.queries = queries;
        this.grants = grants;
        this.clock = clock;
    }

    sealed interface Outcome {
    }

    record Drawn(CampaignDrawView draw, boolean again) implements Outcome {
    }

    record NoSuchCampaign() implements Outcome {
    }

    record FirstCome() implements Outcome {
    }

    record OpeningNotOver(Instant resultAt) implements Outcome {
    }

    /** The seed does not hash to the campaign's commitment: nothing was drawn. */
    record SeedMismatch(SeedCommitment commitment) implements Outcome {
    }

    record Busy(String why) implements Outcome {
    }

    Mono<Outcome> draw(long campaignId, String seed) {
        return campaigns.find(campaignId).flatMap(campaign -> openings.find(campaignId).flatMap(found -> {
            if (found.isEmpty()) {
                return Mono.just((Outcome) new FirstCome());
            }
            Opening opening = found.get();
            if (opening.entering(clock.instant())) {
                return Mono.just((Outcome) new OpeningNotOver(opening.resultAt()));
            }
            if (!opening.commitment().opensWith(seed)) {
                return Mono.just((Outcome) new SeedMismatch(opening.commitment()));
            }
            return draws.find(campaignId)
                    .flatMap(published -> apply(opening, published, true))
                    .switchIfEmpty(Mono.defer(() -> first(campaign, opening, seed)));
        })).defaultIfEmpty(new NoSuchCampaign());
    }

    /** The campaign's draw as published, or pending; empty for a first-come or unknown campaign. */
    Mono<CampaignDrawView> published(long campaignId) {
        return openings.find(campaignId).flatMap(found -> found.map(opening -> draws.find(campaignId)
                        .map(published -> CampaignDrawView.drawn(opening, published))
                        .defaultIfEmpty(CampaignDrawView.pending(opening)))
                .orElse(Mono.empty()));
    }

    private Mono<Outcome> first(Campaign campaign, Opening opening, String seed) {
        return queries.pendingCount(Campaigns.pool(campaign.id())).flatMap(pending -> pending > 0
                ? Mono.just(busy())
                : draws.undecidedEntries(campaign.id()).collectList().flatMap(entries -> sameAsRedis(campaign.id(), entries)
                        .flatMap(same -> same ? publish(campaign, opening, seed, entries) : Mono.just(busy()))));
    }

    private Mono<Outcome> publish(Campaign campaign, Opening opening, String seed, List<OpeningDraw.Entry> entries) {
        CampaignDraws.Published draw = new CampaignDraws.Published(campaign.id(), OpeningDraw.draw(seed, entries, campaign.stock()),
                campaign.stock(), clock.instant());
        return draws.insert(draw).flatMap(inserted -> inserted
                ? apply(opening, draw, false)
                // Another instance's or admin's draw was stored a moment before this one (the same, from the same seed).
                : draws.find(campaign.id()).flatMap(published -> apply(opening, published, true)));
    }

    /** Whether the entries read from Postgres are exactly the claims waiting in the entries pool (none still in flight). */
    private Mono<Boolean> sameAsRedis(long campaignId, List<OpeningDraw.Entry> entries) {
        Set<UUID> stored = entries.stream().map(OpeningDraw.Entry::entryId).collect(Collectors.toSet());
        return queries.waitingClaims(Openings.entries(campaignId)).collect(HashSet<UUID>::new, Set::add).map(stored::equals);
    }

    private Mono<Outcome> apply(Opening opening, CampaignDraws.Published published, boolean again) {
        List<UUID> order = published.result().order().stream().map(OpeningDraw.Place::entryId).toList();
        return grants.grant(Openings.entries(opening.campaignId()), Campaigns.pool(opening.campaignId()), order, opening.resultAt())
                .map(applied -> applied ? new Drawn(CampaignDrawView.drawn(opening, published), again) : busy());
    }

    private static Busy busy() {
        return new Busy("the entries are still being stored; the draw is retried in a moment");
    }
}
