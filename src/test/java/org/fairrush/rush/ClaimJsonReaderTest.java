package org.fairrush.rush;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The token reader of claims says what data binding says of every text, and refuses what it refuses. */
class ClaimJsonReaderTest {

    private final JsonMapper json = JsonMapper.builder().build();
    private final ClaimJsonReader reader = new ClaimJsonReader(json);

    @Test
    void readsWhatTheCodecWritesAsDataBindingDoes() {
        Map<String, String> attributes = new HashMap<>();
        attributes.put("code", "FR-7Q2K");
        attributes.put("fee", null);
        List<ClaimRecorded> claims = List.of(
                new ClaimRecorded(2, UUID.randomUUID(), Instant.parse("2026-12-02T06:54:46.123456Z"), "campaign", "17", "vouchers",
                        "member-1", null, 3, ClaimRecorded.HELD, Map.of("code", "FR-\"quoted\" \u00e9"), 0),
                new ClaimRecorded(2, UUID.randomUUID(), Instant.parse("2026-01-01T00:00:00Z"), "fair", "4", "stalls", "merchant-9",
                        "A-12", 1, ClaimRecorded.RELEASED, attributes, 4),
                new ClaimRecorded(2, UUID.randomUUID(), Instant.parse("2024-02-29T23:59:59.000000001Z"), "campaign", "1", "entries",
                        "m", null, 0, null, Map.of(), 1));
        for (ClaimRecorded claim : claims) {
            String text = json.writeValueAsString(claim);
            assertThat(reader.read(text)).isEqualTo(json.readValue(text, ClaimRecorded.class)).isEqualTo(claim);
        }
    }

    @Test
    void textsInAnotherFormAreReadByDataBinding() {
        String id = UUID.randomUUID().toString();
        List<String> texts = List.of(
                // a number where a string is, an unknown property, another time zone
                "{\"schemaVersion\":2,\"eventId\":\"" + id + "\",\"occurredAt\":\"2026-12-02T07:54:46+01:00\",\"kind\":\"campaign\","
                        + "\"scope\":17,\"pool\":\"vouchers\",\"actorId\":\"m\",\"seq\":2,\"status\":\"HELD\",\"extra\":[1,{\"a\":2}],"
                        + "\"revision\":0}",
                "{\"schemaVersion\":2,\"seq\":1,\"revision\":3,\"eventId\":\"" + id + "\",\"occurredAt\":1764658486.5,"
                        + "\"attributes\":null,\"item\":null}");
        for (String text : texts) {
            assertThat(reader.read(text)).isEqualTo(json.readValue(text, ClaimRecorded.class));
        }
        assertThat(reader.read(texts.get(0)).occurredAt()).isEqualTo(Instant.parse("2026-12-02T06:54:46Z"));
    }

    @Test
    void refusesWhatDataBindingRefuses() {
        String valid = json.writeValueAsString(new ClaimRecorded(2, UUID.randomUUID(), Instant.now(), "campaign", "1", "vouchers", "m",
                null, 1, ClaimRecorded.HELD, Map.of(), 0));
        // data binding refuses a missing int (a version 1 event without its revision, too)
        String withoutRevision = valid.replaceFirst(",\"revision\":0", "");
        assertThat(withoutRevision).isNotEqualTo(valid);
        String shortenedId = valid.replaceFirst("\"eventId\":\"[^\"]+\"", "\"eventId\":\"1-2-3-4-5\"");
        for (String text : List.of(valid + " {}", withoutRevision, shortenedId, "[]", "{")) {
            assertThatThrownBy(() -> json.readValue(text, ClaimRecorded.class)).as(text).isInstanceOf(RuntimeException.class);
            assertThatThrownBy(() -> reader.read(text)).as(text).isInstanceOf(RuntimeException.class);
        }
    }

    @Test
    void utcInstantsAsInstantWritesThem() {
        for (String text : List.of("2026-12-02T06:54:46Z", "2026-12-02T06:54:46.1Z", "2026-12-02T06:54:46.123456Z",
                "1970-01-01T00:00:00.999999999Z", "2000-02-29T12:00:00.5Z")) {
            assertThat(ClaimJsonReader.utcInstant(text)).as(text).isEqualTo(Instant.parse(text));
        }
        for (String text : List.of("2026-12-02T06:54:46", "2026-12-02T06:54:46+01:00", "2026-13-02T06:54:46Z", "2026-12-02T24:00:00Z",
                "2026-12-02T06:54:46.Z", "2026-12-02T06:54:46.1234567890Z", "2026-12-02 06:54:46Z", "+2026-12-02T06:54:46Z")) {
            assertThat(ClaimJsonReader.utcInstant(text)).as(text).isNull();
        }
    }
}
