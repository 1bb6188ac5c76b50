package org.fairrush.stall.domain;

import java.time.Duration;
import java.util.Objects;

/**
 * How a fair serves its waiting lists when a stall is freed (docs/design.md section 7.1).
 *
 * @param mode    AUTO_CONFIRM: the first in line holds the stall at once; OFFER: the first in line is offered it
 * @param holdFor how long an offer holds before it passes to the next in line (OFFER only, else null)
 */
public record Waitlist(Mode mode, Duration holdFor) {

    public static final Duration DEFAULT_HOLD = Duration.ofHours(24);
    public static final Duration SHORTEST_HOLD = Duration.ofMinutes(1);
    public static final Duration LONGEST_HOLD = Duration.ofDays(30);

    public static final Waitlist AUTO_CONFIRM = new Waitlist(Mode.AUTO_CONFIRM, null);

    public enum Mode {
        AUTO_CONFIRM, OFFER
    }

    public Waitlist {
        Objects.requireNonNull(mode);
        if ((mode == Mode.OFFER) != (holdFor != null)) {
            throw new IllegalArgumentException("an offer, and only an offer, holds for a while");
        }
    }

    public static Waitlist offering(Duration holdFor) {
        return new Waitlist(Mode.OFFER, holdFor);
    }

    public boolean offers() {
        return mode == Mode.OFFER;
    }
}
