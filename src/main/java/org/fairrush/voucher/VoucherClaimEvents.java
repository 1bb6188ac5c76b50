package org.fairrush.voucher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fairrush.rush.ClaimEventTypes;
import org.fairrush.rush.ClaimRecorded;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

/**
 * What a voucher claim means to webhook receivers: a claim as made is a granted voucher. The voucher's code is left
 * out: it is what a merchant redeems, and a receiver has no need of it to tell the member.
 */
@Component
class VoucherClaimEvents implements ClaimEventTypes {

    static final String GRANTED = "voucher.granted";

    @Override
    public String kind() {
        return Campaigns.KIND;
    }

    @Override
    public Set<String> types() {
        return Set.of(GRANTED);
    }

    @Override
    public Mono<List<ClaimEvent>> eventsOf(List<ClaimRecorded> claims) {
        return Mono.just(claims.stream().filter(claim -> claim.revision() == 0 && ClaimRecorded.HELD.equals(claim.status()))
                .map(claim -> new ClaimEvent(ClaimEvent.idOf(claim), GRANTED, claim, data(claim))).toList());
    }

    private static Map<String, Object> data(ClaimRecorded claim) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("voucherId", claim.eventId().toString());
        data.put("campaignId", Long.valueOf(claim.scope()));
        data.put("memberId", claim.actorId());
        data.put("grabbedAt", claim.occurredAt().toString());
        return data;
    }
}
