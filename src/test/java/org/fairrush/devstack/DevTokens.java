package org.fairrush.devstack;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtValidators;
import org.springframework.security.oauth2.jwt.NimbusReactiveJwtDecoder;
import org.springframework.security.oauth2.jwt.ReactiveJwtDecoder;

/**
 * The token issuer of development runs and tests: an RSA key made when the JVM starts signs tokens with
 * issuer {@value #ISSUER} and audience {@value #AUDIENCE}, and the application validates exactly those.
 * It lives in the test sources, so the production jar cannot contain it.
 */
public final class DevTokens {

    /**
     * A URL, as a real identity provider's issuer is: Spring Security reads {@code iss} as a URL when it can,
     * and a plain name made every request build and drop an exception there (2 % of the grab path's CPU in
     * bench.sh --profile), a cost production does not have.
     */
    public static final String ISSUER = "https://dev-tokens.fairrush.invalid";
    public static final String AUDIENCE = "fairrush";
    /** A file holding the key pair, so that another JVM (a service process a test starts) trusts the same tokens. */
    static final String KEY_FILE_PROPERTY = "fairrush.dev-tokens.key-file";
    private static final KeyPair KEYS = keys();

    private DevTokens() {
    }

    /** A signed token for {@code subject} with {@code roles}, valid for {@code ttl}. */
    public static String issue(String subject, List<String> roles, Duration ttl) {
        return sign(subject, roles, Instant.now(), Instant.now().plus(ttl), (RSAPrivateKey) KEYS.getPrivate());
    }

    static String sign(String subject, List<String> roles, Instant issuedAt, Instant expiresAt, RSAPrivateKey key) {
        return sign(subject, roles, issuedAt, expiresAt, key, ISSUER, AUDIENCE);
    }

    /** Tokens that must be refused, for tests of authentication. */
    public static final class Hostile {

        private Hostile() {
        }

        public static String expired(String subject, List<String> roles) {
            return sign(subject, roles, Instant.now().minusSeconds(7200), Instant.now().minusSeconds(3600),
                    (RSAPrivateKey) KEYS.getPrivate(), ISSUER, AUDIENCE);
        }

        /** Well formed and unexpired, but signed with a key the application does not know. */
        public static String forged(String subject, List<String> roles) {
            return sign(subject, roles, Instant.now(), Instant.now().plusSeconds(3600),
                    (RSAPrivateKey) rsaKeys().getPrivate(), ISSUER, AUDIENCE);
        }

        public static String fromIssuer(String issuer, String subject, List<String> roles) {
            return sign(subject, roles, Instant.now(), Instant.now().plusSeconds(3600),
                    (RSAPrivateKey) KEYS.getPrivate(), issuer, AUDIENCE);
        }

        public static String forAudience(String audience, String subject, List<String> roles) {
            return sign(subject, roles, Instant.now(), Instant.now().plusSeconds(3600),
                    (RSAPrivateKey) KEYS.getPrivate(), ISSUER, audience);
        }

        /** An unsigned token ("alg": "none") claiming to be an admin. */
        public static String unsigned() {
            var encoder = java.util.Base64.getUrlEncoder().withoutPadding();
            String header = encoder.encodeToString("{\"alg\":\"none\"}".getBytes());
            String body = encoder.encodeToString(("{\"sub\":\"x\",\"roles\":[\"ADMIN\"],\"iss\":\"" + ISSUER
                    + "\",\"aud\":\"" + AUDIENCE + "\",\"exp\":" + (Instant.now().getEpochSecond() + 3600) + "}").getBytes());
            return header + "." + body + ".";
        }
    }

    private static String sign(String subject, List<String> roles, Instant issuedAt, Instant expiresAt, RSAPrivateKey key,
            String issuer, String audience) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer(issuer)
                .audience(audience)
                .subject(subject)
                .claim("roles", roles)
                .issueTime(Date.from(issuedAt))
                .notBeforeTime(Date.from(issuedAt.minusSeconds(5)))
                .expirationTime(Date.from(expiresAt))
                .jwtID(UUID.randomUUID().toString())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The decoder the application uses in development and tests: checks signature, issuer, audience and time. */
    static ReactiveJwtDecoder decoder() {
        NimbusReactiveJwtDecoder decoder = NimbusReactiveJwtDecoder.withPublicKey((RSAPublicKey) KEYS.getPublic()).build();
        OAuth2TokenValidator<Jwt> audience = new JwtClaimValidator<List<String>>("aud",
                aud -> aud != null && aud.contains(AUDIENCE));
        decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(ISSUER), audience));
        return decoder;
    }

    /** Writes this JVM's key pair to {@code file}; start another JVM with -D{@value #KEY_FILE_PROPERTY}=file. */
    public static void exportKeys(java.nio.file.Path file) {
        var encoder = java.util.Base64.getEncoder();
        try {
            java.nio.file.Files.writeString(file, encoder.encodeToString(KEYS.getPrivate().getEncoded()) + "\n"
                    + encoder.encodeToString(KEYS.getPublic().getEncoded()) + "\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static KeyPair keys() {
        String file = System.getProperty(KEY_FILE_PROPERTY);
        if (file == null) {
            return rsaKeys();
        }
        try {
            var lines = java.nio.file.Files.readAllLines(java.nio.file.Path.of(file));
            var decoder = java.util.Base64.getDecoder();
            var factory = java.security.KeyFactory.getInstance("RSA");
            return new KeyPair(
                    factory.generatePublic(new java.security.spec.X509EncodedKeySpec(decoder.decode(lines.get(1)))),
                    factory.generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(decoder.decode(lines.get(0)))));
        } catch (java.io.IOException | java.security.GeneralSecurityException e) {
            throw new IllegalStateException("cannot read the dev token keys from " + file, e);
        }
    }

    private static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
