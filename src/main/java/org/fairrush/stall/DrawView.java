package org.fairrush.stall;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * A published lottery draw: everything needed to recompute it (README.md, "Lottery draw"): the seed, the
 * sorted entries and their digest, and the ordered result per category; and the seed commitment published before
 * registration closed, if the fair had one (the seed's SHA-256 equals it).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record DrawView(long fairId, String algorithm, String seed, String seedCommitment, String entriesDigest, Instant drawnAt, List<Entry> entries,
        List<CategoryOrder> categories) {

    record Entry(String category, String merchantId) {
    }

    record CategoryOrder(String code, List<Place> order) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Place(int rank, String merchantId, UUID registrationId, String stallNumber, Integer waitlistPosition) {
    }
}
