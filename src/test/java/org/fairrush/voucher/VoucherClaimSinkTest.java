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
import org.fairrush.voucher.domain.VoucherCodes;
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
 * persister sets aside with its reason, never a row silently dropped.
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

    /** A claim as a grab makes it: its id is its code's hash (VoucherCodes.voucherId). */
    private ClaimRecorded grabbed(long campaignId, String member, int seq, String code) {
        return new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, VoucherCodes.voucherId(code), Instant.now().truncatedTo(ChronoUnit.MICROS),
                Campaigns.KIND, Long.toString(campaignId), "", member, null, seq, ClaimRecorded.HELD, Map.of(Grabbing.CODE, code));
    }

    private void store(ClaimRecorded... claims) {
        sink.store(List.of(claims)).as(transaction::transactional).block(Duration.ofSeconds(10));
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
    void storesAGrabbedClaimDeliveredAgainOnce() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 2));
        ClaimRecorded claim = grabbed(campaignId, "m-1", 1, campaignId + "-AAAA-BBBB-0031");

        store(claim);
        store(claim, claim);

        assertThat(stored(campaignId)).isEqualTo(1);
    }

    /** Two grabs that drew the same code have the same id: the second is refused (and set aside), not taken for a repeat. */
    @Test
    void refusesAnotherClaimThatDrewAStoredVouchersCode() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 2));
        String code = campaignId + "-AAAA-BBBB-0032";
        store(grabbed(campaignId, "m-1", 1, code));

        assertThatThrownBy(() -> store(grabbed(campaignId, "m-2", 1, code)))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(row(VoucherCodes.voucherId(code)).get("member_id")).isEqualTo("m-1");
        assertThatThrownBy(() -> store(grabbed(campaignId, "m-1", 2, code)))
                .isInstanceOf(DataIntegrityViolationException.class);
    }

    @Test
    void refusesABatchInWhichTwoClaimsDrewTheSameCode() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 2));
        String code = campaignId + "-AAAA-BBBB-0033";

        assertThatThrownBy(() -> store(grabbed(campaignId, "m-1", 1, code), grabbed(campaignId, "m-2", 1, code)))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(stored(campaignId)).isZero();
    }

    @Test
    void refusesAnotherEntryThatDrewAStoredEntrysCode() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 2));
        String code = campaignId + "-AAAA-BBBB-0034";
        ClaimRecorded entry = entry(campaignId, "m-1", code);
        store(entry);
        store(entry);

        assertThatThrownBy(() -> store(entry(campaignId, "m-2", code))).isInstanceOf(DataIntegrityViolationException.class);
        assertThat(db.sql("select member_id from campaign_entry where id = :id").bind("id", entry.eventId())
                .map(row -> row.get(0, String.class)).one().block(Duration.ofSeconds(10))).isEqualTo("m-1");
    }

    /** An opening's entry as a grab makes it. */
    private ClaimRecorded entry(long campaignId, String member, String code) {
        return new ClaimRecorded(ClaimRecorded.SCHEMA_VERSION, VoucherCodes.voucherId(code), Instant.now().truncatedTo(ChronoUnit.MICROS),
                Campaigns.KIND, Long.toString(campaignId), Openings.ENTRIES, member, null, 1, ClaimRecorded.WAITING, Map.of(Grabbing.CODE, code));
    }

    @Test
    void storesEveryValueAsGivenWhateverItsCharacters() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 2));
        // Tabs, line breaks, backslashes and a literal \N travel in the unnested text arrays unchanged.
        ClaimRecorded claim = claim(campaignId, "m\t-1\tab\nline\\N\\ \u00e9\u4e2d", 1, campaignId + "-AAAA-\\N-0012");

        store(claim);

        Map<String, Object> stored = row(claim.eventId());
        assertThat(stored.get("member_id")).isEqualTo(claim.actorId());
        assertThat(stored.get("code")).isEqualTo(claim.attributes().get(Grabbing.CODE));
        assertThat(stored.get("seq")).isEqualTo(1);
        assertThat(stored.get("valid_until")).isNotNull();
        assertThat(((OffsetDateTime) stored.get("grabbed_at")).toInstant()).isEqualTo(claim.occurredAt());
    }

    @Test
    void storesTwoCallsInOneTransactionAndRecoversAfterARolledBackOne() {
        long campaignId = new Api(http).createCampaign(Fixtures.openCampaign(10, 5));
        ClaimRecorded first = claim(campaignId, "m-1", 1, campaignId + "-AAAA-BBBB-0021");
        ClaimRecorded second = claim(campaignId, "m-1", 2, campaignId + "-AAAA-BBBB-0022");
        sink.store(List.of(first)).then(sink.store(List.of(first, second))).as(transaction::transactional)
                .block(Duration.ofSeconds(10));
        assertThat(stored(campaignId)).isEqualTo(2);

        // A batch refused by the database rolls back whole; the next batch is stored.
        ClaimRecorded third = claim(campaignId, "m-1", 3, campaignId + "-AAAA-BBBB-0023");
        assertThatThrownBy(() -> store(third, claim(campaignId, "m-2", 1, campaignId + "-AAAA-BBBB-0021")))
                .isInstanceOf(DataIntegrityViolationException.class);
        assertThat(stored(campaignId)).isEqualTo(2);
        store(third, second);
        assertThat(stored(campaignId)).isEqualTo(3);
    }
}
