package org.fairrush.voucher.domain;

import java.time.Duration;
import java.time.Instant;

import org.fairrush.draw.SeedCommitment;

/**
 * A campaign's randomized opening (docs/design.md section 7.1): grabs before {@code resultAt} (the grab window's
 * start plus the opening window) are entries, drawn at {@code resultAt} with the seed that hashes to
 * {@code commitment}; the stock left after the draw goes first come, first served.
 *
 * @param generatedSeed the service's own seed when staff committed none (it then draws by itself); secret until the
 *                      draw publishes it, null when staff reveal the seed
 */
public record Opening(long campaignId, Duration window, Instant resultAt, SeedCommitment commitment, String generatedSeed) {

    public static final String RANDOMIZED = "RANDOMIZED_OPENING";
    public static final String FIRST_COME = "FIRST_COME";

    /** Whether a grab at {@code now} is an entry (inside the opening window) rather than a first-come grab. */
    public boolean entering(Instant now) {
        return now.isBefore(resultAt);
    }

    public boolean drawsItself() {
        return generatedSeed != null;
    }
}
