package org.fairrush.rush;

import tools.jackson.databind.json.JsonMapper;

/**
 * The JSON form of {@link ClaimRecorded}: the PENDING record in Redis and the Kafka record value.
 * Refuses events of a schema version it does not know rather than storing them half understood.
 */
public final class ClaimCodec {

    private final JsonMapper json;
    private final ClaimJsonReader reader;

    public ClaimCodec(JsonMapper json) {
        this.json = json;
        this.reader = new ClaimJsonReader(json);
    }

    public String write(ClaimRecorded claim) {
        return json.writeValueAsString(claim);
    }

    public ClaimRecorded read(String text) {
        ClaimRecorded claim = reader.read(text);
        if (claim.schemaVersion() < 1 || claim.schemaVersion() > ClaimRecorded.SCHEMA_VERSION) {
            throw new IllegalArgumentException("unknown claim schemaVersion " + claim.schemaVersion());
        }
        return claim;
    }
}
