package org.fairrush.web;

import java.io.IOException;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.http.HttpStatus;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a failure of a backing service reaches the client. Found by the fleet's Redis drill (docs/operations.md
 * section 10, session e): the campaign's Redis primary killed, Lettuce failed the commands in flight with
 * "Connection reset by peer", Spring Data wrapped that in a RedisSystemException, and 142 members got 500
 * INTERNAL_ERROR, which a member's app does not retry, instead of 503 BUSY, which it retries with the same
 * Idempotency-Key (the claim, if the script ran, is then answered or published by the sweeper).
 */
class BackingServiceFailureTest {

    private final ProblemResponses problems = new ProblemResponses(JsonMapper.builder().build());

    @Test
    void aConnectionResetByABackingServiceIsBusyWithARetryAfter() {
        Throwable reset = new RedisSystemException("recvAddress(..) failed with error(-104): Connection reset by peer",
                new IOException("recvAddress(..) failed with error(-104): Connection reset by peer"));

        ApiProblem problem = problems.toProblem(reset);

        assertThat(problem.code()).isEqualTo(ErrorCode.BUSY);
        assertThat(problem.code().status()).isEqualTo(HttpStatus.SERVICE_UNAVAILABLE);
        assertThat(problem.retryAfter()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aFailureOfOurOwnCodeStaysAnInternalError() {
        ApiProblem problem = problems.toProblem(new RedisSystemException("unexpected answer", new IllegalStateException("a bug")));

        assertThat(problem.code()).isEqualTo(ErrorCode.INTERNAL_ERROR);
        assertThat(problem.retryAfter()).isNull();
    }
}
