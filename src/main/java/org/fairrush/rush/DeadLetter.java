package org.fairrush.rush;

/**
 * A record the persister cannot store (unreadable, of an unknown schema, or refused by the database for
 * good), sent aside to the dead-letter topic with the reason instead of blocking its partition.
 *
 * @param source where it came from, e.g. {@code fairrush.voucher-claims@2:1041}
 * @param key    the record key (the scope), may be null
 * @param value  the record value as it was
 * @param reason why it was set aside
 */
public record DeadLetter(String source, String key, String value, String reason) {
}
