package org.fairrush.stall;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.stall.domain.Registration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The registration sink on the real Postgres: events of one claim arrive in any order and more than once,
 * and a merchant's later claim may arrive before the release of their earlier one.
 */
@FairrushTest
class StallRegistrationSinkTest {

    @Autowired
    RegistrationClaimSink sink;

    @Autowired
    TransactionalOperator transaction;

    @Autowired
    DatabaseClient db;

    @Autowired
    WebTestClient http;

    @LocalServerPort
    int port;

    long fairId;

    @BeforeEach
    void createFair() {
        fairId = new FairApi(http, port).createFair(Fixtures.openFair("FIRST_COME", List.of(Fixtures.fairCategory("FOOD", 5, 100))));
    }

    private ClaimRecorded claim(UUID id, String merchant, Instant madeAt, String status, String stall, int revision) {
        return new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, id, madeAt, Fairs.KIND, Long.toString(fairId), "FOOD", merchant, stall,
                1, status, Map.of(Registration.MERCHANT_NAME, merchant, Registration.SPECIAL_OFFER, "false", Registration.FEE_CENTS, "100"),
                revision);
    }

    private void store(ClaimRecorded... claims) {
        sink.store(List.of(claims)).as(transaction::transactional).block();
    }

    private Map<String, Object> row(UUID id) {
        return db.sql("select status, stall_number, revision from registration where id = :id").bind("id", id).fetch().one().block();
    }

    @Test
    void keepsTheHighestRevisionWhateverTheOrderOfArrival() {
        UUID id = UUID.randomUUID();
        Instant madeAt = Instant.now();

        store(claim(id, "m-order", madeAt, ClaimRecorded.HELD, "FOOD-01", 1));
        store(claim(id, "m-order", madeAt, ClaimRecorded.WAITING, null, 0));

        assertThat(row(id)).containsEntry("status", "HELD").containsEntry("stall_number", "FOOD-01").containsEntry("revision", 1);
    }

    @Test
    void storesAClaimDeliveredTwiceOnceAndAReleaseStaysFinal() {
        UUID id = UUID.randomUUID();
        Instant madeAt = Instant.now();
        ClaimRecorded made = claim(id, "m-twice", madeAt, ClaimRecorded.HELD, "FOOD-02", 0);
        ClaimRecorded released = claim(id, "m-twice", madeAt, ClaimRecorded.RELEASED, "FOOD-02", 1);

        store(made, made);
        store(released, made);
        store(made);

        assertThat(row(id)).containsEntry("status", "RELEASED").containsEntry("revision", 1);
        assertThat(db.sql("select count(*) as n from registration where id = :id").bind("id", id)
                .map(r -> r.get("n", Long.class)).one().block()).isEqualTo(1L);
    }

    @Test
    void aMerchantsLaterClaimReleasesTheEarlierOneWhoseReleaseIsStillOnItsWay() {
        UUID earlier = UUID.randomUUID();
        UUID later = UUID.randomUUID();
        Instant madeAt = Instant.now();
        store(claim(earlier, "m-again", madeAt, ClaimRecorded.HELD, "FOOD-03", 0));

        store(claim(later, "m-again", madeAt.plusMillis(5), ClaimRecorded.WAITING, null, 0));
        store(claim(earlier, "m-again", madeAt, ClaimRecorded.RELEASED, "FOOD-03", 1));

        assertThat(row(earlier)).containsEntry("status", "RELEASED");
        assertThat(row(later)).containsEntry("status", "WAITING");
    }

    @Test
    void bothClaimsOfAMerchantInOneBatchKeepOnlyTheLaterActive() {
        UUID earlier = UUID.randomUUID();
        UUID later = UUID.randomUUID();
        Instant madeAt = Instant.now();

        store(claim(later, "m-batch", madeAt.plusMillis(5), ClaimRecorded.HELD, "FOOD-04", 0),
                claim(earlier, "m-batch", madeAt, ClaimRecorded.HELD, "FOOD-05", 0));

        assertThat(row(earlier)).containsEntry("status", "RELEASED");
        assertThat(row(later)).containsEntry("status", "HELD");
    }
}
