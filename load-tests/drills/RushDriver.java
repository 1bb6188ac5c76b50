import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The client side of a fault drill (load-tests/drills/drill.sh): MEMBERS members each grab one voucher of a
 * campaign through the load balancer, CONCURRENCY at a time, the way the mini-program does: a 503 BUSY, a
 * connection error or a timeout is retried with the same Idempotency-Key (so a retry never takes a second
 * voucher) for up to 60 s. Tokens are signed with the fleet's development token key, as the issuer signs them.
 *
 * usage: java RushDriver.java BASE_URL CAMPAIGN_ID MEMBERS CONCURRENCY KEY_FILE RUN OUT_DIR
 * Writes OUT_DIR/acknowledged.txt (voucher ids answered 201) and OUT_DIR/summary.json.
 */
public class RushDriver {

    private static final Pattern VOUCHER_ID = Pattern.compile("\"voucherId\":\"([^\"]+)\"");
    private static final Pattern CODE = Pattern.compile("\"code\":\"([A-Z_]+)\"");

    public static void main(String[] args) throws Exception {
        String base = args[0];
        long campaign = Long.parseLong(args[1]);
        int members = Integer.parseInt(args[2]);
        int concurrency = Integer.parseInt(args[3]);
        PrivateKey key = privateKey(Path.of(args[4]));
        String run = args[5];
        Path out = Path.of(args[6]);
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).executor(Executors.newFixedThreadPool(4)).build();
        ConcurrentLinkedQueue<String> acknowledged = new ConcurrentLinkedQueue<>();
        Map<String, AtomicInteger> finals = new ConcurrentHashMap<>();
        AtomicInteger retries = new AtomicInteger();
        AtomicInteger transportErrors = new AtomicInteger();
        AtomicLong lastGrant = new AtomicLong(System.nanoTime());
        AtomicLong longestGap = new AtomicLong();
        long started = System.nanoTime();
        ExecutorService workers = Executors.newFixedThreadPool(concurrency);
        for (int i = 1; i <= members; i++) {
            String member = run + "-m" + i;
            String token = token(key, member);
            workers.submit(() -> {
                String outcome = grab(http, base, campaign, token, "drill-" + member, retries, transportErrors, acknowledged);
                if (outcome.equals("201")) {
                    long now = System.nanoTime();
                    long previous = lastGrant.getAndSet(now);
                    longestGap.accumulateAndGet(now - previous, Math::max);
                }
                finals.computeIfAbsent(outcome, k -> new AtomicInteger()).incrementAndGet();
            });
        }
        workers.shutdown();
        workers.awaitTermination(30, TimeUnit.MINUTES);
        double seconds = (System.nanoTime() - started) / 1e9;
        Files.write(out.resolve("acknowledged.txt"), new ArrayList<>(acknowledged));
        StringBuilder answers = new StringBuilder();
        finals.forEach((outcome, n) -> answers.append(answers.length() == 0 ? "" : ", ").append('"').append(outcome).append("\": ").append(n));
        String summary = String.format("{\"members\": %d, \"seconds\": %.1f, \"acknowledged\": %d, \"final\": {%s}, \"retries\": %d,"
                + " \"transport_errors\": %d, \"longest_gap_between_grants_s\": %.2f}%n", members, seconds, acknowledged.size(), answers,
                retries.get(), transportErrors.get(), longestGap.get() / 1e9);
        Files.writeString(out.resolve("summary.json"), summary);
        System.out.print(summary);
        System.exit(0);
    }

    /** One member's grab, retried as a client retries; answers the final status (or its problem code). */
    private static String grab(HttpClient http, String base, long campaign, String token, String idempotencyKey,
            AtomicInteger retries, AtomicInteger transportErrors, ConcurrentLinkedQueue<String> acknowledged) {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + "/api/v1/campaigns/" + campaign + "/grabs"))
                .timeout(Duration.ofSeconds(10))
                .header("Authorization", "Bearer " + token).header("Idempotency-Key", idempotencyKey)
                .POST(HttpRequest.BodyPublishers.noBody()).build();
        Instant giveUp = Instant.now().plusSeconds(60);
        String last = "none";
        while (Instant.now().isBefore(giveUp)) {
            try {
                HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                int status = response.statusCode();
                if (status == 201) {
                    Matcher id = VOUCHER_ID.matcher(response.body());
                    if (id.find()) {
                        acknowledged.add(id.group(1));
                    }
                    return "201";
                }
                Matcher code = CODE.matcher(response.body());
                last = status + (code.find() ? " " + code.group(1) : "");
                if (status != 503 && status != 502 && status != 504) {
                    return last;
                }
            } catch (java.io.IOException e) {
                transportErrors.incrementAndGet();
                last = "transport error";
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
            retries.incrementAndGet();
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
        }
        return "gave up after " + last;
    }

    private static PrivateKey privateKey(Path file) throws Exception {
        byte[] der = Base64.getDecoder().decode(Files.readAllLines(file).get(0).trim());
        return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(der));
    }

    /** A token as the development issuer makes them (RS256, its issuer and audience, role MEMBER). */
    private static String token(PrivateKey key, String subject) throws Exception {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = b64.encodeToString("{\"alg\":\"RS256\"}".getBytes(StandardCharsets.UTF_8));
        String claims = b64.encodeToString(String.format("{\"iss\":\"https://dev-tokens.fairrush.invalid\",\"aud\":\"fairrush\","
                + "\"sub\":\"%s\",\"roles\":[\"MEMBER\"],\"iat\":%d,\"nbf\":%d,\"exp\":%d,\"jti\":\"%s\"}",
                subject, now, now - 5, now + 3600, java.util.UUID.randomUUID()).getBytes(StandardCharsets.UTF_8));
        Signature rsa = Signature.getInstance("SHA256withRSA");
        rsa.initSign(key);
        rsa.update((header + "." + claims).getBytes(StandardCharsets.US_ASCII));
        return header + "." + claims + "." + b64.encodeToString(rsa.sign());
    }
}
