package org.fairrush.web;

import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.fairrush.rush.ClaimOutcome.Refusal;

/**
 * The one place an engine refusal and a busy engine become problem answers. A feature names, per refusal, the error
 * code its API documents and the words its callers read; the retry advice is the engine's and the same for every
 * feature: a pool being restored (UNKNOWN_POOL) is worth asking again in {@link #RESTORING_RETRY}, a claim still being
 * stored (IN_PROGRESS) or a busy engine in {@link #BUSY_RETRY}.
 */
public final class Refusals {

    static final Duration BUSY_RETRY = Duration.ofSeconds(1);
    static final Duration RESTORING_RETRY = Duration.ofSeconds(5);

    /** A refusal's answer: the documented code and the detail the caller reads. */
    public record Answer(ErrorCode code, String detail) {
    }

    private final Map<Refusal, Answer> answers;

    private Refusals(Map<Refusal, Answer> answers) {
        this.answers = answers;
    }

    /** The answers of one feature, one for every refusal (checked here, at start-up, not on the first refusal). */
    public static Refusals answering(Map<Refusal, Answer> answers) {
        return answering(answers, Set.of());
    }

    /**
     * The answers of one feature whose pools can never give the refusals {@code impossible} (a fair's pools have no
     * daily quota): one for every other refusal, checked here; one of those given anyway is a bug, answered 500.
     */
    public static Refusals answering(Map<Refusal, Answer> answers, Set<Refusal> impossible) {
        List<Refusal> unanswered = Arrays.stream(Refusal.values())
                .filter(reason -> !answers.containsKey(reason) && !impossible.contains(reason)).toList();
        if (!unanswered.isEmpty()) {
            throw new IllegalArgumentException("no answer for " + unanswered);
        }
        return new Refusals(new EnumMap<>(answers));
    }

    /**
     * A refusal that says when asking again can succeed (a day's quota: the next day in the campaign's zone): the
     * answer's detail ends with that moment, Retry-After is {@code retryAfter}.
     */
    public ApiProblem problem(Refusal reason, Instant from, Duration retryAfter) {
        Answer answer = answer(reason);
        return ApiProblem.retryLater(answer.code(), answer.detail() + " " + from, retryAfter);
    }

    private Answer answer(Refusal reason) {
        Answer answer = answers.get(reason);
        if (answer == null) {
            throw new IllegalStateException("a refusal this feature's pools never give: " + reason);
        }
        return answer;
    }

    public ApiProblem problem(Refusal reason) {
        Answer answer = answer(reason);
        return switch (reason) {
            case UNKNOWN_POOL -> ApiProblem.retryLater(answer.code(), answer.detail(), RESTORING_RETRY);
            case IN_PROGRESS -> ApiProblem.retryLater(answer.code(), answer.detail(), BUSY_RETRY);
            default -> ApiProblem.of(answer.code(), answer.detail());
        };
    }

    /** The answer to a claim, change or draw that could not be made durable right now: 503 BUSY, ask again in a second. */
    public static ApiProblem busy(String why) {
        return ApiProblem.retryLater(ErrorCode.BUSY, why, BUSY_RETRY);
    }
}
