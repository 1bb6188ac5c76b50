package org.fairrush.web;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * An answer that is not a success, on its way to {@link ProblemResponses}. Handlers map their domain
 * outcomes to it; it carries no stack trace because it is not a failure of the service.
 *
 * @param retryAfter for RATE_LIMITED and BUSY: when to try again (null otherwise)
 * @param extra      further members of the problem body, e.g. {@code errors} for VALIDATION_FAILED
 */
public final class ApiProblem extends RuntimeException {

    private final ErrorCode code;
    private final Duration retryAfter;
    private final Map<String, Object> extra;

    private ApiProblem(ErrorCode code, String detail, Duration retryAfter, Map<String, Object> extra) {
        super(detail, null, false, false);
        this.code = code;
        this.retryAfter = retryAfter;
        this.extra = Map.copyOf(extra);
    }

    public static ApiProblem of(ErrorCode code, String detail) {
        return new ApiProblem(code, detail, null, Map.of());
    }

    public static ApiProblem retryLater(ErrorCode code, String detail, Duration retryAfter) {
        return new ApiProblem(code, detail, retryAfter, Map.of());
    }

    /** A field a request got wrong, as VALIDATION_FAILED lists it in {@code errors}. */
    public record InvalidField(String field, String message) {
    }

    /** VALIDATION_FAILED listing the fields: the same answer as bean validation's, wherever the rule lives. */
    public static ApiProblem invalid(List<InvalidField> fields) {
        return ProblemResponses.validation("The request has invalid fields",
                fields.stream().map(invalid -> ProblemResponses.field(invalid.field(), invalid.message())).toList());
    }

    public static ApiProblem invalid(String field, String message) {
        return invalid(List.of(new InvalidField(field, message)));
    }

    public static ApiProblem withExtra(ErrorCode code, String detail, Map<String, Object> extra) {
        return new ApiProblem(code, detail, null, extra);
    }

    public ErrorCode code() {
        return code;
    }

    public Duration retryAfter() {
        return retryAfter;
    }

    public Map<String, Object> extra() {
        return extra;
    }
}
