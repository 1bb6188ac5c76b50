package org.fairrush.voucher;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.fairrush.rush.DailyCounters;
import org.fairrush.rush.DailyQuota;
import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.ScopeState;
import org.fairrush.rush.recovery.Reconciliation;
import org.fairrush.rush.recovery.ScopeRebuild;
import org.fairrush.voucher.domain.Campaign;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;


/**
 * Restores a campaign's pool in Redis from Postgres after Redis lost its data (runbook: docs/operations.md):
 * remaining stock is the stock less the stored vouchers, each member holds what is stored for them; with daily caps,
 * today's counters (in the campaign's zone) are what is stored for today. A stock split over buckets gets each
 * member's holdings in their home bucket and the units left split over the buckets (docs/design.md section 11, note 34).
 * A campaign staff had paused stays paused. Answers the pool's reconciliation (a bucketed stock's as one line).
 */
@Service
class RebuildingCampaign {

    private final Campaigns campaigns;
    private final ScopeRebuild rebuild;
    private final Reconciliation reconciliation;
    private final DatabaseClient db;
    private final DailyCounters dailyCounters;
    private final Clock clock;

    RebuildingCampaign(Campaigns campaigns, ScopeRebuild rebuild, Reconciliation reconciliation, DatabaseClient db,
            DailyCounters dailyCounters, Clock clock) {
        this.campaigns = campaigns;
        this.rebuild = rebuild;
        this.reconciliation = reconciliation;
        this.db = db;
        this.dailyCounters = dailyCounters;
        this.clock = clock;
    }

    Mono<Reconciliation.PoolReport> rebuild(long campaignId) {
        PoolRef pool = Campaigns.pool(campaignId);
        return campaigns.current(campaignId).flatMap(campaign -> campaign.buckets() > 1
                // A stock over buckets has no daily caps (NewCampaignRules): each bucket gets its share and its holders.
                ? rebuild.rebuildBuckets(pool, campaign.buckets(), stored(campaign), campaign.paused())
                        .then(reconciliation.stock(pool, campaign.buckets()))
                : rebuild.rebuild(pool, List.of(pool), restoreToday(campaign).then(stored(campaign)), campaign.paused())
                        .then(reconciliation.pool(pool)));
    }

    private Mono<ScopeState> stored(Campaign campaign) {
        return holders(campaign.id()).map(holders -> {
            long stored = holders.values().stream().mapToLong(Integer::longValue).sum();
            PoolDefinition pool = PoolDefinition.counted(Campaigns.pool(campaign.id()), campaign.grabStartsAt(),
                    campaign.grabEndsAt(), campaign.perMemberLimit(), campaign.stock());
            return new ScopeState(Campaigns.pool(campaign.id()), holders, List.of(),
                    List.of(ScopeState.Pool.counted(pool, campaign.stock() - stored)));
        });
    }

    /**
     * Today's counters from the vouchers stored today. Read when the rebuild subscribes to the state, i.e. with the
     * pool paused and every claim stored, so the counts are exact; the rebuild's own scripts leave these keys alone.
     * Earlier days need nothing: no claim counts on them any more.
     */
    private Mono<Void> restoreToday(Campaign campaign) {
        DailyQuota quota = campaign.rules().dailyQuota();
        if (quota == null) {
            return Mono.empty();
        }
        Instant now = clock.instant();
        return db.sql("select member_id, count(*)::int as held from voucher where campaign_id = :campaign "
                        + "and grabbed_at >= :dayStarts and grabbed_at < :nextDay group by member_id")
                .bind("campaign", campaign.id())
                .bind("dayStarts", quota.day(now).atStartOfDay(quota.zone()).toInstant())
                .bind("nextDay", quota.nextDayStarts(now))
                .map(row -> Map.entry(row.get("member_id", String.class), row.get("held", Integer.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue)
                .flatMap(today -> dailyCounters.restore(Campaigns.pool(campaign.id()), quota, now, today));
    }

    private Mono<Map<String, Integer>> holders(long campaignId) {
        return db.sql("select member_id, count(*)::int as held from voucher where campaign_id = :campaign group by member_id")
                .bind("campaign", campaignId)
                .map(row -> Map.entry(row.get("member_id", String.class), row.get("held", Integer.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }
}
