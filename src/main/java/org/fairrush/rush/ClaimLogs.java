package org.fairrush.rush;

import java.util.Collection;
import java.util.stream.Collectors;

/**
 * The names under which log lines about claims carry their ids, as SLF4J key-value pairs: with structured
 * logging on (docs/operations.md, "Logs") each becomes a field of the JSON line, so one claim's lines can be
 * found across the fleet. Key-value pairs rather than the MDC: a grab hops threads, and the MDC stays behind.
 */
public final class ClaimLogs {

    /** One claim's id (its event id). */
    public static final String CLAIM_ID = "claim_id";

    /** The ids of the claims of a persister batch, comma-separated. */
    public static final String CLAIM_IDS = "claim_ids";

    private ClaimLogs() {
    }

    public static String ids(Collection<ClaimRecorded> claims) {
        return claims.stream().map(claim -> claim.eventId().toString()).collect(Collectors.joining(","));
    }
}
