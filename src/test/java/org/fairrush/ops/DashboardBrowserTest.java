package org.fairrush.ops;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The live dashboard in a real browser: Debian's Chromium driven by playwright-core (both installed by
 * src/test/browser/install.sh, which this test runs and which fails the test when it cannot install them).
 * The page logs in with an admin token, members grab through the API, and the page's numbers follow.
 * Screenshots: target/dashboard-rush.png (during the rush), target/dashboard.png (after it) and
 * target/dashboard-phone.png.
 */
@FairrushTest
class DashboardBrowserTest {

    private static final Path PROJECT = Path.of("").toAbsolutePath();
    private static final Path BROWSER = PROJECT.resolve("target/browser");
    private static final Path TARGET = PROJECT.resolve("target");
    private static final int STOCK = 30;
    private static final int MEMBERS = 40;

    @Autowired
    WebTestClient http;

    @Autowired
    JsonMapper json;

    @LocalServerPort
    int port;

    @BeforeAll
    static void installChromiumAndPlaywright() throws Exception {
        Path log = Files.createDirectories(TARGET).resolve("browser-install.log");
        Process install = new ProcessBuilder(PROJECT.resolve("src/test/browser/install.sh").toString(), BROWSER.toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile()))
                .start();
        boolean finished = install.waitFor(20, TimeUnit.MINUTES);
        if (!finished || install.exitValue() != 0) {
            install.destroyForcibly();
            fail("src/test/browser/install.sh could not install Chromium and playwright-core:\n" + Files.readString(log));
        }
    }

    @Test
    void theDashboardFollowsARushLive() throws Exception {
        long campaign = createCampaign();
        Process browser = startBrowser("c:" + campaign);
        try (BufferedReader out = new BufferedReader(new InputStreamReader(browser.getInputStream(), StandardCharsets.UTF_8));
                Writer in = new OutputStreamWriter(browser.getOutputStream(), StandardCharsets.UTF_8)) {
            Map<?, ?> ready = message(out, browser);
            assertThat(ready.get("event")).isEqualTo("ready");
            assertThat(ready.get("dataBeforeLogin")).isEqualTo(0);
            assertThat(ready.get("remaining")).isEqualTo(Integer.toString(STOCK));

            Map<String, Long> outcomes = rush(campaign);
            assertThat(outcomes).containsEntry("CREATED", (long) STOCK).containsEntry("SOLD_OUT", (long) MEMBERS - STOCK)
                    .containsEntry("LIMIT_REACHED", 1L);
            in.write(json.writeValueAsString(Map.of("remaining", "0", "stored", Integer.toString(STOCK), "pending", "0",
                    "atLeast", outcomes)) + "\n");
            in.flush();

            Map<?, ?> done = message(out, browser);
            assertThat(done.get("event")).isEqualTo("done");
            assertThat(done.get("remaining")).isEqualTo("0");
            assertThat(done.get("stored")).isEqualTo(Integer.toString(STOCK));
            assertThat(done.get("pending")).isEqualTo("0");
            assertThat(done.get("status")).isEqualTo("live");
            Map<?, ?> totals = (Map<?, ?>) done.get("totals");
            assertThat(((Number) totals.get("CREATED")).intValue()).isGreaterThanOrEqualTo(STOCK);
            assertThat(((Number) totals.get("SOLD_OUT")).intValue()).isGreaterThanOrEqualTo(MEMBERS - STOCK);
            assertThat(((Number) totals.get("LIMIT_REACHED")).intValue()).isGreaterThanOrEqualTo(1);
        } finally {
            boolean exited = browser.waitFor(2, TimeUnit.MINUTES);
            if (!exited) {
                browser.destroyForcibly();
            }
        }
        assertThat(browser.exitValue()).as("dashboard.mjs exit code, see target/browser/dashboard.log").isZero();
        assertThat(TARGET.resolve("dashboard.png")).isNotEmptyFile();
        assertThat(Files.size(TARGET.resolve("dashboard.png"))).isGreaterThan(10_000);
        assertThat(TARGET.resolve("dashboard-phone.png")).isNotEmptyFile();
        assertThat(TARGET.resolve("dashboard-rush.png")).isNotEmptyFile();
    }

    /**
     * 40 members race for 30 vouchers, a tenth of a second apart so that the chart shows a rate; member 0
     * tries a second time early on and hits its limit.
     */
    private Map<String, Long> rush(long campaign) {
        List<String> members = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            members.add("browser-m" + i);
            if (i == 3) {
                members.add("browser-m0");
            }
        }
        return Flux.interval(Duration.ofMillis(100))
                .take(members.size())
                .publishOn(Schedulers.boundedElastic())
                .map(i -> outcome(campaign, members.get(i.intValue())))
                .collect(Collectors.groupingBy(Function.identity(), TreeMap::new, Collectors.counting()))
                .block(Duration.ofMinutes(2));
    }

    /** CREATED, or the problem's code. */
    private String outcome(long campaign, String member) {
        Map<?, ?> body = http.post().uri("/api/v1/campaigns/{id}/grabs", campaign)
                .headers(h -> h.setBearerAuth(Fixtures.memberToken(member)))
                .header("Idempotency-Key", Fixtures.idempotencyKey())
                .exchange()
                .expectBody(Map.class).returnResult().getResponseBody();
        return body.containsKey("voucherId") ? "CREATED" : String.valueOf(body.get("code"));
    }

    private Process startBrowser(String poolId) throws IOException {
        ProcessBuilder builder = new ProcessBuilder("node", BROWSER.resolve("dashboard.mjs").toString())
                .directory(BROWSER.toFile())
                .redirectError(BROWSER.resolve("dashboard.log").toFile());
        Map<String, String> env = builder.environment();
        env.put("BASE_URL", "http://127.0.0.1:" + port);
        env.put("ADMIN_TOKEN", Fixtures.adminToken());
        env.put("POOL_ID", poolId);
        env.put("STOCK", Integer.toString(STOCK));
        env.put("SCREENSHOT_DIR", TARGET.toString());
        return builder.start();
    }

    private Map<?, ?> message(BufferedReader out, Process browser) throws IOException, InterruptedException {
        String line = out.readLine();
        if (line == null) {
            fail("dashboard.mjs ended early (exit " + browser.waitFor() + "):\n" + Files.readString(BROWSER.resolve("dashboard.log")));
        }
        return json.readValue(line, Map.class);
    }

    private long createCampaign() {
        Map<?, ?> created = http.post().uri("/api/v1/campaigns").headers(h -> h.setBearerAuth(Fixtures.adminToken()))
                .contentType(MediaType.APPLICATION_JSON).bodyValue(Fixtures.openCampaign(STOCK, 1))
                .exchange().expectStatus().isCreated()
                .expectBody(Map.class).returnResult().getResponseBody();
        return ((Number) created.get("id")).longValue();
    }

    private static java.io.File nullFile() {
        return new java.io.File("/dev/null");
    }
}
