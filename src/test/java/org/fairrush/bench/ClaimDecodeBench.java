package org.fairrush.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimRecorded;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Issue 13's measurement of what decoding a claim costs the persister: the thread's CPU time per claim read by data
 * binding (what {@link ClaimCodec#read} did before) and by the codec's token reader, over the same texts, alternating
 * per chunk of 1,000 claims (the first round left out as warm-up); prints the medians and the median of the per-chunk
 * ratios, which a busy machine disturbs less than the times themselves. A benchmark run by hand, skipped otherwise
 * (docs/benchmarks.md, "Issue 13, session of 2026-12-02 (c)"): {@code ./mvnw test -Dtest=ClaimDecodeBench
 * -Dfairrush.bench=claim-decode -Dfairrush.bench.claims=20000 -Dfairrush.bench.rounds=6}.
 */
@EnabledIfSystemProperty(named = "fairrush.bench", matches = "claim-decode", disabledReason = "a benchmark, run by hand")
class ClaimDecodeBench {

    private static final int CHUNK = 1000;

    @Test
    void cpuPerClaimDecodedByDataBindingAndByTheTokenReader() {
        int claims = Integer.getInteger("fairrush.bench.claims", 20_000);
        int rounds = Integer.getInteger("fairrush.bench.rounds", 6);
        JsonMapper json = JsonMapper.builder().build();
        ClaimCodec codec = new ClaimCodec(json);
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < claims; i++) {
            Instant now = Instant.now().truncatedTo(ChronoUnit.MICROS);
            texts.add(codec.write(new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), now, "campaign",
                    Integer.toString(1000 + i % 7), "vouchers", "bm-member-" + i, null, 1 + i % 100, ClaimRecorded.HELD,
                    Map.of("code", "FR-" + Long.toString(UUID.randomUUID().getMostSignificantBits() >>> 1, 36).toUpperCase()))));
        }
        for (String text : texts) {
            assertThat(codec.read(text)).isEqualTo(json.readValue(text, ClaimRecorded.class));
        }
        ThreadMXBean cpu = ManagementFactory.getThreadMXBean();
        List<Double> databind = new ArrayList<>();
        List<Double> tokens = new ArrayList<>();
        List<Double> ratios = new ArrayList<>();
        long seqs = 0;
        for (int round = 0; round < rounds; round++) {
            for (int from = 0; from + CHUNK <= claims; from += CHUNK) {
                double[] micros = new double[2];
                for (int variant : (from / CHUNK + round) % 2 == 0 ? new int[] {0, 1} : new int[] {1, 0}) {
                    long before = cpu.getCurrentThreadCpuTime();
                    for (int i = from; i < from + CHUNK; i++) {
                        seqs += (variant == 0 ? json.readValue(texts.get(i), ClaimRecorded.class) : codec.read(texts.get(i))).seq();
                    }
                    micros[variant] = (cpu.getCurrentThreadCpuTime() - before) / 1000.0 / CHUNK;
                }
                if (round > 0) {
                    databind.add(micros[0]);
                    tokens.add(micros[1]);
                    ratios.add(micros[1] / micros[0]);
                }
            }
        }
        System.out.printf("%d chunks of %d claims: CPU per claim, data binding %s us, token reader %s us; token reader / data binding"
                + " per chunk %s (median, p25-p75)%n", ratios.size(), CHUNK, quartiles(databind), quartiles(tokens), quartiles(ratios));
        assertThat(seqs).isPositive();
    }

    private static String quartiles(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int n = sorted.size();
        return String.format("%.3f (%.3f-%.3f)", sorted.get(n / 2), sorted.get(n / 4), sorted.get(3 * n / 4));
    }
}
