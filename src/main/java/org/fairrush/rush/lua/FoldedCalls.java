package org.fairrush.rush.lua;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

/**
 * Script calls for one key folded together: the items for a key that arrive while a call for that key is on its way
 * wait and go together in the next call (at most {@link #MOST_PER_CALL}), so under load one call carries many items,
 * and an item with nothing of its key on the way goes at once, alone. Each item's Mono emits the call's answer for it,
 * or fails with that call's failure; the call after it leaves first. A key is held in memory only while a call for it
 * is on its way. Used where many requests change one Redis key at once: the acknowledgements of one scope
 * ({@link Acknowledgements}) and the rate-limit bucket of one address (web's {@code SharedBuckets}).
 *
 * @param <K> what a call is for: items of equal keys fold
 * @param <T> an item
 * @param <R> an item's answer
 */
public final class FoldedCalls<K, T, R> {

    /** Most items in one call; more waiting go in the calls after it. */
    static final int MOST_PER_CALL = 1_000;

    /** One call for {@code key} carrying {@code items}: emits one answer per item, in the items' order. */
    @FunctionalInterface
    public interface Call<K, T, R> {
        Mono<List<R>> run(K key, List<T> items);
    }

    private final Call<K, T, R> call;
    private final ConcurrentMap<K, Waiting> onTheirWay = new ConcurrentHashMap<>();

    public FoldedCalls(Call<K, T, R> call) {
        this.call = call;
    }

    /** Emits {@code item}'s answer from the call that carried it. */
    public Mono<R> add(K key, T item) {
        return Mono.defer(() -> {
            Sinks.One<R> answer = Sinks.one();
            // A key is dropped from the map when its last call answered with nothing left to send; whoever found it
            // just before then asks the map again.
            while (!onTheirWay.computeIfAbsent(key, Waiting::new).add(item, answer)) {
                // dropped meanwhile: the next look finds a new one
            }
            return answer.asMono();
        });
    }

    /** The items of one key waiting for the call on its way to answer. */
    private final class Waiting {

        private final K key;
        private List<T> items = new ArrayList<>();
        private List<Sinks.One<R>> answers = new ArrayList<>();
        private boolean onItsWay;
        private boolean dropped;

        Waiting(K key) {
            this.key = key;
        }

        /** False when this key was dropped from the map: the caller must add to the one there now. */
        boolean add(T item, Sinks.One<R> answer) {
            synchronized (this) {
                if (dropped) {
                    return false;
                }
                items.add(item);
                answers.add(answer);
                if (onItsWay) {
                    return true;
                }
                onItsWay = true;
            }
            sendNext();
            return true;
        }

        /** Sends what waits (at most {@link #MOST_PER_CALL}), or drops this key when nothing does. */
        private void sendNext() {
            List<T> sent;
            List<Sinks.One<R>> waiting;
            synchronized (this) {
                if (items.isEmpty()) {
                    onItsWay = false;
                    dropped = true;
                    onTheirWay.remove(key, this);
                    return;
                }
                if (items.size() <= MOST_PER_CALL) {
                    sent = items;
                    waiting = answers;
                    items = new ArrayList<>();
                    answers = new ArrayList<>();
                } else {
                    sent = new ArrayList<>(items.subList(0, MOST_PER_CALL));
                    waiting = new ArrayList<>(answers.subList(0, MOST_PER_CALL));
                    items = new ArrayList<>(items.subList(MOST_PER_CALL, items.size()));
                    answers = new ArrayList<>(answers.subList(MOST_PER_CALL, answers.size()));
                }
            }
            // The answers' count is checked here rather than by a filter operator, which looks up its subscriber's
            // context as it is built: one operator less on every call.
            call.run(key, sent)
                    .switchIfEmpty(Mono.fromSupplier(List::of))
                    .subscribe(
                            replies -> {
                                sendNext();
                                if (replies.size() != sent.size()) {
                                    failAll(waiting, new IllegalStateException("a folded call did not answer each of its " + sent.size() + " items"));
                                    return;
                                }
                                for (int i = 0; i < waiting.size(); i++) {
                                    waiting.get(i).tryEmitValue(replies.get(i));
                                }
                            },
                            failure -> {
                                sendNext();
                                failAll(waiting, failure);
                            });
        }

        private void failAll(List<Sinks.One<R>> waiting, Throwable failure) {
            waiting.forEach(answer -> answer.tryEmitError(failure));
        }
    }
}
