package org.fairrush.web;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * The refusals a handler itself can answer, for the OpenAPI document ({@link OpenApiConfiguration} adds those every
 * route can answer: UNAUTHENTICATED, FORBIDDEN, RATE_LIMITED, BUSY, and VALIDATION_FAILED where it takes input).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
public @interface ProblemCodes {

    ErrorCode[] value();
}
