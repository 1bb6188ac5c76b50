package org.fairrush.rush.lua;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Marks claims that Kafka acknowledged as durable in Redis (acknowledge.lua), folding the claims of one scope that
 * are acknowledged while a call for that scope is on its way into the next call, as web's {@code SharedBuckets} does
 * for an address's bucket. Kafka acknowledges a producer batch's records together, so under load one script call marks many
 * claims; a claim acknowledged while nothing of its scope is on the way goes at once, alone. Each caller's Mono
 * completes once the call that carried its claim answered, or fails with that call's failure: a grant still
 * follows its mark, as with one call per claim.
 */
public final class Acknowledgements {

    /** Most claims in one call; more waiting go in the calls after it. */
    static final int MOST_PER_CALL = 1_000;

    private final AcknowledgeScript script;
    private final ConcurrentMap<String, Scope> sending = new ConcurrentHashMap<>();

    public Acknowledgements(AcknowledgeScript script) {
        this.script = script;
    }

    /** Completes once {@code claimId}, a claim of the scope of {@code keys}, is marked durable. */
    public Mono<Void> acknowledge(PoolKeys keys, String claimId) {
        return Mono.defer(() -> {
            Sinks.One<Void> marked = Sinks.one();
            // A scope is dropped from the map when its last call answered with nothing left to send; whoever
            // found it just before then asks the map again.
            while (!sending.computeIfAbsent(keys.confirmed(), name -> new Scope(keys)).add(claimId, marked)) {
                // dropped meanwhile: the next look finds a new one
            }
            return marked.asMono();
        });
    }

    /** The claims of one scope waiting for the call on its way to answer. */
    private final class Scope {

        private final PoolKeys keys;
        private List<String> claimIds = new ArrayList<>();
        private List<Sinks.One<Void>> waiting = new ArrayList<>();
        private boolean onItsWay;
        private boolean dropped;

        Scope(PoolKeys keys) {
            this.keys = keys;
        }

        /** False when this scope was dropped from the map: the caller must add to the one there now. */
        boolean add(String claimId, Sinks.One<Void> marked) {
            synchronized (this) {
                if (dropped) {
                    return false;
                }
                claimIds.add(claimId);
                waiting.add(marked);
                if (onItsWay) {
                    return true;
                }
                onItsWay = true;
            }
            sendNext();
            return true;
        }

        /** Sends what waits (at most {@link #MOST_PER_CALL}), or drops this scope when nothing does. */
        private void sendNext() {
            List<String> ids;
            List<Sinks.One<Void>> callers;
            synchronized (this) {
                if (claimIds.isEmpty()) {
                    onItsWay = false;
                    dropped = true;
                    sending.remove(keys.confirmed(), this);
                    return;
                }
                if (claimIds.size() <= MOST_PER_CALL) {
                    ids = claimIds;
                    callers = waiting;
                    claimIds = new ArrayList<>();
                    waiting = new ArrayList<>();
                } else {
                    ids = new ArrayList<>(claimIds.subList(0, MOST_PER_CALL));
                    callers = new ArrayList<>(waiting.subList(0, MOST_PER_CALL));
                    claimIds = new ArrayList<>(claimIds.subList(MOST_PER_CALL, claimIds.size()));
                    waiting = new ArrayList<>(waiting.subList(MOST_PER_CALL, waiting.size()));
                }
            }
            script.run(keys, ids).subscribe(
                    newlyMarked -> {
                    },
                    failure -> {
                        sendNext();
                        callers.forEach(caller -> caller.tryEmitError(failure));
                    },
                    () -> {
                        sendNext();
                        callers.forEach(Sinks.One::tryEmitEmpty);
                    });
        }
    }
}
