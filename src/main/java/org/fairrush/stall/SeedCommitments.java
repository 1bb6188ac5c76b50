package org.fairrush.stall;

import java.time.Instant;

import org.fairrush.draw.SeedCommitment;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/** The fair_seed_commitment table: a lottery fair's committed seed hash, replaceable until registration closes. */
@Repository
class SeedCommitments {

    /** A fair's commitment and when it was last set. */
    record Committed(long fairId, SeedCommitment commitment, Instant committedAt) {
    }

    private final DatabaseClient db;

    SeedCommitments(DatabaseClient db) {
        this.db = db;
    }

    Mono<Committed> put(long fairId, SeedCommitment commitment, Instant at) {
        return db.sql("insert into fair_seed_commitment (fair_id, commitment, committed_at) values (:fair, :hex, :at) "
                        + "on conflict (fair_id) do update set commitment = excluded.commitment, committed_at = excluded.committed_at")
                .bind("fair", fairId).bind("hex", commitment.hex()).bind("at", at)
                .then()
                .thenReturn(new Committed(fairId, commitment, at));
    }

    Mono<Committed> find(long fairId) {
        return db.sql("select commitment, committed_at from fair_seed_commitment where fair_id = :fair").bind("fair", fairId)
                .map(row -> new Committed(fairId, new SeedCommitment(row.get("commitment", String.class)),
                        row.get("committed_at", Instant.class)))
                .one();
    }
}
