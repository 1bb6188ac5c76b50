package org.fairrush.rush;

import java.util.List;
import java.util.Map;
import java.util.Set;

import reactor.core.publisher.Mono;

/**
 * Port a feature implements to say what its claims mean to the outside world (webhooks), the way {@link ClaimSink}
 * says how they are stored: the engine and the webhook feature know claims, only the feature knows that a held claim
 * of a campaign is a granted voucher. Must be deterministic: a claim revision delivered twice means the same event.
 */
public interface ClaimEventTypes {

    /** The kind of scope whose claims this maps, see {@link PoolRef#kind()}. */
    String kind();

    /** Every event type {@link #eventsOf} can name, e.g. "voucher.granted". */
    Set<String> types();

    /**
     * The events the given claims (each at one revision) mean, in the claims' order; a claim that means nothing to
     * the outside (a lottery entry before its draw) has none. May read the feature's own tables.
     */
    Mono<List<ClaimEvent>> eventsOf(List<ClaimRecorded> claims);

    /**
     * One event: its id is the same for the same claim revision however often it is seen.
     *
     * @param id   stable event id, e.g. the claim id and revision
     * @param type one of {@link #types()}
     * @param data the event's JSON data (strings, numbers, booleans, null)
     */
    record ClaimEvent(String id, String type, ClaimRecorded claim, Map<String, Object> data) {

        /** The usual id: the claim id and its revision, the same on every redelivery of that revision. */
        public static String idOf(ClaimRecorded claim) {
            return "evt_" + claim.eventId() + "_" + claim.revision();
        }
    }
}
