package org.fairrush.voucher;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.fairrush.rush.PoolDefinition;
import org.fairrush.rush.Reconciliation;
import org.fairrush.rush.RushEngine;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;


/**
 * Restores a campaign's pool in Redis from Postgres after Redis lost its data (runbook: docs/operations.md):
 * pause the pool, wait until the persisters drained Kafka and nothing of the campaign is pending, recompute
 * remaining stock and each member's holdings from the stored vouchers, write them, resume (unless staff had
 * paused the campaign), and report the reconciliation of the pool.
 */
@Service
class RebuildingCampaign {

    private static final Duration DRAIN_WAIT = Duration.ofSeconds(60);

    private final Campaigns campaigns;
    private final RushEngine engine;
    private final Reconciliation reconciliation;
    private final DatabaseClient db;

    RebuildingCampaign(Campaigns campaigns, RushEngine engine, Reconciliation reconciliation, DatabaseClient db) {
        this.campaigns = campaigns;
        this.engine = engine;
        this.reconciliation = reconciliation;
        this.db = db;
    }

    Mono<Reconciliation.PoolReport> rebuild(long campaignId) {
        return campaigns.find(campaignId).flatMap(campaign -> engine.setPaused(Campaigns.pool(campaignId), true)
                .then(drained(campaignId))
                .then(holders(campaignId))
                .flatMap(holders -> {
                    long stored = holders.values().stream().mapToLong(Integer::longValue).sum();
                    PoolDefinition pool = PoolDefinition.counted(Campaigns.pool(campaignId), campaign.grabStartsAt(),
                            campaign.grabEndsAt(), campaign.perMemberLimit(), campaign.stock());
                    return engine.rebuild(pool, campaign.stock() - stored, List.of(), holders);
                })
                .then(engine.setPaused(Campaigns.pool(campaignId), campaign.paused()))
                .then(reconciliation.pool(Campaigns.pool(campaignId))));
    }

    /** Completes once Kafka's claim events are all stored and no claim of the campaign is pending. */
    private Mono<Void> drained(long campaignId) {
        return Mono.zip(reconciliation.consumerLag(), engine.pendingCount(Campaigns.pool(campaignId)))
                .filter(lagAndPending -> lagAndPending.getT1() == 0 && lagAndPending.getT2() == 0)
                .repeatWhenEmpty(repeat -> repeat.delayElements(Duration.ofMillis(250)))
                .timeout(DRAIN_WAIT)
                .then();
    }

    private Mono<Map<String, Integer>> holders(long campaignId) {
        return db.sql("select member_id, count(*)::int as held from voucher where campaign_id = :campaign group by member_id")
                .bind("campaign", campaignId)
                .map(row -> Map.entry(row.get("member_id", String.class), row.get("held", Integer.class)))
                .all()
                .collectMap(Map.Entry::getKey, Map.Entry::getValue);
    }
}
