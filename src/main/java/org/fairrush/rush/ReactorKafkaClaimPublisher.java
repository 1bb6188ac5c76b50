package org.fairrush.rush;

import java.util.Map;

import org.apache.kafka.clients.producer.ProducerRecord;
import reactor.core.publisher.Mono;
import reactor.kafka.sender.KafkaSender;
import reactor.kafka.sender.SenderRecord;

/** {@link ClaimPublisher} on reactor-kafka. The record key is the scope, so one scope's claims stay in order. */
final class ReactorKafkaClaimPublisher implements ClaimPublisher {

    private final KafkaSender<String, String> sender;
    private final ClaimCodec codec;
    private final Map<String, String> topicByKind;

    ReactorKafkaClaimPublisher(KafkaSender<String, String> sender, ClaimCodec codec, Map<String, String> topicByKind) {
        this.sender = sender;
        this.codec = codec;
        this.topicByKind = Map.copyOf(topicByKind);
    }

    @Override
    public Mono<Void> publish(ClaimRecorded claim) {
        String topic = topicByKind.get(claim.kind());
        if (topic == null) {
            return Mono.error(new IllegalStateException("no topic for claims of kind " + claim.kind()));
        }
        var record = new ProducerRecord<>(topic, claim.poolRef().scopeTag(), codec.write(claim));
        return sender.send(Mono.just(SenderRecord.create(record, claim.eventId())))
                .next()
                .flatMap(result -> result.exception() == null ? Mono.<Void>empty() : Mono.error(result.exception()));
    }

    void close() {
        sender.close();
    }
}
