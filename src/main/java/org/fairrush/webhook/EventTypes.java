package org.fairrush.webhook;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import org.fairrush.outbox.OutboxEventTypes;
import org.fairrush.rush.ClaimEventTypes;

/** The event types a subscription may name: those some feature actually sends, from its claims or its outbox events. */
record EventTypes(Set<String> known) {

    EventTypes(List<ClaimEventTypes> claimTypes, List<OutboxEventTypes> outboxTypes) {
        this(new TreeSet<>(Stream.concat(claimTypes.stream().flatMap(type -> type.types().stream()),
                outboxTypes.stream().flatMap(type -> type.types().stream())).toList()));
    }

    boolean contains(String type) {
        return known.contains(type);
    }
}
