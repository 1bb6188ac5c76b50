package org.fairrush.voucher;

import java.time.Instant;
import java.util.List;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.fairrush.voucher.domain.Opening;
import org.fairrush.voucher.domain.OpeningDraw;

/**
 * A randomized opening's draw as published: before it, the seed commitment and when the result is due
 * ({@code status: PENDING}); after it ({@code DRAWN}), everything needed to recompute it (README.md, "A randomized
 * opening"): the seed, whose SHA-256 is the commitment, the entrants in UTF-8 order and their digest, the units drawn
 * for and the drawn order, the first {@code selected} of which got a voucher.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record CampaignDrawView(long campaignId, String status, String algorithm, Instant resultAt, String seedCommitment, String seed,
        String entriesDigest, Long units, Long selected, Instant drawnAt, List<String> entries, List<Place> order) {

    static final String PENDING = "PENDING";
    static final String DRAWN = "DRAWN";

    record Place(int rank, String memberId, boolean selected) {
    }

    static CampaignDrawView pending(Opening opening) {
        return new CampaignDrawView(opening.campaignId(), PENDING, org.fairrush.draw.SeededRanking.ALGORITHM, opening.resultAt(),
                opening.commitment().hex(), null, null, null, null, null, null, null);
    }

    static CampaignDrawView drawn(Opening opening, CampaignDraws.Published published) {
        OpeningDraw.Result result = published.result();
        return new CampaignDrawView(opening.campaignId(), DRAWN, result.algorithm(), opening.resultAt(), opening.commitment().hex(),
                result.seed(), result.entriesDigest(), published.units(), result.selectedCount(), published.drawnAt(), result.entries(),
                result.order().stream().map(place -> new Place(place.rank(), place.memberId(), place.selected())).toList());
    }
}
