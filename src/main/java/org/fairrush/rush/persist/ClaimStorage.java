package org.fairrush.rush.persist;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.fairrush.rush.ClaimLogs;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.ClaimSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Where the {@link Persister} stores the claims of a batch it took over: the features' {@link ClaimSink}s, all kinds in
 * one transaction. A batch that fails because of its records ({@link PoisonRecords} judges) is stored one claim at a
 * time, so that only the claims that can never be stored are set aside on the dead-letter topic; a failure that is the
 * database's goes up, and the Persister retries the whole batch.
 *
 * <p>It logs under the Persister's name: the persister has one logger for operators to turn up
 * (docs/operations.md), whichever class writes the line.
 */
final class ClaimStorage {

    private static final Logger log = LoggerFactory.getLogger(Persister.class);

    /** Tries of a record stored alone, failing in a way nobody classified, before it is set aside. */
    static final int TRIES_ALONE = 3;

    private final Map<String, ClaimSink> sinks;
    private final TransactionalOperator transaction;
    private final PoisonRecords poison;

    ClaimStorage(List<ClaimSink> sinks, TransactionalOperator transaction, PoisonRecords poison) {
        this.sinks = sinks.stream().collect(Collectors.toMap(ClaimSink::kind, Function.identity()));
        this.transaction = transaction;
        this.poison = poison;
    }

    /** Stores {@code claims}, together if they can be, else one by one with the poison set aside. */
    Mono<Void> store(List<ClaimRecorded> claims) {
        return storeTogether(claims)
                .onErrorResume(failure -> poison.mayBeTheRecords(failure).flatMap(theirs -> {
                    if (!theirs) {
                        return Mono.error(failure);
                    }
                    log.atWarn().addKeyValue(ClaimLogs.CLAIM_IDS, () -> ClaimLogs.ids(claims))
                            .log("a batch of {} claims failed ({}); storing them one by one", claims.size(), failure.toString());
                    return Flux.fromIterable(claims).concatMap(claim -> storeAlone(claim, 1)).then();
                }));
    }

    private Mono<Void> storeTogether(List<ClaimRecorded> claims) {
        return Flux.fromIterable(claims.stream().collect(Collectors.groupingBy(ClaimRecorded::kind)).entrySet())
                .concatMap(kind -> sink(kind.getKey()).store(kind.getValue()))
                .then()
                .as(transaction::transactional);
    }

    /**
     * Stores one claim of a batch that failed. Refused for good: set aside at once. Failing in a way nobody
     * classified while the database answers: tried {@value #TRIES_ALONE} times, then set aside. Otherwise the
     * error goes up and the whole batch is retried.
     */
    private Mono<Void> storeAlone(ClaimRecorded claim, int attempt) {
        return storeTogether(List.of(claim)).onErrorResume(failure -> {
            if (PoisonRecords.refusedForGood(failure)) {
                return poison.setAside(claim, "refused by the database: " + failure.getMessage());
            }
            return poison.mayBeTheRecords(failure).flatMap(theirs -> {
                if (!theirs) {
                    return Mono.error(failure);
                }
                return attempt < TRIES_ALONE
                        ? Mono.delay(Duration.ofMillis(100L * attempt)).then(storeAlone(claim, attempt + 1))
                        : poison.setAside(claim, "failed " + TRIES_ALONE + " times while the database answered: " + failure);
            });
        });
    }

    private ClaimSink sink(String kind) {
        ClaimSink sink = sinks.get(kind);
        if (sink == null) {
            throw new PoisonRecords.UnknownKind(kind);
        }
        return sink;
    }
}
