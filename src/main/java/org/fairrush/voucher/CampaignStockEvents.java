package org.fairrush.voucher;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import org.fairrush.rush.ClaimEventTypes.ClaimEvent;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.voucher.domain.StockLevel;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A campaign running low and sold out, derived from the granted vouchers the webhook recorder reads (never on the grab
 * path): for each campaign with granted vouchers in a batch, the vouchers Postgres holds are counted against the
 * stock ({@link StockLevel}). Each event has one id per campaign ({@code evt_campaign_low_stock_<id>},
 * {@code evt_campaign_sold_out_<id>}), so the batches after it that still find the stock low announce nothing new.
 *
 * <p>The count must include the batch's own vouchers, which the persister may not have stored yet. So it counts them as
 * stored, and while some are not, ties the event to such a voucher: the recorder then waits for it (and asks again,
 * counting anew) or, should it never be stored (a reversed claim), drops the event, which the campaign's next voucher
 * brings again. An event is thus announced only from a count of stored vouchers.
 */
@Component
class CampaignStockEvents {

    static final String LOW_STOCK = "campaign.low_stock";
    static final String SOLD_OUT = "campaign.sold_out";

    private final DatabaseClient db;

    CampaignStockEvents(DatabaseClient db) {
        this.db = db;
    }

    /** The stock events of the campaigns whose vouchers (held claims) are among the given claims. */
    Mono<List<ClaimEvent>> eventsOf(List<ClaimRecorded> claims) {
        Map<String, List<ClaimRecorded>> grantedByCampaign = claims.stream()
                .filter(claim -> ClaimRecorded.HELD.equals(claim.status()))
                .collect(Collectors.groupingBy(ClaimRecorded::scope, LinkedHashMap::new, Collectors.toList()));
        return Flux.fromIterable(grantedByCampaign.entrySet())
                .concatMap(campaign -> eventsOf(Long.parseLong(campaign.getKey()), campaign.getValue()))
                .flatMapIterable(events -> events)
                .collectList();
    }

    private Mono<List<ClaimEvent>> eventsOf(long campaignId, List<ClaimRecorded> granted) {
        List<String> ids = granted.stream().map(claim -> claim.eventId().toString()).distinct().toList();
        return db.sql("select c.stock, (select count(*) from voucher v where v.campaign_id = c.id) as stored, "
                        + "array(select v.id::text from voucher v where v.id = any(:ids::uuid[])) as among "
                        + "from campaign c where c.id = :campaign")
                .bind("campaign", campaignId).bind("ids", ids.toArray(String[]::new))
                .map(row -> {
                    Set<String> stored = Set.copyOf(Arrays.asList(row.get("among", String[].class)));
                    List<ClaimRecorded> unstored = granted.stream().filter(claim -> !stored.contains(claim.eventId().toString())).toList();
                    long counted = row.get("stored", Long.class) + unstored.stream().map(ClaimRecorded::eventId).distinct().count();
                    ClaimRecorded tiedTo = unstored.isEmpty() ? granted.get(granted.size() - 1) : unstored.get(0);
                    return events(campaignId, new StockLevel(row.get("stock", Integer.class), counted), tiedTo);
                })
                .one()
                .defaultIfEmpty(List.of());
    }

    private static List<ClaimEvent> events(long campaignId, StockLevel level, ClaimRecorded tiedTo) {
        List<ClaimEvent> events = new ArrayList<>();
        if (level.low()) {
            Map<String, Object> data = data(campaignId, level);
            data.put("remaining", level.remaining());
            data.put("lowStockAt", level.lowStockAt());
            events.add(new ClaimEvent("evt_campaign_low_stock_" + campaignId, LOW_STOCK, tiedTo, data));
        }
        if (level.soldOut()) {
            events.add(new ClaimEvent("evt_campaign_sold_out_" + campaignId, SOLD_OUT, tiedTo, data(campaignId, level)));
        }
        return events;
    }

    private static Map<String, Object> data(long campaignId, StockLevel level) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("campaignId", campaignId);
        data.put("stock", level.stock());
        return data;
    }
}
