package org.fairrush.rush;

import java.io.StringWriter;
import java.util.Map;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a {@link ClaimRecorded} as JSON property by property, the same text data binding writes (ClaimJsonWriterTest
 * holds the two side by side): every grab writes its draft for the claim script, and data binding (a serializer found
 * for the record, its accessors called through reflection, the time through a date formatter) was most of that (issue
 * 13). The generator comes from the application's mapper, so strings are escaped as the mapper escapes them.
 */
final class ClaimJsonWriter {

    private final JsonMapper json;

    ClaimJsonWriter(JsonMapper json) {
        this.json = json;
    }

    String write(ClaimRecorded claim) {
        StringWriter text = new StringWriter(256 + 64 * (claim.attributes() == null ? 0 : claim.attributes().size()));
        try (JsonGenerator generator = json.createGenerator(text)) {
            generator.writeStartObject();
            generator.writeNumberProperty("schemaVersion", claim.schemaVersion());
            generator.writeStringProperty("eventId", claim.eventId() == null ? null : claim.eventId().toString());
            // Instant.toString is the ISO-8601 form data binding writes (DateTimeFormatter.ISO_INSTANT).
            generator.writeStringProperty("occurredAt", claim.occurredAt() == null ? null : claim.occurredAt().toString());
            generator.writeStringProperty("kind", claim.kind());
            generator.writeStringProperty("scope", claim.scope());
            generator.writeStringProperty("pool", claim.pool());
            generator.writeStringProperty("actorId", claim.actorId());
            generator.writeStringProperty("item", claim.item());
            generator.writeNumberProperty("seq", claim.seq());
            generator.writeStringProperty("status", claim.status());
            generator.writeName("attributes");
            if (claim.attributes() == null) {
                generator.writeNull();
            } else {
                generator.writeStartObject();
                for (Map.Entry<String, String> attribute : claim.attributes().entrySet()) {
                    generator.writeStringProperty(attribute.getKey(), attribute.getValue());
                }
                generator.writeEndObject();
            }
            generator.writeNumberProperty("revision", claim.revision());
            generator.writeEndObject();
        }
        return text.toString();
    }
}
