package org.fairrush.web;

import java.net.InetSocketAddress;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Which address a per-address limit counts against, whatever a client writes into X-Forwarded-For. */
class ClientAddressTest {

    private static final ClientAddress BEHIND_OUR_PROXIES = new ClientAddress(List.of("10.0.0.0/8", "fd00::/8"));
    private static final ClientAddress DIRECT = new ClientAddress(List.of());

    private static MockServerHttpRequest from(String socket, String... forwardedFor) {
        return MockServerHttpRequest.get("/api/v1/campaigns")
                .remoteAddress(new InetSocketAddress(socket, 40000))
                .header("X-Forwarded-For", forwardedFor)
                .build();
    }

    @Test
    void withoutTrustedProxiesTheConnectionIsTheClient() {
        assertThat(DIRECT.of(from("203.0.113.7", "198.51.100.1"))).isEqualTo("203.0.113.7");
    }

    @Test
    void takesTheRightMostHopThatIsNotOneOfOurProxies() {
        assertThat(BEHIND_OUR_PROXIES.of(from("10.0.0.2", "198.51.100.1, 203.0.113.7, 10.0.0.1"))).isEqualTo("203.0.113.7");
    }

    @Test
    void aClientCannotChooseItsAddressByWritingTheHeaderItself() {
        assertThat(BEHIND_OUR_PROXIES.of(from("10.0.0.2", "1.2.3.4, 203.0.113.7"))).isEqualTo("203.0.113.7");
        assertThat(BEHIND_OUR_PROXIES.of(from("10.0.0.2", "9.9.9.9, 203.0.113.7"))).isEqualTo("203.0.113.7");
    }

    @Test
    void aConnectionFromOutsideOurProxiesIsTheClientWhateverItForwards() {
        assertThat(BEHIND_OUR_PROXIES.of(from("203.0.113.7", "10.0.0.9"))).isEqualTo("203.0.113.7");
    }

    @Test
    void readsEveryHeaderLineInOrder() {
        assertThat(BEHIND_OUR_PROXIES.of(from("10.0.0.2", "198.51.100.1", "203.0.113.7"))).isEqualTo("203.0.113.7");
    }

    @Test
    void junkIsNeverAnAddressTheProxyThatPassedItOnIsCounted() {
        for (String junk : List.of("", "unknown", "not-an-address", "example.org", "1.2.3.256", "1.2.3", "::::", "[::1",
                "1.2.3.4:notaport", "fe80::1%eth0", "\u0000", "\u2603", "203.0.113.7\r\nX-Evil: 1", "1".repeat(5000),
                "0x7f.1", "017.0.0.1", "[2001:db8::1]:443junk")) {
            assertThat(BEHIND_OUR_PROXIES.of(from("10.0.0.2", junk))).as(junk).isEqualTo("10.0.0.2");
        }
    }

    @Test
    void acceptsThePortsAndBracketsProxiesWrite() {
        assertThat(BEHIND_OUR_PROXIES.of(from("10.0.0.2", "203.0.113.7:5123"))).isEqualTo("203.0.113.7");
        assertThat(BEHIND_OUR_PROXIES.of(from("10.0.0.2", "[2001:db8:1:2::99]:443"))).isEqualTo("2001:db8:1:2:0:0:0:0/64");
    }

    @Test
    void countsAnIpv6ClientByItsSlash64() {
        assertThat(DIRECT.of(from("2001:db8:1:2:aaaa::1"))).isEqualTo(DIRECT.of(from("2001:db8:1:2:bbbb::2")));
        assertThat(DIRECT.of(from("2001:db8:1:3::1"))).isNotEqualTo(DIRECT.of(from("2001:db8:1:2::1")));
    }

    @Test
    void aLongChainOfOurOwnProxiesEndsAtTheirFirst() {
        String chain = String.join(", ", java.util.Collections.nCopies(100, "10.1.2.3"));
        assertThat(BEHIND_OUR_PROXIES.of(from("10.0.0.2", "203.0.113.7, " + chain))).startsWith("10.");
    }

    @Test
    void refusesToStartWithABlockThatIsNotOne() {
        assertThatThrownBy(() -> new ClientAddress(List.of("proxy.internal"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new ClientAddress(List.of("10.0.0.0/33"))).isInstanceOf(IllegalArgumentException.class);
    }
}
