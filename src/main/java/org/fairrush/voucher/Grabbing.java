package org.fairrush.voucher;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.fairrush.rush.ClaimOutcome;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.Claims;
import org.fairrush.rush.PoolRef;
import org.fairrush.rush.PoolRegistry;
import org.fairrush.voucher.domain.Campaign;
import org.fairrush.voucher.domain.Discount;
import org.fairrush.voucher.domain.Opening;
import org.fairrush.voucher.domain.VoucherCodes;
import org.fairrush.voucher.domain.VoucherStatus;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * A member grabbing a voucher: the campaign's rules are the pool's, the engine does the rest. In a randomized
 * opening's window a grab is an entry in the campaign's entries pool (see {@link Openings}); after it, a grab goes to
 * the campaign's pool as usual, and a replay of an entry's Idempotency-Key answers the entry's result.
 */
@Service
class Grabbing {

    static final String CODE = "code";

    private final Campaigns campaigns;
    private final Openings openings;
    private final Claims claims;
    private final PoolRegistry poolRegistry;
    private final Clock clock;
    private final VoucherCodes codes = new VoucherCodes();

    Grabbing(Campaigns campaigns, Openings openings, Claims claims, PoolRegistry poolRegistry, Clock clock) {
        this.campaigns = campaigns;
        this.openings = openings;
        this.claims = claims;
        this.poolRegistry = poolRegistry;
        this.clock = clock;
    }

    sealed interface GrabOutcome {
    }

    record Grabbed(GrabbedVoucher voucher, boolean replayed) implements GrabOutcome {
    }

    /** An entry in a randomized opening: its result is known at {@code resultAt}. */
    record Entered(Instant resultAt, boolean replayed) implements GrabOutcome {
    }

    /** The entry was drawn and not selected. */
    record NotSelected() implements GrabOutcome {
    }

    /** The opening window is over and its draw not applied yet: first-come grabs start right after it. */
    record DrawPending(Instant resultAt) implements GrabOutcome {
    }

    record NoSuchCampaign() implements GrabOutcome {
    }

    /** @param retryAt when the refusal stops holding (a day's quota: the next day in the campaign's zone), else null */
    record Refused(ClaimOutcome.Refusal reason, Instant retryAt) implements GrabOutcome {
    }

    record Busy(String why) implements GrabOutcome {
    }

    /**
     * The 201 body: everything the mini-program shows, so that it need not read the wallet again.
     *
     * @param validUntil the end (exclusive) of this voucher's own validity: redeemEndsAt, or earlier with a campaign's
     *                   {@code validity}
     */
    record GrabbedVoucher(UUID voucherId, String code, long campaignId, String campaignName, String memberId,
            Instant grabbedAt, String status, Discount discount, Instant redeemStartsAt, Instant redeemEndsAt, Instant validUntil) {
    }

    Mono<GrabOutcome> grab(long campaignId, String memberId, String idempotencyKey) {
        return campaigns.find(campaignId)
                .flatMap(campaign -> openings.find(campaignId).flatMap(opening -> {
                    boolean entering = opening.isPresent() && opening.get().entering(clock.instant());
                    return claim(campaign, entering, memberId, idempotencyKey)
                            // The window closed between this instance's look at the clock and the script's: a grab now.
                            .flatMap(outcome -> entering && refused(outcome, ClaimOutcome.Refusal.ENDED)
                                    ? claim(campaign, false, memberId, idempotencyKey) : Mono.just(outcome))
                            .map(outcome -> outcome(campaign, opening, closedIfRetired(campaign, outcome)));
                }))
                .defaultIfEmpty(new NoSuchCampaign());
    }

    /** Whether this instance knows the campaign's stock is gone (from memory only: nothing is looked up). */
    boolean knownSoldOut(long campaignId) {
        return claims.knownSoldOut(Campaigns.pool(campaignId));
    }

    /**
     * Whether {@link #grab} would answer this grab SOLD_OUT from what the instance knows, without trying a claim: the
     * campaign's stock known to be gone, no randomized opening taking entries, and no claim made with this key before
     * (a replay must get its voucher). False whenever the grab must be tried.
     */
    Mono<Boolean> refusedAsSoldOut(long campaignId, String memberId, String idempotencyKey) {
        return campaigns.find(campaignId)
                .flatMap(campaign -> openings.find(campaignId).flatMap(opening -> opening.isPresent() && opening.get().entering(clock.instant())
                        ? Mono.just(false)
                        : claims.refusedAsSoldOut(Campaigns.pool(campaignId), campaign.buckets(), memberId, idempotencyKey)))
                .defaultIfEmpty(false);
    }

    private Mono<ClaimOutcome> claim(Campaign campaign, boolean entering, String memberId, String idempotencyKey) {
        String code = codes.next(campaign.id());
        PoolRef pool = entering ? Openings.entries(campaign.id()) : Campaigns.pool(campaign.id());
        if (!entering && campaign.buckets() > 1) {
            // A stock over buckets has no daily caps and no opening (NewCampaignRules): the member's home bucket claims.
            return claims.claim(pool, campaign.buckets(), memberId, idempotencyKey, Map.of(CODE, code), VoucherCodes.voucherId(code));
        }
        // An entry is no grant: the day's caps count grants (a randomized campaign has none, NewCampaignRules).
        return claims.claim(pool, memberId, idempotencyKey, Map.of(CODE, code), VoucherCodes.voucherId(code),
                entering ? null : campaign.rules().dailyQuota());
    }

    private static boolean refused(ClaimOutcome outcome, ClaimOutcome.Refusal reason) {
        return outcome instanceof ClaimOutcome.Refused refused && refused.reason() == reason;
    }

    /**
     * A campaign retired from Redis after its window closed has no pool any more: a grab is answered as on any
     * closed window, not as a pool being restored.
     */
    private ClaimOutcome closedIfRetired(Campaign campaign, ClaimOutcome outcome) {
        return refused(outcome, ClaimOutcome.Refusal.UNKNOWN_POOL) && poolRegistry.pastRetention(campaign.grabEndsAt())
                ? new ClaimOutcome.Refused(ClaimOutcome.Refusal.ENDED) : outcome;
    }

    private GrabOutcome outcome(Campaign campaign, Optional<Opening> opening, ClaimOutcome outcome) {
        if (opening.isPresent()) {
            Optional<GrabOutcome> ofOpening = openingOutcome(campaign, opening.get(), outcome);
            if (ofOpening.isPresent()) {
                return ofOpening.get();
            }
        }
        if (outcome instanceof ClaimOutcome.Granted granted) {
            return new Grabbed(voucher(campaign, granted.claim()), granted.replayed());
        }
        if (outcome instanceof ClaimOutcome.Refused refused) {
            return new Refused(refused.reason(), refused.retryAt());
        }
        if (outcome instanceof ClaimOutcome.Busy busy) {
            return new Busy(busy.why());
        }
        throw new IllegalStateException("a campaign's own pool has no waiting list: " + outcome);
    }

    /**
     * What a randomized opening makes of an outcome: a waiting claim is an entry; a member who entered already (their
     * one entry counts against a limit of one in the window) is answered their entry; a released entry was not
     * selected; the campaign's pool not open yet after the window means the draw is still to come.
     */
    private Optional<GrabOutcome> openingOutcome(Campaign campaign, Opening opening, ClaimOutcome outcome) {
        if (outcome instanceof ClaimOutcome.Waitlisted waiting) {
            return Optional.of(new Entered(opening.resultAt(), waiting.replayed()));
        }
        Instant now = clock.instant();
        if (refused(outcome, ClaimOutcome.Refusal.LIMIT_REACHED) && opening.entering(now)) {
            return Optional.of(new Entered(opening.resultAt(), true));
        }
        if (outcome instanceof ClaimOutcome.Granted granted && granted.claim().released()) {
            return Optional.of(new NotSelected());
        }
        if (refused(outcome, ClaimOutcome.Refusal.NOT_STARTED) && !opening.entering(now)) {
            return Optional.of(new DrawPending(opening.resultAt()));
        }
        return Optional.empty();
    }

    private static GrabbedVoucher voucher(Campaign campaign, ClaimRecorded claim) {
        return new GrabbedVoucher(claim.eventId(), claim.attributes().get(CODE), campaign.id(), campaign.name(),
                claim.actorId(), claim.occurredAt(), VoucherStatus.ISSUED.name(), campaign.discount(), campaign.redeemStartsAt(),
                campaign.redeemEndsAt(), campaign.rules().validUntil(claim.occurredAt(), campaign.redeemEndsAt()));
    }
}
