package org.fairrush.voucher;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.fairrush.Api;
import org.fairrush.FairrushTest;
import org.fairrush.Fixtures;
import org.fairrush.rush.ClaimRecorded;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.r2dbc.core.DatabaseClient;
import org.springframework.test.web.reactive.server.WebTestClient;
import org.springframework.transaction.reactive.TransactionalOperator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The voucher sink on the real Postgres: a claim delivered twice is stored once, and a different claim that
 * collides with a stored one on anything but its id (the member's n-th voucher, the code) is an error the
 * persister sets aside with its reason, never a row silently dropped. Both ways of sending the rows: one INSERT of
 * unnested arrays (the default) and COPY into the staging table (fairrush.rush.persister.copy-in=true).
 */
@FairrushTest
class VoucherClaimSinkTest {

    @Autowired
    VoucherClaimSink sink;
    @Autowired
    TransactionalOperator transaction;
    @Autowired
    DatabaseClient db;
    @Autowired
    WebTestClient http;
    @Autowired
    ObjectProvider<Campaigns> campaigns;

    private ClaimRecorded claim(long campaignId, String member, int seq, String code) {
        return claim(campaignId, member, seq, code, Instant.now().truncatedTo(ChronoUnit.MICROS));
    }

    private ClaimRecorded claim(long campaignId, String member, int seq, String code, Instant at) {
        return new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, UUID.randomUUID(), at,
                Campaigns.KIND, Long.toString(campaignId), "", member, null, seq, ClaimRecorded.HELD, Map.of(Grabbing.CODE, code));
    }

    private void store(ClaimRecorded... claims) {
        store(sink, claims);
    }

    private void store(VoucherClaimSink by, ClaimRecorded... claims) {
        by.store(List.of(claims)).as(transaction::transactional).block(Duration.ofSeconds(10));
    }

    private VoucherClaimSink copying() {
        return new VoucherClaimSink(db, campaigns, true);
    }

    private Map<String, Object> row(UUID id) {
        return db.sql("select member_id, seq, code, grabbed_at, valid_until from voucher where id = :id").bind("id", id)
                .fetch().one().block(Duration.ofSeconds(10));
    }

    private long stored(long campaignId) {
        return db.sql("select count(*) from voucher where campaign_id = :c").bind("c", campaignId)
                .map(row -> row.get(0, Long.class)).one().block(Duration.ofSeconds(10));
    }

    @Test
    void storesAClaimDeliveredTwiceOnce() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 2));
        ClaimRecorded claim = claim(campaignId, "m-1", 1, campaignId + "-AAAA-BBBB-0001");

        store(claim, claim);
        store(claim);

        assertThat(stored(campaignId)).isEqualTo(1);
    }

    @Test
    void refusesAnotherClaimForTheSameMembersSameVoucherNumber() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 2));
        store(claim(campaignId, "m-1", 1, campaignId + "-AAAA-BBBB-0002"));

        assertThatThrownBy(() -> store(claim(campaignId, "m-1", 1, campaignId + "-AAAA-BBBB-0003")))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(stored(campaignId)).isEqualTo(1);
    }

    @Test
    void refusesAnotherClaimWithAStoredCode() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 2));
        store(claim(campaignId, "m-1", 1, campaignId + "-AAAA-BBBB-0004"));

        assertThatThrownBy(() -> store(claim(campaignId, "m-2", 1, campaignId + "-AAAA-BBBB-0004")))
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void storesAClaimDeliveredTwiceOnceWhenCopying() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 2));
        ClaimRecorded claim = claim(campaignId, "m-1", 1, campaignId + "-AAAA-BBBB-0011");

        store(copying(), claim, claim);
        store(copying(), claim);

        assertThat(stored(campaignId)).isEqualTo(1);
    }

    @Test
    void copiesEveryValueAsTheInsertStoresIt() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 2));
        // COPY's text format ends a value at a tab and a row at a line break, and reads backslashes as escapes.
        ClaimRecorded copied = claim(campaignId, "m\t-1\tab\nline\\N\\ \u00e9\u4e2d", 1, campaignId + "-AAAA-\\N-0012");
        ClaimRecorded inserted = claim(campaignId, copied.actorId() + "-2", 1, campaignId + "-AAAA-\\N-0013", copied.occurredAt());

        store(copying(), copied);
        store(inserted);

        Map<String, Object> viaCopy = row(copied.eventId());
        Map<String, Object> viaInsert = row(inserted.eventId());
        assertThat(viaCopy.get("member_id")).isEqualTo(copied.actorId());
        assertThat(viaCopy.get("code")).isEqualTo(copied.attributes().get(Grabbing.CODE));
        assertThat(viaCopy.get("seq")).isEqualTo(1);
        assertThat(viaInsert.get("member_id")).isEqualTo(inserted.actorId());
        assertThat(viaCopy.get("valid_until")).isNotNull().isEqualTo(viaInsert.get("valid_until"));
        assertThat(((OffsetDateTime) viaCopy.get("grabbed_at")).toInstant()).isEqualTo(copied.occurredAt());
        assertThat(viaCopy.get("grabbed_at")).isEqualTo(viaInsert.get("grabbed_at"));
    }

    @Test
    void storesTwoCallsInOneTransactionAndRecoversAfterARolledBackOne() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 5));
        ClaimRecorded first = claim(campaignId, "m-1", 1, campaignId + "-AAAA-BBBB-0021");
        ClaimRecorded second = claim(campaignId, "m-1", 2, campaignId + "-AAAA-BBBB-0022");
        VoucherClaimSink copying = copying();
        copying.store(List.of(first)).then(copying.store(List.of(first, second))).as(transaction::transactional)
                .block(Duration.ofSeconds(10));
        assertThat(stored(campaignId)).isEqualTo(2);

        // A batch refused by the database rolls back whole (staging table and all); the next batch is stored.
        ClaimRecorded third = claim(campaignId, "m-1", 3, campaignId + "-AAAA-BBBB-0023");
        assertThatThrownBy(() -> store(copying, third, claim(campaignId, "m-2", 1, campaignId + "-AAAA-BBBB-0021")))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(stored(campaignId)).isEqualTo(2);
        store(copying, third, second);
        assertThat(stored(campaignId)).isEqualTo(3);
    }
}
