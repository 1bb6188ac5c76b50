package org.fairrush.web;

import org.springframework.http.HttpStatus;

/**
 * The stable error codes of the API. A mini-program switches on {@code code} in the problem+json body;
 * the HTTP status and title of each code are fixed here and nowhere else.
 */
public enum ErrorCode {
    VALIDATION_FAILED(HttpStatus.BAD_REQUEST, "The request is not valid"),
    UNAUTHENTICATED(HttpStatus.UNAUTHORIZED, "A valid bearer token is required"),
    FORBIDDEN(HttpStatus.FORBIDDEN, "Your role may not do this"),
    NOT_FOUND(HttpStatus.NOT_FOUND, "No such resource"),
    CAMPAIGN_NOT_FOUND(HttpStatus.NOT_FOUND, "No such campaign"),
    VOUCHER_NOT_FOUND(HttpStatus.NOT_FOUND, "No such voucher"),
    REDEMPTION_NOT_FOUND(HttpStatus.NOT_FOUND, "No such redemption"),
    FAIR_NOT_FOUND(HttpStatus.NOT_FOUND, "No such fair"),
    METHOD_NOT_ALLOWED(HttpStatus.METHOD_NOT_ALLOWED, "Method not allowed"),
    UNSUPPORTED_MEDIA_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Send application/json"),
    NOT_ACCEPTABLE(HttpStatus.NOT_ACCEPTABLE, "Cannot answer in the requested media type"),
    PAYLOAD_TOO_LARGE(HttpStatus.CONTENT_TOO_LARGE, "The request body is too large"),
    SOLD_OUT(HttpStatus.CONFLICT, "Sold out"),
    LIMIT_REACHED(HttpStatus.CONFLICT, "You hold as many as allowed"),
    NOT_STARTED(HttpStatus.CONFLICT, "Not started yet"),
    ENDED(HttpStatus.CONFLICT, "Already ended"),
    PAUSED(HttpStatus.CONFLICT, "Paused by the organisers"),
    ALREADY_REDEEMED(HttpStatus.CONFLICT, "This voucher was already redeemed"),
    NOT_REDEEMABLE(HttpStatus.CONFLICT, "This voucher cannot be redeemed now"),
    VOUCHER_VOID(HttpStatus.CONFLICT, "This voucher was voided"),
    MERCHANT_NOT_AT_FAIR(HttpStatus.FORBIDDEN, "This voucher is redeemed only at stalls of its fair"),
    REFUND_WINDOW_CLOSED(HttpStatus.CONFLICT, "The time to refund this redemption has passed"),
    BELOW_THRESHOLD(HttpStatus.UNPROCESSABLE_CONTENT, "The order does not reach the voucher's minimum spend"),
    DAILY_SOLD_OUT(HttpStatus.CONFLICT, "Today's vouchers are gone; more come tomorrow"),
    DAILY_LIMIT_REACHED(HttpStatus.CONFLICT, "You got as many as allowed today"),
    VOUCHER_EXPIRED(HttpStatus.CONFLICT, "This voucher's validity is over"),
    OUTSIDE_REDEEM_HOURS(HttpStatus.CONFLICT, "This voucher is not redeemed at this hour"),
    ALREADY_REGISTERED(HttpStatus.CONFLICT, "You are registered at this fair already"),
    REGISTRATION_CLOSED(HttpStatus.CONFLICT, "Registration is closed"),
    REGISTRATION_OPEN(HttpStatus.CONFLICT, "Registration is still open"),
    ALREADY_DRAWN(HttpStatus.CONFLICT, "This fair's lottery was drawn already"),
    SEED_MISMATCH(HttpStatus.CONFLICT, "The seed does not hash to the seed commitment"),
    OPENING_NOT_OVER(HttpStatus.CONFLICT, "The randomized opening's window is still open"),
    NOT_SELECTED(HttpStatus.CONFLICT, "Your entry in the randomized opening was not selected"),
    OFFER_NOT_OPEN(HttpStatus.CONFLICT, "This registration has no open stall offer"),
    OFFER_EXPIRED(HttpStatus.CONFLICT, "This stall offer has expired"),
    REQUEST_IN_PROGRESS(HttpStatus.CONFLICT, "An earlier request with this Idempotency-Key is still in progress"),
    IDEMPOTENCY_KEY_REUSED(HttpStatus.UNPROCESSABLE_CONTENT, "This Idempotency-Key was used for a different request"),
    RATE_LIMITED(HttpStatus.TOO_MANY_REQUESTS, "Too many requests"),
    BUSY(HttpStatus.SERVICE_UNAVAILABLE, "Busy, please retry shortly"),
    INTERNAL_ERROR(HttpStatus.INTERNAL_SERVER_ERROR, "Something went wrong on our side");

    private final HttpStatus status;
    private final String title;

    ErrorCode(HttpStatus status, String title) {
        this.status = status;
        this.title = title;
    }

    public HttpStatus status() {
        return status;
    }

    public String title() {
        return title;
    }
}
