package org.fairrush.web;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.fairrush.FairrushTest;
import org.fairrush.GeneratedText;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.data.redis.core.script.RedisScript;
import org.springframework.r2dbc.core.DatabaseClient;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The property behind {@link Text}: every generated string it accepts (after NFC) comes back unchanged from each
 * store a claim passes through (JSON, Redis's Lua cjson, Postgres), and every string with a character that breaks
 * one of them is refused.
 */
@FairrushTest
class StorableTextTest {

    private static final RedisScript<String> CJSON_ROUND_TRIP = RedisScript.of(
            "return cjson.encode(cjson.decode(ARGV[1]))", String.class);

    @Autowired
    DatabaseClient db;

    @Autowired
    ReactiveStringRedisTemplate redis;

    @Test
    void everyAcceptedTextComesBackUnchangedFromEveryStore() {
        JsonMapper json = JsonMapper.builder().build();
        List<String> accepted = new ArrayList<>();
        for (String generated : GeneratedText.strings(7L, 3000, 60)) {
            String text = Text.nfc(generated);
            if (Text.whyNotStorable(text, 120, 360).isEmpty()) {
                accepted.add(text);
            }
        }
        assertThat(accepted).hasSizeGreaterThan(300);

        for (String text : accepted) {
            assertThat(new String(text.getBytes(StandardCharsets.UTF_8), StandardCharsets.UTF_8)).isEqualTo(text);
            String claim = json.writeValueAsString(Map.of("merchantName", text));
            String throughLua = redis.execute(CJSON_ROUND_TRIP, List.of(), List.of(claim)).blockFirst(Duration.ofSeconds(5));
            assertThat(json.readValue(throughLua, Map.class)).as("cjson round trip of %s", text).containsEntry("merchantName", text);
            String throughPostgres = db.sql("select cast(:text as text)").bind("text", text)
                    .map(row -> row.get(0, String.class)).one().block(Duration.ofSeconds(5));
            assertThat(throughPostgres).as("Postgres round trip").isEqualTo(text);
        }
    }

    @Test
    void refusesEveryGeneratedTextWithAControlCharacterOrALoneSurrogate() {
        int refused = 0;
        for (String text : GeneratedText.strings(11L, 3000, 60)) {
            // A lone surrogate shows as a code point of its own; a paired one as the supplementary character.
            boolean breaksAStore = text.codePoints().anyMatch(c -> c < 0x20 || (c >= 0x7F && c <= 0x9F) || (c >= 0xD800 && c <= 0xDFFF));
            if (breaksAStore) {
                assertThat(Text.whyNotStorable(Text.nfc(text), 120, 360)).as("refusal of %s", text).isPresent();
                refused++;
            }
        }
        assertThat(refused).isGreaterThan(100);
    }

    @Test
    void countsCharactersAsAPersonDoesAndBoundsTheBytes() {
        assertThat(Text.whyNotStorable("\uD83D\uDE00".repeat(120), 120, 480)).isEmpty();
        assertThat(Text.whyNotStorable("\uD83D\uDE00".repeat(121), 120, 480)).contains("must be at most 120 characters");
        assertThat(Text.whyNotStorable("\uD83D\uDE00".repeat(100), 120, 360)).contains("must be at most 360 bytes in UTF-8");
        assertThat(Text.whyNotStorable("\u3000\u200B ", 120, 360)).contains("must contain a visible character");
    }
}
