package org.fairrush.rush.persist;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.r2dbc.spi.R2dbcNonTransientException;
import io.r2dbc.spi.R2dbcNonTransientResourceException;
import org.fairrush.rush.ClaimCodec;
import org.fairrush.rush.ClaimPublisher;
import org.fairrush.rush.ClaimRecorded;
import org.fairrush.rush.DeadLetter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.dao.InvalidDataAccessResourceUsageException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * The {@link Persister}'s judge of failed stores: tells a record's own fault (refused for good, or failing while the
 * database answers other statements) from the database's (down, slow, a broken connection), and sets the records
 * that can never be stored aside on the dead-letter topic with their reason.
 */
final class PoisonRecords {

    private static final Logger log = LoggerFactory.getLogger(PoisonRecords.class);

    private final ClaimPublisher deadLetters;
    private final ClaimCodec codec;
    private final Mono<Void> databaseAnswers;
    private final AtomicLong setAside = new AtomicLong();

    /**
     * @param databaseAnswers completes when the database answers a trivial statement
     */
    PoisonRecords(ClaimPublisher deadLetters, ClaimCodec codec, Mono<Void> databaseAnswers) {
        this.deadLetters = deadLetters;
        this.codec = codec;
        this.databaseAnswers = databaseAnswers;
    }

    /** Records set aside since start. */
    long setAside() {
        return setAside.get();
    }

    Mono<Void> setAside(ClaimRecorded claim, String reason) {
        return setAside(List.of(new DeadLetter(claim.kind() + ":" + claim.scope(), claim.poolRef().scopeTag(), codec.write(claim), reason)));
    }

    Mono<Void> setAside(List<DeadLetter> letters) {
        return Flux.fromIterable(letters)
                .concatMap(letter -> {
                    log.error("setting aside {} on the dead-letter topic: {}", letter.source(), letter.reason());
                    return deadLetters.deadLetter(letter).doOnSuccess(sent -> setAside.incrementAndGet());
                })
                .then();
    }

    /**
     * Whether the records themselves may be why a store failed: refused for good, or an error nobody classified
     * while the database answers. A failure of the database's connection or a timeout is never the records'.
     */
    Mono<Boolean> mayBeTheRecords(Throwable failure) {
        if (refusedForGood(failure)) {
            return Mono.just(true);
        }
        if (databaseUnavailable(failure)) {
            return Mono.just(false);
        }
        return databaseAnswers.thenReturn(true).onErrorReturn(false);
    }

    /** Errors that the same batch would meet again however often it is retried. */
    static boolean refusedForGood(Throwable failure) {
        if (failure instanceof DataIntegrityViolationException || failure instanceof InvalidDataAccessResourceUsageException) {
            return true;
        }
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof R2dbcNonTransientException && !(t instanceof R2dbcNonTransientResourceException)) {
                return true;
            }
            if (t instanceof UnknownKind) {
                return true;
            }
        }
        return false;
    }

    /** The database (or the way to it) failed, not the statement: worth retrying the same batch. */
    private static boolean databaseUnavailable(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof org.springframework.dao.DataAccessResourceFailureException
                    || t instanceof org.springframework.dao.TransientDataAccessException
                    || t instanceof io.r2dbc.spi.R2dbcTransientException
                    || t instanceof R2dbcNonTransientResourceException
                    || t instanceof java.io.IOException
                    || t instanceof java.util.concurrent.TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** A claim of a kind no {@link org.fairrush.rush.ClaimSink} stores: refused for good. */
    static final class UnknownKind extends IllegalStateException {
        UnknownKind(String kind) {
            super("no ClaimSink for claims of kind " + kind);
        }
    }
}
