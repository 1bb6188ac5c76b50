package org.fairrush.rush.kafka;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimStream;
import org.fairrush.rush.DeadLetter;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.kafka.receiver.KafkaReceiver;
import reactor.kafka.receiver.ReceiverOffset;
import reactor.kafka.receiver.ReceiverRecord;

/** {@link ClaimStream} on reactor-kafka: manual commits, batches of up to N records or T milliseconds. */
public final class ReactorKafkaClaimStream implements ClaimStream {

    private static final Set<String> TRACE_HEADERS = Set.of("traceparent", "tracestate", "baggage", "b3");

    private final KafkaReceiver<String, String> receiver;
    private final ClaimCodec codec;
    private final int batchSize;
    private final Duration batchWindow;

    public ReactorKafkaClaimStream(KafkaReceiver<String, String> receiver, ClaimCodec codec, int batchSize, Duration batchWindow) {
        this.receiver = receiver;
        this.codec = codec;
        this.batchSize = batchSize;
        this.batchWindow = batchWindow;
    }

    @Override
    public Flux<Batch> batches() {
        // Fair backpressure: a batch is not emitted (and records not drained) while the persister is still busy
        // with the previous one, instead of overflowing.
        return receiver.receive().bufferTimeout(batchSize, batchWindow, true).map(this::batch);
    }

    private Batch batch(List<ReceiverRecord<String, String>> records) {
        Map<TopicPartition, ReceiverOffset> last = new LinkedHashMap<>();
        List<Map<String, String>> traceContexts = new ArrayList<>();
        for (ReceiverRecord<String, String> record : records) {
            last.put(record.receiverOffset().topicPartition(), record.receiverOffset());
            traceContext(record.headers()).ifPresent(traceContexts::add);
        }
        Mono<Void> commit = Flux.fromIterable(last.values()).concatMap(ReceiverOffset::commit).then();
        return Batch.decodedOnDemand(records.size(), () -> decode(records), commit, traceContexts);
    }

    private ClaimStream.Decoded decode(List<ReceiverRecord<String, String>> records) {
        List<ClaimRecorded> claims = new ArrayList<>(records.size());
        List<DeadLetter> rejected = new ArrayList<>();
        for (ReceiverRecord<String, String> record : records) {
            try {
                claims.add(codec.read(record.value()));
            } catch (RuntimeException unreadable) {
                rejected.add(new DeadLetter(record.topic() + "@" + record.partition() + ":" + record.offset(), record.key(),
                        record.value(), "unreadable: " + unreadable.getMessage()));
            }
        }
        return new ClaimStream.Decoded(claims, rejected);
    }

    /** The propagation headers a traced grab's record carries (W3C, with B3 accepted too); none when tracing is off. */
    private static Optional<Map<String, String>> traceContext(Headers headers) {
        Map<String, String> context = null;
        for (Header header : headers) {
            if (TRACE_HEADERS.contains(header.key()) && header.value() != null) {
                if (context == null) {
                    context = new HashMap<>(4);
                }
                context.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
            }
        }
        return Optional.ofNullable(context);
    }
}
