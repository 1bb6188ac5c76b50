package org.fairrush.web;

import java.util.regex.Pattern;

import org.springframework.security.core.Authentication;
import org.springframework.security.core.GrantedAuthority;

/**
 * The authenticated caller of a request, as handlers need it: the id (the token's subject) and roles.
 * Also checks the Idempotency-Key header, which is required on every call that takes something.
 */
public record Caller(String id, boolean admin) {

    public static final String MEMBER = SecurityConfiguration.MEMBER;
    public static final String MERCHANT = SecurityConfiguration.MERCHANT;

    /** The answer header saying whether an Idempotency-Key's first result was replayed ({@code true}) or made now. */
    public static final String IDEMPOTENT_REPLAYED = "Idempotent-Replayed";

    private static final Pattern IDEMPOTENCY_KEY = Pattern.compile("[A-Za-z0-9_.:-]{8,64}");

    public static Caller of(Authentication authentication) {
        boolean admin = authentication.getAuthorities().stream()
                .map(GrantedAuthority::getAuthority)
                .anyMatch(("ROLE_" + SecurityConfiguration.ADMIN)::equals);
        return new Caller(authentication.getName(), admin);
    }

    /** Returns the key when it is well formed, or throws VALIDATION_FAILED naming the header. */
    public static String requireIdempotencyKey(String key) {
        if (key == null || !IDEMPOTENCY_KEY.matcher(key).matches()) {
            throw ProblemResponses.validation("Send an Idempotency-Key header of 8 to 64 letters, digits or - _ . :",
                    java.util.List.of(ProblemResponses.field("Idempotency-Key", "required, 8 to 64 of [A-Za-z0-9_.:-]")));
        }
        return key;
    }
}
