package org.fairrush.web;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import org.springframework.http.server.reactive.ServerHttpRequest;

/**
 * The client address a per-address rate limit counts against. A client can write anything into
 * X-Forwarded-For, so the header is believed only as far as it was written by proxies we trust
 * ({@code fairrush.web.trusted-proxies}): starting from the connection's own address, each hop that is a
 * trusted proxy hands over to the hop it received the request from, and the first hop that is not one
 * of ours is the client. Without trusted proxies the connection's address is the client. A value that is
 * not an address is never looked up (no DNS) and never fails a request: the trusted proxy that passed it on
 * is taken as the client, so varying junk cannot buy a client fresh buckets. IPv6 clients are counted by
 * their /64, the block one subscriber usually holds.
 */
final class ClientAddress {

    static final String UNKNOWN = "unknown";
    private static final int MAX_HOPS = 32;
    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)(\\.(25[0-5]|2[0-4]\\d|1\\d\\d|[1-9]?\\d)){3}");
    private static final Pattern PORT = Pattern.compile(":\\d{1,5}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]{2,45}");

    private final List<Cidr> trustedProxies;

    ClientAddress(List<String> trustedProxies) {
        this.trustedProxies = trustedProxies.stream().map(Cidr::parse).toList();
    }

    /** The client's address as a rate-limit key: an IPv4 address, an IPv6 /64, or {@value #UNKNOWN}. */
    String of(ServerHttpRequest request) {
        InetSocketAddress socket = request.getRemoteAddress();
        if (socket == null || socket.getAddress() == null) {
            return UNKNOWN;
        }
        InetAddress client = socket.getAddress();
        if (trustedProxies.isEmpty()) {
            return key(client);
        }
        List<String> hops = hops(request.getHeaders().getOrEmpty("X-Forwarded-For"));
        for (int i = hops.size() - 1; i >= 0 && isTrusted(client); i--) {
            Optional<InetAddress> previous = literal(hops.get(i));
            if (previous.isEmpty()) {
                break;
            }
            client = previous.get();
        }
        return key(client);
    }

    private boolean isTrusted(InetAddress address) {
        return trustedProxies.stream().anyMatch(cidr -> cidr.contains(address));
    }

    /** The hops of every X-Forwarded-For line, left to right; only the right-most {@value #MAX_HOPS} matter. */
    private static List<String> hops(List<String> headers) {
        List<String> hops = new ArrayList<>();
        for (String header : headers) {
            for (String hop : header.split(",", -1)) {
                hops.add(hop.strip());
            }
        }
        return hops.size() > MAX_HOPS ? hops.subList(hops.size() - MAX_HOPS, hops.size()) : hops;
    }

    /** An IP address literal, never resolved by name; brackets and a port (as some proxies write) are allowed. */
    static Optional<InetAddress> literal(String text) {
        String value = text;
        if (value.startsWith("[")) {
            int close = value.indexOf(']');
            if (close < 0 || !isPortOrNothing(value.substring(close + 1))) {
                return Optional.empty();
            }
            value = value.substring(1, close);
        } else if (value.indexOf(':') > 0 && value.indexOf(':') == value.lastIndexOf(':')) {
            if (!isPortOrNothing(value.substring(value.indexOf(':')))) {
                return Optional.empty();
            }
            value = value.substring(0, value.indexOf(':'));
        }
        try {
            if (IPV4.matcher(value).matches()) {
                return Optional.of(InetAddress.getByName(value));
            }
            if (value.indexOf(':') >= 0 && IPV6.matcher(value).matches()) {
                // Brackets make the JDK parse it as an IPv6 literal or fail; it never falls back to DNS.
                return Optional.of(InetAddress.getByName("[" + value + "]"));
            }
        } catch (UnknownHostException | RuntimeException notAnAddress) {
            return Optional.empty();
        }
        return Optional.empty();
    }

    private static boolean isPortOrNothing(String suffix) {
        return suffix.isEmpty() || PORT.matcher(suffix).matches() && Integer.parseInt(suffix.substring(1)) <= 65535;
    }

    private static String key(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length == 4) {
            return address.getHostAddress();
        }
        byte[] block = new byte[16];
        System.arraycopy(bytes, 0, block, 0, 8);
        try {
            return InetAddress.getByAddress(block).getHostAddress() + "/64";
        } catch (UnknownHostException impossible) {
            return UNKNOWN;
        }
    }

    /** An address block such as {@code 10.0.0.0/8} or {@code fd00::/8}; a bare address is a block of one. */
    record Cidr(byte[] network, int prefix) {

        static Cidr parse(String text) {
            String[] parts = text.strip().split("/", 2);
            InetAddress address = literal(parts[0]).orElseThrow(() ->
                    new IllegalArgumentException("fairrush.web.trusted-proxies: not an address block: " + text));
            int bits = address.getAddress().length * 8;
            int prefix;
            try {
                prefix = parts.length == 2 ? Integer.parseInt(parts[1]) : bits;
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("fairrush.web.trusted-proxies: not an address block: " + text);
            }
            if (prefix < 0 || prefix > bits) {
                throw new IllegalArgumentException("fairrush.web.trusted-proxies: prefix out of range: " + text);
            }
            return new Cidr(address.getAddress(), prefix);
        }

        boolean contains(InetAddress address) {
            byte[] candidate = address.getAddress();
            if (candidate.length != network.length) {
                return false;
            }
            int whole = prefix / 8;
            for (int i = 0; i < whole; i++) {
                if (candidate[i] != network[i]) {
                    return false;
                }
            }
            int rest = prefix % 8;
            if (rest == 0) {
                return true;
            }
            int mask = 0xFF << (8 - rest) & 0xFF;
            return (candidate[whole] & mask) == (network[whole] & mask);
        }
    }
}
