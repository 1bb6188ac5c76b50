package org.fairrush.voucher;

import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.stereotype.Repository;
import reactor.core.publisher.Mono;

/**
 * Who holds a stall at a fair, as the vouchers of a fair's campaign need to know (docs/design.md section 11): a read of
 * the registration table the persister writes, not a call into the stall feature, which vouchers never reach into.
 * A registration's status in the table is the engine's: HELD is a confirmed stall.
 */
@Repository
class StallHolders {

    private final DatabaseClient db;

    StallHolders(DatabaseClient db) {
        this.db = db;
    }

    Mono<Boolean> holdsConfirmedStall(long fairId, String merchantId) {
        return db.sql("select exists (select 1 from registration where fair_id = :fair and merchant_id = :merchant "
                        + "and status = 'HELD') as holds")
                .bind("fair", fairId).bind("merchant", merchantId)
                .map(row -> row.get("holds", Boolean.class)).one();
    }
}
