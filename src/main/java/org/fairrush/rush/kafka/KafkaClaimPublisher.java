package org.fairrush.rush.kafka;

import java.nio.charset.StandardCharsets;
import java.util.Map;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.contextpropagation.ObservationThreadLocalAccessor;
import io.micrometer.observation.transport.SenderContext;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.DeadLetter;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * {@link ClaimPublisher} on the Kafka producer itself: a send's acknowledgement completes the claim's Mono from
 * the producer's callback, with no scheduler of reactor-kafka's in between. The record key is the scope, so one
 * scope's claims stay in order.
 *
 * <p>{@code send} returns at once unless the producer must wait for a topic's metadata or for room in its buffer
 * ({@code max.block.ms}); the claim topics' metadata is fetched when the publisher starts, so a grab's thread does
 * not wait for it. (Measured: 1.11-1.13x the grabs per CPU second of reactor-kafka's sender, whose per-record
 * pipeline and scheduler hop this saves; docs/benchmarks.md. reactor-kafka still reads the claim topics.)
 */
public final class KafkaClaimPublisher implements ClaimPublisher {

    private final Producer<String, String> producer;
    private final ClaimCodec codec;
    private final Map<String, String> topicByKind;
    private final String deadLetterTopic;
    private final ObservationRegistry observations;

    public KafkaClaimPublisher(Producer<String, String> producer, ClaimCodec codec, Map<String, String> topicByKind, String deadLetterTopic) {
        this(producer, codec, topicByKind, deadLetterTopic, ObservationRegistry.NOOP);
    }

    /**
     * @param observations where a claim's send is observed when tracing is on: the span is a child of the grab's
     *                     request (read from the Reactor context) and its context goes into the record's headers,
     *                     for the persister; NOOP when tracing is off, and then a send does nothing more
     */
    public KafkaClaimPublisher(Producer<String, String> producer, ClaimCodec codec, Map<String, String> topicByKind, String deadLetterTopic,
            ObservationRegistry observations) {
        this.observations = observations;
        this.producer = producer;
        this.codec = codec;
        this.topicByKind = Map.copyOf(topicByKind);
        this.deadLetterTopic = deadLetterTopic;
    }

    /**
     * Fetches the claim topics' metadata (blocking, at start-up), so that sends do not wait for it. A broker not
     * reachable now only means the first sends fetch it (within {@code max.block.ms}).
     */
    public void start() {
        try {
            topicByKind.values().forEach(producer::partitionsFor);
        } catch (RuntimeException unreachable) {
            LoggerFactory.getLogger(KafkaClaimPublisher.class).warn("claim topics' metadata not fetched at start: {}", unreachable.toString());
        }
    }

    @Override
    public Mono<Void> publish(ClaimRecorded claim) {
        return publish(claim, codec.write(claim));
    }

    @Override
    public Mono<Void> publish(ClaimRecorded claim, String json) {
        String topic = topicByKind.get(claim.kind());
        if (topic == null) {
            return Mono.error(new IllegalStateException("no topic for claims of kind " + claim.kind()));
        }
        ProducerRecord<String, String> record = new ProducerRecord<>(topic, claim.poolRef().scopeTag(), json);
        return observations.isNoop() ? send(record) : observed(record);
    }

    /** The send as a PRODUCER span from the send to the acknowledgement; starting it writes the trace headers. */
    private Mono<Void> observed(ProducerRecord<String, String> record) {
        return Mono.deferContextual(reactorContext -> {
            SenderContext<ProducerRecord<String, String>> context = new SenderContext<>(
                    (carrier, key, value) -> carrier.headers().add(key, value.getBytes(StandardCharsets.UTF_8)));
            context.setCarrier(record);
            context.setRemoteServiceName("kafka");
            Observation observation = Observation.createNotStarted("fairrush.claims.send", () -> context, observations)
                    .contextualName(record.topic() + " send")
                    .lowCardinalityKeyValue("messaging.system", "kafka")
                    .parentObservation(reactorContext.getOrDefault(ObservationThreadLocalAccessor.KEY, null))
                    .start();
            return send(record).doOnError(observation::error).doFinally(signal -> observation.stop());
        });
    }

    @Override
    public Mono<Void> deadLetter(DeadLetter letter) {
        var record = new ProducerRecord<>(deadLetterTopic, letter.key(), letter.value());
        record.headers().add("fairrush-source", letter.source().getBytes(StandardCharsets.UTF_8));
        record.headers().add("fairrush-reason", letter.reason().getBytes(StandardCharsets.UTF_8));
        return send(record);
    }

    private Mono<Void> send(ProducerRecord<String, String> record) {
        return Mono.create(sink -> {
            try {
                producer.send(record, (metadata, failure) -> {
                    if (failure == null) {
                        sink.success();
                    } else {
                        sink.error(failure);
                    }
                });
            } catch (RuntimeException failure) {
                sink.error(failure);
            }
        });
    }

    public void close() {
        producer.close(java.time.Duration.ofSeconds(10));
    }
}
