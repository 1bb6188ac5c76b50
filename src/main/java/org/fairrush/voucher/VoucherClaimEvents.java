package org.fairrush.voucher;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fairrush.rush.ClaimEventTypes;
import org.fairrush.rush.ClaimRecorded;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * What a voucher claim means to webhook receivers: a held claim is a granted voucher (a first-come grab as made, or a
 * randomized opening's entry its draw selected). The voucher's code is left out: it is what a merchant redeems, and a
 * receiver has no need of it to tell the member. An opening's entry as made means nothing yet; the draw's changes of the
 * entries (their first later revision) announce the draw itself, once per campaign: {@value #DRAWN}, with an id of its
 * own however many batches the changes span. A campaign running low or sold out is announced once each from the
 * vouchers granted, see {@link CampaignStockEvents}.
 */
@Component
class VoucherClaimEvents implements ClaimEventTypes {

    static final String GRANTED = "voucher.granted";
    static final String DRAWN = "campaign.drawn";

    private final CampaignDraws draws;
    private final CampaignStockEvents stock;

    VoucherClaimEvents(CampaignDraws draws, CampaignStockEvents stock) {
        this.draws = draws;
        this.stock = stock;
    }

    @Override
    public String kind() {
        return Campaigns.KIND;
    }

    @Override
    public Set<String> types() {
        return Set.of(GRANTED, DRAWN, CampaignStockEvents.LOW_STOCK, CampaignStockEvents.SOLD_OUT);
    }

    @Override
    public Mono<List<ClaimEvent>> eventsOf(List<ClaimRecorded> claims) {
        List<ClaimEvent> granted = claims.stream().filter(claim -> ClaimRecorded.HELD.equals(claim.status()))
                .map(claim -> new ClaimEvent(ClaimEvent.idOf(claim), GRANTED, claim, data(claim))).toList();
        Map<String, ClaimRecorded> drawnCampaigns = new LinkedHashMap<>();
        claims.stream().filter(claim -> claim.revision() == 1).forEach(claim -> drawnCampaigns.putIfAbsent(claim.scope(), claim));
        return Flux.fromIterable(drawnCampaigns.values())
                .concatMap(claim -> draws.find(Long.parseLong(claim.scope()))
                        .map(published -> new ClaimEvent("evt_campaign_drawn_" + claim.scope(), DRAWN, claim, drawn(published))))
                .collectList()
                .zipWith(stock.eventsOf(claims), (drawn, stockEvents) -> {
                    List<ClaimEvent> events = new ArrayList<>(granted);
                    events.addAll(drawn);
                    events.addAll(stockEvents);
                    return events;
                });
    }

    private static Map<String, Object> data(ClaimRecorded claim) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("voucherId", claim.eventId().toString());
        data.put("campaignId", Long.valueOf(claim.scope()));
        data.put("memberId", claim.actorId());
        data.put("grabbedAt", claim.occurredAt().toString());
        return data;
    }

    /** What a receiver needs to tell members and to fetch or recompute the draw (GET /campaigns/{id}/draw). */
    private static Map<String, Object> drawn(CampaignDraws.Published published) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("campaignId", published.campaignId());
        data.put("algorithm", published.result().algorithm());
        data.put("seed", published.result().seed());
        data.put("entriesDigest", published.result().entriesDigest());
        data.put("entries", published.result().entries().size());
        data.put("selected", published.result().selectedCount());
        data.put("drawnAt", published.drawnAt().toString());
        return data;
    }
}
