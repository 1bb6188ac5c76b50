package org.fairrush.rush;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.json.JsonWriteFeature;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The property writer of claims writes, character for character, what data binding writes of every claim. */
class ClaimJsonWriterTest {

    private static final List<ClaimRecorded> CLAIMS;

    static {
        Map<String, String> withNull = new HashMap<>();
        withNull.put("code", "FR-7Q2K");
        withNull.put("fee", null);
        Map<String, String> awkward = new LinkedHashMap<>();
        awkward.put("note", "Gr\u00fc\u00dfe \"quoted\" \\ / \u2603 \t\n\u0001 \ud83c\udf89");
        awkward.put("\"key\"", "</script>");
        awkward.put("", "");
        CLAIMS = List.of(
                ClaimRecorded.draft(UUID.randomUUID(), PoolRef.single("campaign", "17"), "member-1", Instant.now(), Map.of("code", "17-AB12-CD34-EF56")),
                new ClaimRecorded(2, UUID.randomUUID(), Instant.parse("2026-12-02T06:54:46.123456Z"), "campaign", "17", "vouchers",
                        "member-1", null, 3, ClaimRecorded.HELD, awkward, 0),
                new ClaimRecorded(2, UUID.randomUUID(), Instant.parse("2026-01-01T00:00:00Z"), "fair", "4", "stalls", "merchant-9",
                        "A-12", 1, ClaimRecorded.RELEASED, withNull, 4),
                new ClaimRecorded(2, UUID.randomUUID(), Instant.parse("2024-02-29T23:59:59.000000001Z"), "campaign", "1", "entries",
                        "m", null, 0, null, Map.of(), 1),
                new ClaimRecorded(2, UUID.randomUUID(), Instant.parse("2026-03-01T10:00:00.120Z"), "campaign", "1", "vouchers",
                        "m", null, Integer.MAX_VALUE, ClaimRecorded.WAITING, null, Integer.MIN_VALUE),
                new ClaimRecorded(1, null, null, null, null, null, null, null, 0, null, null, 0));
    }

    @Test
    void writesWhatDataBindingWrites() {
        JsonMapper json = JsonMapper.builder().findAndAddModules().build();
        ClaimJsonWriter writer = new ClaimJsonWriter(json);
        for (ClaimRecorded claim : CLAIMS) {
            assertThat(writer.write(claim)).isEqualTo(json.writeValueAsString(claim));
        }
    }

    @Test
    void escapesAsTheMapperItIsGivenEscapes() {
        JsonMapper json = JsonMapper.builder().enable(JsonWriteFeature.ESCAPE_NON_ASCII).enable(StreamWriteFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        ClaimJsonWriter writer = new ClaimJsonWriter(json);
        String written = writer.write(CLAIMS.get(1));
        assertThat(written).isEqualTo(json.writeValueAsString(CLAIMS.get(1))).contains("\\u2603").doesNotContain("\u2603");
    }

    @Test
    void whatItWritesReadsBackAsTheClaim() {
        ClaimCodec codec = new ClaimCodec(JsonMapper.builder().build());
        for (ClaimRecorded claim : CLAIMS.subList(0, 5)) {
            assertThat(codec.read(codec.write(claim))).isEqualTo(claim);
        }
    }
}
