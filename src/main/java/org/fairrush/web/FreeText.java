package org.fairrush.web;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import jakarta.validation.Constraint;
import jakarta.validation.Payload;

/**
 * Text a person typed (a name, venue, theme, reason, seed) that fairrush will acknowledge and so must be able
 * to store everywhere: see {@link Text#whyNotStorable}. A request record normalises such fields with
 * {@link Text#nfc} in its constructor, so the rule checks the text as it will be stored. Null passes (pair it
 * with {@code @NotBlank} or {@code @NotNull} where the field is required).
 */
@Documented
@Constraint(validatedBy = FreeTextValidator.class)
@Target({ ElementType.FIELD, ElementType.METHOD, ElementType.PARAMETER, ElementType.TYPE_USE })
@Retention(RetentionPolicy.RUNTIME)
public @interface FreeText {

    /** At most this many characters (Unicode code points, what a person counts; not UTF-16 units). */
    int maxChars();

    /** At most this many bytes in UTF-8; by default three per character, so a Chinese name may use them all. */
    int maxBytes() default -1;

    String message() default "is not storable text";

    Class<?>[] groups() default {};

    Class<? extends Payload>[] payload() default {};
}
