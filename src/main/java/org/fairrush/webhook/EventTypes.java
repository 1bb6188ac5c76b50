package org.fairrush.webhook;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

import org.fairrush.rush.ClaimEventTypes;

/** The event types a subscription may name: those some feature actually sends. */
record EventTypes(Set<String> known) {

    EventTypes(List<ClaimEventTypes> types) {
        this(new TreeSet<>(types.stream().flatMap(type -> type.types().stream()).toList()));
    }

    boolean contains(String type) {
        return known.contains(type);
    }
}
