import java.io.BufferedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

/**
 * Member tokens for bench.sh, signed here rather than one HTTP call each to the development issuer (which took
 * minutes for the tens of thousands that the fresh-token step needs). Makes a key pair, writes it in the format of
 * the test sources' DevTokens key file (start the service with -Dfairrush.dev-tokens.key-file=KEYFILE so that it
 * trusts these tokens), then one token a line: the same issuer, audience and claims as DevTokens issues. A KEYFILE
 * that exists already (fleet.sh's shared key) is used as it is, so the tokens are valid where that key is.
 *
 * usage: java -cp NIMBUS_JARS SignTokens.java KEYFILE OUT PREFIX MEMBERS COUNT [MERCHANTS MERCHANTS_OUT]
 *   COUNT tokens for subjects PREFIX1 .. PREFIX{MEMBERS} in turn, each token distinct (own jti), valid 12 h;
 *   and MERCHANTS merchant tokens (role MERCHANT), each for a merchant of its own (PREFIXm1 ..), in MERCHANTS_OUT.
 */
public class SignTokens {

    public static void main(String[] args) throws Exception {
        Path keyFile = Path.of(args[0]);
        Path out = Path.of(args[1]);
        String prefix = args[2];
        int members = Integer.parseInt(args[3]);
        int count = Integer.parseInt(args[4]);
        RSASSASigner signer = new RSASSASigner(signingKey(keyFile));
        Instant now = Instant.now();
        write(out, IntStream.range(0, count).parallel()
                .mapToObj(i -> sign(signer, prefix + (i % members + 1), "MEMBER", now))
                .toArray(String[]::new));
        if (args.length > 6) {
            write(Path.of(args[6]), IntStream.range(0, Integer.parseInt(args[5])).parallel()
                    .mapToObj(i -> sign(signer, prefix + "m" + (i + 1), "MERCHANT", now))
                    .toArray(String[]::new));
        }
    }

    private static RSAPrivateKey signingKey(Path keyFile) throws Exception {
        if (Files.exists(keyFile) && Files.size(keyFile) > 0) {
            byte[] pkcs8 = Base64.getDecoder().decode(Files.readAllLines(keyFile).get(0).trim());
            return (RSAPrivateKey) KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        }
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        Base64.Encoder base64 = Base64.getEncoder();
        Files.writeString(keyFile, base64.encodeToString(keys.getPrivate().getEncoded()) + "\n"
                + base64.encodeToString(keys.getPublic().getEncoded()) + "\n");
        return (RSAPrivateKey) keys.getPrivate();
    }

    private static void write(Path out, String[] tokens) throws java.io.IOException {
        try (BufferedWriter writer = Files.newBufferedWriter(out)) {
            for (String token : tokens) {
                writer.write(token);
                writer.newLine();
            }
        }
    }

    private static String sign(RSASSASigner signer, String subject, String role, Instant now) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .issuer("https://dev-tokens.fairrush.invalid")
                .audience("fairrush")
                .subject(subject)
                .claim("roles", List.of(role))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now.minusSeconds(5)))
                .expirationTime(Date.from(now.plus(Duration.ofHours(12))))
                .jwtID(UUID.randomUUID().toString())
                .build();
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.RS256), claims);
            jwt.sign(signer);
            return jwt.serialize();
        } catch (com.nimbusds.jose.JOSEException e) {
            throw new IllegalStateException(e);
        }
    }
}
