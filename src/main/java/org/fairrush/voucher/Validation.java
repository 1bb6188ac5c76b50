package org.fairrush.voucher;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.fairrush.web.ApiProblem;
import org.fairrush.web.ErrorCode;

/** Turns broken cross-field rules into the same VALIDATION_FAILED answer as broken single fields. */
final class Validation {

    private Validation() {
    }

    static ApiProblem failed(List<CampaignRequests.RuleBroken> broken) {
        List<Map<String, Object>> errors = broken.stream().map(rule -> {
            Map<String, Object> error = new LinkedHashMap<>();
            error.put("field", rule.field());
            error.put("message", rule.message());
            return error;
        }).toList();
        return ApiProblem.withExtra(ErrorCode.VALIDATION_FAILED, "The request has invalid fields", Map.of("errors", errors));
    }

    static ApiProblem failed(String field, String message) {
        return failed(List.of(new CampaignRequests.RuleBroken(field, message)));
    }
}
