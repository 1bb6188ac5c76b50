package org.fairrush.voucher;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import org.fairrush.rush.PoolQueries;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.PoolRegistry;
import org.fairrush.voucher.CampaignRequests.NewCampaign;
import org.fairrush.voucher.domain.Campaign;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Creating, reading and pausing campaigns. A campaign's details hardly change, so each instance keeps
 * the ones it has seen in memory: the grab path reads them without a database round trip.
 */
@Service
class Campaigns {

    static final String KIND = "c";

    private final CampaignRepository repository;
    private final Openings openings;
    private final PoolRegistry poolRegistry;
    private final PoolQueries poolQueries;
    private final TransactionalOperator transaction;
    private final Clock clock;
    private final Map<Long, Campaign> known = new ConcurrentHashMap<>();

    Campaigns(CampaignRepository repository, Openings openings, PoolRegistry poolRegistry, PoolQueries poolQueries,
            TransactionalOperator transaction, Clock clock) {
        this.repository = repository;
        this.openings = openings;
        this.poolRegistry = poolRegistry;
        this.poolQueries = poolQueries;
        this.transaction = transaction;
        this.clock = clock;
        // A campaign retired from Redis is no longer grabbed: this instance need not keep it in memory.
        poolRegistry.retiredScopes().filter(scope -> KIND.equals(scope.kind()))
                .subscribe(scope -> known.remove(Long.parseLong(scope.scope())));
    }

    static PoolRef pool(long campaignId) {
        return PoolRef.single(KIND, Long.toString(campaignId));
    }

    /**
     * Stores the campaign and loads its pool into Redis in one step: if Redis cannot take the pool, the
     * row is rolled back, so a campaign never exists without its stock. A stock split over buckets is one pool per
     * bucket (a first-come campaign only, NewCampaignRules).
     */
    Mono<CampaignView> create(NewCampaign request) {
        return repository.insert(request)
                .flatMap(campaign -> openings.create(campaign, request).flatMap(opening -> Flux.fromIterable(Openings.pools(campaign, opening))
                        .concatMap(pool -> poolRegistry.define(pool, campaign.buckets()))
                        .all(Boolean::booleanValue)
                        .flatMap(created -> created ? Mono.just(Map.entry(campaign, opening)) : Mono.error(new IllegalStateException(
                                "Redis already holds a pool for campaign " + campaign.id() + ": Postgres and Redis disagree "
                                        + "(restored database?); the campaign was not created")))))
                .as(transaction::transactional)
                .doOnNext(created -> {
                    known.put(created.getKey().id(), created.getKey());
                    openings.remember(created.getValue(), created.getKey().id());
                })
                .map(created -> CampaignView.of(created.getKey(), created.getKey().stock(), clock.instant()).with(created.getValue()));
    }

    /**
     * The campaign's details, from memory when this instance has seen it before: for what never changes
     * (window, limit, discount). Its {@code paused} flag may be another instance's past: use {@link #current}.
     */
    Mono<Campaign> find(long id) {
        Campaign cached = known.get(id);
        if (cached != null) {
            return Mono.just(cached);
        }
        return repository.findById(id).doOnNext(campaign -> known.put(id, campaign));
    }

    /**
     * The campaign as stored now, paused flag included. Staff pause through any instance, which evicts only its
     * own memory, so whatever acts on the flag reads it here (Redis holds it for the grab path).
     */
    Mono<Campaign> current(long id) {
        return repository.findById(id);
    }

    Mono<CampaignView> view(long id) {
        return repository.findById(id).flatMap(this::withRemaining)
                .flatMap(view -> openings.find(id).map(view::with));
    }

    /**
     * A page of campaigns (one more than {@code count} asked for tells there are more), their stock in one MGET; a
     * campaign no longer in Redis (retired) is read as {@link #view} reads it, from Postgres.
     */
    Mono<List<CampaignView>> list(Optional<Map.Entry<Instant, Long>> after, int count) {
        return repository.findPage(after, count).collectList()
                .flatMap(page -> poolQueries.remainingOfCounted(page.stream().map(campaign -> pool(campaign.id())).toList())
                        .zipWith(openings.findAll(page.stream().map(Campaign::id).toList()))
                        .flatMap(found -> {
                            Map<PoolRef, Long> remaining = found.getT1();
                            Instant now = clock.instant();
                            return Flux.fromIterable(page).concatMap(campaign -> {
                                // A stock over buckets is summed bucket by bucket (withRemaining).
                                Long left = campaign.buckets() > 1 ? null : remaining.get(pool(campaign.id()));
                                return (left != null ? Mono.just(CampaignView.of(campaign, left, now)) : withRemaining(campaign))
                                        .map(view -> view.with(Optional.ofNullable(found.getT2().get(campaign.id()))));
                            }).collectList();
                        }));
    }

    Mono<CampaignView> setPaused(long id, boolean paused) {
        return repository.findById(id)
                .flatMap(campaign -> Flux.range(0, campaign.buckets()).concatMap(bucket -> poolRegistry.setPaused(pool(id).inBucket(bucket), paused))
                        .then()
                        .then(poolRegistry.setPaused(Openings.entries(id), paused))
                        .then(repository.setPaused(id, paused))
                        .then(view(id)))
                .doOnNext(view -> known.remove(id));
    }

    /**
     * Remaining stock from Redis while the pool lives there; once it may have been retired (its window closed a
     * retention period ago and every voucher was stored), from Postgres, which then holds every grab. -1 when
     * Redis lost a live pool (until it is rebuilt).
     */
    private Mono<CampaignView> withRemaining(Campaign campaign) {
        Mono<Long> fromPostgres = poolRegistry.pastRetention(campaign.grabEndsAt())
                ? repository.countVouchers(campaign.id()).map(stored -> campaign.stock() - stored)
                : Mono.just(-1L);
        // A stock over buckets is summed over them (PoolQueries#remaining).
        return poolQueries.remaining(pool(campaign.id()))
                .switchIfEmpty(fromPostgres)
                .map(remaining -> CampaignView.of(campaign, remaining, clock.instant()));
    }
}
