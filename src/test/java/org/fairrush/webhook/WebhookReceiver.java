package org.fairrush.webhook;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.sun.net.httpserver.HttpServer;

/**
 * A webhook receiver as a mini-program backend would run one: a real HTTP server on a free port of 127.0.0.1 that
 * keeps every request it got, and verifies signatures the way the Standard Webhooks specification tells receivers to
 * (written here from the specification, not with the service's own signing code). It can be stopped and started again
 * on the same port, told to answer 500 to the first requests, or to hang.
 */
final class WebhookReceiver implements AutoCloseable {

    /** One request as received. */
    record Received(String id, String timestamp, String signature, String body) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final AtomicInteger failuresLeft = new AtomicInteger();
    private final CountDownLatch answering = new CountDownLatch(1);
    private volatile boolean hanging;
    private int port;
    private HttpServer server;

    WebhookReceiver() throws IOException {
        start();
    }

    synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        port = server.getAddress().getPort();
        server.createContext("/hook", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            var headers = exchange.getRequestHeaders();
            received.add(new Received(headers.getFirst("webhook-id"), headers.getFirst("webhook-timestamp"),
                    headers.getFirst("webhook-signature"), new String(body, StandardCharsets.UTF_8)));
            if (hanging) {
                awaitQuietly(answering);
            }
            int status = failuresLeft.getAndUpdate(left -> Math.max(0, left - 1)) > 0 ? 500 : 204;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    synchronized void stop() {
        server.stop(0);
    }

    String url() {
        return "http://127.0.0.1:" + port + "/hook";
    }

    /** From now on, requests are kept without an answer until {@link #close()}: a receiver that hangs. */
    void hang() {
        hanging = true;
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    void failNext(int requests) {
        failuresLeft.set(requests);
    }

    List<Received> received() {
        return new ArrayList<>(received);
    }

    @Override
    public void close() {
        answering.countDown();
        stop();
    }

    /**
     * Verification as the specification gives it: the key is the base64 after "whsec_"; the signed content is
     * id + "." + timestamp + "." + body; the header holds space-separated "v1,<base64>" signatures, any of which may
     * match (compared in constant time); the timestamp must be within five minutes of now.
     */
    static boolean verifies(String secret, Received request) throws Exception {
        long timestamp = Long.parseLong(request.timestamp());
        if (Math.abs(System.currentTimeMillis() / 1000 - timestamp) > 300) {
            return false;
        }
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(Base64.getDecoder().decode(secret.substring("whsec_".length())), "HmacSHA256"));
        byte[] expected = mac.doFinal((request.id() + "." + request.timestamp() + "." + request.body()).getBytes(StandardCharsets.UTF_8));
        for (String signature : request.signature().split(" ")) {
            String[] versioned = signature.split(",", 2);
            if (versioned.length == 2 && versioned[0].equals("v1")
                    && MessageDigest.isEqual(expected, Base64.getDecoder().decode(versioned[1]))) {
                return true;
            }
        }
        return false;
    }
}
