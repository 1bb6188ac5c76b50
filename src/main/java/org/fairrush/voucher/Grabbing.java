package org.fairrush.voucher;

import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.fairrush.rush.ClaimOutcome;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.Claims;
import org.fairrush.rush.PoolRegistry;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/** A member grabbing a voucher: the campaign's rules are the pool's, the engine does the rest. */
@Service
class Grabbing {

    static final String CODE = "code";

    private final Campaigns campaigns;
    private final Claims claims;
    private final PoolRegistry poolRegistry;
    private final VoucherCodes codes = new VoucherCodes();

    Grabbing(Campaigns campaigns, Claims claims, PoolRegistry poolRegistry) {
        this.campaigns = campaigns;
        this.claims = claims;
        this.poolRegistry = poolRegistry;
    }

    sealed interface GrabOutcome {
    }

    record Grabbed(GrabbedVoucher voucher, boolean replayed) implements GrabOutcome {
    }

    record NoSuchCampaign() implements GrabOutcome {
    }

    record Refused(ClaimOutcome.Refusal reason) implements GrabOutcome {
    }

    record Busy(String why) implements GrabOutcome {
    }

    /** The 201 body: everything the mini-program shows, so that it need not read the wallet again. */
    record GrabbedVoucher(UUID voucherId, String code, long campaignId, String campaignName, String memberId,
            Instant grabbedAt, String status, Discount discount, Instant redeemStartsAt, Instant redeemEndsAt) {
    }

    Mono<GrabOutcome> grab(long campaignId, String memberId, String idempotencyKey) {
        return campaigns.find(campaignId)
                .flatMap(campaign -> {
                    String code = codes.next(campaignId);
                    return claims.claim(Campaigns.pool(campaignId), memberId, idempotencyKey, Map.of(CODE, code),
                                    VoucherCodes.voucherId(code))
                            .map(outcome -> outcome(campaign, closedIfRetired(campaign, outcome)));
                })
                .defaultIfEmpty(new NoSuchCampaign());
    }

    /**
     * A campaign retired from Redis after its window closed has no pool any more: a grab is answered as on any
     * closed window, not as a pool being restored.
     */
    private ClaimOutcome closedIfRetired(Campaign campaign, ClaimOutcome outcome) {
        return outcome instanceof ClaimOutcome.Refused refused && refused.reason() == ClaimOutcome.Refusal.UNKNOWN_POOL
                && poolRegistry.pastRetention(campaign.grabEndsAt()) ? new ClaimOutcome.Refused(ClaimOutcome.Refusal.ENDED) : outcome;
    }

    private static GrabOutcome outcome(Campaign campaign, ClaimOutcome outcome) {
        if (outcome instanceof ClaimOutcome.Granted granted) {
            return new Grabbed(voucher(campaign, granted.claim()), granted.replayed());
        }
        if (outcome instanceof ClaimOutcome.Refused refused) {
            return new Refused(refused.reason());
        }
        if (outcome instanceof ClaimOutcome.Busy busy) {
            return new Busy(busy.why());
        }
        throw new IllegalStateException("campaign pools have no waiting list: " + outcome);
    }

    private static GrabbedVoucher voucher(Campaign campaign, ClaimRecorded claim) {
        return new GrabbedVoucher(claim.eventId(), claim.attributes().get(CODE), campaign.id(), campaign.name(),
                claim.actorId(), claim.occurredAt(), "ISSUED", campaign.discount(), campaign.redeemStartsAt(),
                campaign.redeemEndsAt());
    }
}
