package org.fairrush.web;

import jakarta.validation.ConstraintValidator;
import jakarta.validation.ConstraintValidatorContext;

/** Checks {@link FreeText} fields with {@link Text#whyNotStorable}, naming the reason in the field's message. */
public final class FreeTextValidator implements ConstraintValidator<FreeText, String> {

    private int maxChars;
    private int maxBytes;

    @Override
    public void initialize(FreeText rule) {
        maxChars = rule.maxChars();
        maxBytes = rule.maxBytes() > 0 ? rule.maxBytes() : 3 * rule.maxChars();
    }

    @Override
    public boolean isValid(String value, ConstraintValidatorContext context) {
        if (value == null) {
            return true;
        }
        return Text.whyNotStorable(value, maxChars, maxBytes).map(reason -> {
            context.disableDefaultConstraintViolation();
            context.buildConstraintViolationWithTemplate(reason).addConstraintViolation();
            return false;
        }).orElse(true);
    }
}
