package org.fairrush.rush.lua;

import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.DeadLetter;
import reactor.core.publisher.Mono;

/**
 * The claim publisher when fairrush.rush.redis-replica-acks is above 0: a claim's event goes to Kafka only once
 * Redis replicas have the claim ({@link ReplicaAcks}). The engine treats a failure here as it treats Kafka's
 * refusal: the claim is reversed and answered BUSY, so an acknowledged claim is on a replica as well as in Kafka.
 */
public final class ReplicaAckingPublisher implements ClaimPublisher {

    private final ClaimPublisher kafka;
    private final ReplicaAcks replicas;
    private final String keyPrefix;

    public ReplicaAckingPublisher(ClaimPublisher kafka, ReplicaAcks replicas, String keyPrefix) {
        this.kafka = kafka;
        this.replicas = replicas;
        this.keyPrefix = keyPrefix;
    }

    @Override
    public Mono<Void> publish(ClaimRecorded claim) {
        return onReplicas(claim).then(kafka.publish(claim));
    }

    @Override
    public Mono<Void> publish(ClaimRecorded claim, String json) {
        return onReplicas(claim).then(kafka.publish(claim, json));
    }

    /** Completes once enough replicas have the writes so far to the primary of the claim's pool (its meta key's slot). */
    private Mono<Void> onReplicas(ClaimRecorded claim) {
        return replicas.await(new PoolKeys(keyPrefix, claim.poolRef()).meta());
    }

    @Override
    public Mono<Void> deadLetter(DeadLetter letter) {
        return kafka.deadLetter(letter);
    }
}
