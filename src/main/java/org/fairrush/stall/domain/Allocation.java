package org.fairrush.stall.domain;

/** How a fair hands out its stalls. */
public enum Allocation {
    /** In order of arrival during the registration window; later arrivals join the category's waiting list. */
    FIRST_COME,
    /** Every merchant enters during the window; after it an admin draws the order with a seed. */
    LOTTERY
}
