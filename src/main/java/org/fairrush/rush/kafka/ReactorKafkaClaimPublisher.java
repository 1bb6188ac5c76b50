package org.fairrush.rush.kafka;

import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.DeadLetter;
import java.nio.charset.StandardCharsets;
import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderRecord;

/** {@link ClaimPublisher} on reactor-kafka. The record key is the scope, so one scope's claims stay in order. */
public final class ReactorKafkaClaimPublisher implements ClaimPublisher {

    private final KafkaSender<String, String> sender;
    private final ClaimCodec codec;
    private final Map<String, String> topicByKind;
    private final String deadLetterTopic;

    public ReactorKafkaClaimPublisher(KafkaSender<String, String> sender, ClaimCodec codec, Map<String, String> topicByKind,
            String deadLetterTopic) {
        this.sender = sender;
        this.codec = codec;
        this.topicByKind = Map.copyOf(topicByKind);
        this.deadLetterTopic = deadLetterTopic;
    }

    @Override
    public Mono<Void> publish(ClaimRecorded claim) {
        String topic = topicByKind.get(claim.kind());
        if (topic == null) {
            return Mono.error(new IllegalStateException("no topic for claims of kind " + claim.kind()));
        }
        return send(new ProducerRecord<>(topic, claim.poolRef().scopeTag(), codec.write(claim)));
    }

    @Override
    public Mono<Void> deadLetter(DeadLetter letter) {
        var record = new ProducerRecord<>(deadLetterTopic, letter.key(), letter.value());
        record.headers().add("fairrush-source", letter.source().getBytes(StandardCharsets.UTF_8));
        record.headers().add("fairrush-reason", letter.reason().getBytes(StandardCharsets.UTF_8));
        return send(record);
    }

    private Mono<Void> send(ProducerRecord<String, String> record) {
        return sender.send(Mono.just(SenderRecord.create(record, null)))
                .next()
                .flatMap(result -> result.exception() == null ? Mono.<Void>empty() : Mono.error(result.exception()));
    }

    void close() {
        sender.close();
    }
}
