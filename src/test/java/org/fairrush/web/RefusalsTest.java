package org.fairrush.web;

import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import org.fairrush.rush.ClaimOutcome.Refusal;
import org.fairrush.web.Refusals.Answer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class RefusalsTest {

    private static Map<Refusal, Answer> everyRefusalAnswered() {
        return Arrays.stream(Refusal.values()).collect(Collectors.toMap(Function.identity(),
                reason -> new Answer(ErrorCode.SOLD_OUT, "words for " + reason)));
    }

    @Test
    void answersARefusalWithTheFeaturesCodeAndWords() {
        Map<Refusal, Answer> answers = new EnumMap<>(everyRefusalAnswered());
        answers.put(Refusal.LIMIT_REACHED, new Answer(ErrorCode.ALREADY_REGISTERED, "You are registered at this fair already"));

        ApiProblem problem = Refusals.answering(answers).problem(Refusal.LIMIT_REACHED);

        assertThat(problem.code()).isEqualTo(ErrorCode.ALREADY_REGISTERED);
        assertThat(problem.getMessage()).isEqualTo("You are registered at this fair already");
        assertThat(problem.retryAfter()).isNull();
    }

    @Test
    void advisesARetryOnlyWhereTheEngineSaysOne() {
        Refusals refusals = Refusals.answering(everyRefusalAnswered());

        assertThat(refusals.problem(Refusal.UNKNOWN_POOL).retryAfter()).isEqualTo(Duration.ofSeconds(5));
        assertThat(refusals.problem(Refusal.IN_PROGRESS).retryAfter()).isEqualTo(Duration.ofSeconds(1));
        assertThat(refusals.problem(Refusal.SOLD_OUT).retryAfter()).isNull();
    }

    @Test
    void refusesATableThatLeavesARefusalUnanswered() {
        Map<Refusal, Answer> answers = new EnumMap<>(everyRefusalAnswered());
        answers.remove(Refusal.PAUSED);

        assertThatIllegalArgumentException().isThrownBy(() -> Refusals.answering(answers)).withMessageContaining("PAUSED");
    }

    @Test
    void answersBusyWithAServiceUnavailableToRetryInASecond() {
        ApiProblem busy = Refusals.busy("the claim could not be stored right now");

        assertThat(busy.code()).isEqualTo(ErrorCode.BUSY);
        assertThat(busy.retryAfter()).isEqualTo(Duration.ofSeconds(1));
    }
}
