package org.fairrush.rush.kafka;

import java.util.Map;
import java.util.Set;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The lag arithmetic of {@link ClaimLag} (the offsets themselves come from a real broker in the ops and fault tests). */
class ClaimLagTest {

    private static final TopicPartition VOUCHERS_0 = new TopicPartition("voucher-claims", 0);
    private static final TopicPartition VOUCHERS_1 = new TopicPartition("voucher-claims", 1);
    private static final TopicPartition STALLS_0 = new TopicPartition("stall-registrations", 0);

    @Test
    void lagIsEndMinusCommittedSummedPerTopic() {
        Map<String, Long> lag = ClaimLag.lagByTopic(Set.of(VOUCHERS_0, VOUCHERS_1, STALLS_0),
                Map.of(VOUCHERS_0, 100L, VOUCHERS_1, 40L, STALLS_0, 7L), Map.of(),
                Map.of(VOUCHERS_0, new OffsetAndMetadata(90), VOUCHERS_1, new OffsetAndMetadata(40), STALLS_0, new OffsetAndMetadata(7)));

        assertThat(lag).containsExactlyInAnyOrderEntriesOf(Map.of("voucher-claims", 10L, "stall-registrations", 0L));
    }

    @Test
    void aPartitionNeverCommittedCountsOnlyTheRecordsStillInTheLog() {
        Map<String, Long> lag = ClaimLag.lagByTopic(Set.of(VOUCHERS_0), Map.of(VOUCHERS_0, 500L), Map.of(VOUCHERS_0, 480L), Map.of());

        assertThat(lag).containsEntry("voucher-claims", 20L);
    }
}
