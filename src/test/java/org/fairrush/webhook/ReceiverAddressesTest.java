package org.fairrush.webhook;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The server-side request forgery rule on literal addresses (no DNS needed). */
class ReceiverAddressesTest {

    private final ReceiverAddresses production = new ReceiverAddresses(false);
    private final ReceiverAddresses local = new ReceiverAddresses(true);

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1/hook", "http://localhost:8080/hook", "http://10.1.2.3/hook", "http://172.16.0.1/hook",
            "http://192.168.1.10/hook", "http://169.254.169.254/latest/meta-data", "http://100.64.0.1/hook", "http://0.0.0.0/hook",
            "http://[::1]/hook", "http://[fd00::1]/hook", "http://[fe80::1]/hook", "http://[::ffff:127.0.0.1]/hook"})
    void refusesPrivateLoopbackAndLinkLocalAddresses(String url) {
        assertThat(production.refusal(url)).hasValueSatisfying(reason -> assertThat(reason).contains("private"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://93.184.216.34/hook", "http://8.8.8.8:8080/hook", "https://[2606:4700:4700::1111]/hook"})
    void acceptsPublicAddresses(String url) {
        assertThat(production.refusal(url)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://93.184.216.34/hook", "file:///etc/passwd", "93.184.216.34/hook", "http://user:pw@93.184.216.34/hook",
            "http://exa mple.com/"})
    void refusesWhatIsNotAPlainHttpUrl(String url) {
        assertThat(production.refusal(url)).isPresent();
        assertThat(local.refusal(url)).isPresent();
    }

    @ParameterizedTest
    @ValueSource(strings = {"http://127.0.0.1:8080/hook", "http://localhost/hook"})
    void theLocalProfileAllowsPrivateAddresses(String url) {
        assertThat(local.refusal(url)).isEmpty();
    }
}
