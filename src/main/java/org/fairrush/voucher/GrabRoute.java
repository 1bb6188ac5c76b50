package org.fairrush.voucher;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

import org.fairrush.rush.ClaimOutcome.Refusal;
import org.fairrush.web.ApiProblem;
import org.fairrush.web.Caller;
import org.fairrush.web.ErrorCode;
import org.fairrush.web.Refusals;
import org.fairrush.web.Refusals.Answer;
import org.fairrush.web.RushRoute;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;
import tools.jackson.databind.json.JsonMapper;

/**
 * What a grab answers, whichever way it came: through the annotated route ({@link CampaignController#grab}, the
 * documented one) or the lean rush path that phones' grabs take (web's {@code LeanRushPath}, issue 13). A grab that
 * took a voucher is 201 with the voucher, an entry in a randomized opening 202, a refusal a problem.
 */
@Component
class GrabRoute implements RushRoute {

    static final String PATH = "/api/v1/campaigns/{id}/grabs";

    private final Grabbing grabbing;
    private final Clock clock;
    private final JsonMapper json;

    GrabRoute(Grabbing grabbing, Clock clock, JsonMapper json) {
        this.grabbing = grabbing;
        this.clock = clock;
        this.json = json;
    }

    /** A grab's answer when it is not a problem. */
    record Answered(HttpStatus status, boolean replayed, Object body) {
    }

    /** The 202 body of a grab inside a randomized opening's window: an entry, whose result is known at {@code resultAt}. */
    record Entry(String status, long campaignId, String memberId, Instant resultAt) {
        static final String ENTERED = "ENTERED";
    }

    @Override
    public String pathPattern() {
        return PATH;
    }

    @Override
    public String role() {
        return Caller.MEMBER;
    }

    @Override
    public Mono<Void> answer(ServerWebExchange exchange, long id, Caller caller, Object noBody) {
        String key = Caller.requireIdempotencyKey(exchange.getRequest().getHeaders().getFirst("Idempotency-Key"));
        return grab(id, caller.id(), key).flatMap(answered -> RushRoute.writeJson(exchange, answered.status(),
                headers -> headers.set(Caller.IDEMPOTENT_REPLAYED, Boolean.toString(answered.replayed())),
                json.writeValueAsBytes(answered.body())));
    }

    @Override
    public boolean mayRefuseBeforeLimits(long id) {
        return grabbing.knownSoldOut(id);
    }

    @Override
    public Mono<Void> refuseBeforeLimits(ServerWebExchange exchange, long id, Caller caller) {
        String key = Caller.requireIdempotencyKey(exchange.getRequest().getHeaders().getFirst("Idempotency-Key"));
        return grabbing.refusedAsSoldOut(id, caller.id(), key)
                .flatMap(refused -> refused ? Mono.error(REFUSALS.problem(Refusal.SOLD_OUT)) : Mono.empty());
    }

    /** The grab's answer, or an {@link ApiProblem} for a refusal. */
    Mono<Answered> grab(long id, String memberId, String idempotencyKey) {
        return grabbing.grab(id, memberId, idempotencyKey).map(outcome -> {
            if (outcome instanceof Grabbing.Grabbed grabbed) {
                return new Answered(HttpStatus.CREATED, grabbed.replayed(), grabbed.voucher());
            }
            if (outcome instanceof Grabbing.Entered entered) {
                return new Answered(HttpStatus.ACCEPTED, entered.replayed(), new Entry(Entry.ENTERED, id, memberId, entered.resultAt()));
            }
            if (outcome instanceof Grabbing.NotSelected) {
                throw ApiProblem.of(ErrorCode.NOT_SELECTED, "The opening's draw did not select your entry; see GET .../draw");
            }
            if (outcome instanceof Grabbing.DrawPending pending) {
                throw ApiProblem.retryLater(ErrorCode.NOT_STARTED, "The randomized opening closed at " + pending.resultAt()
                        + " and is being drawn; first-come grabs of the vouchers left start right after", Duration.ofSeconds(2));
            }
            if (outcome instanceof Grabbing.Refused refused) {
                throw refused.retryAt() != null
                        ? REFUSALS.problem(refused.reason(), refused.retryAt(), untilNextDay(refused.retryAt()))
                        : REFUSALS.problem(refused.reason());
            }
            if (outcome instanceof Grabbing.Busy busy) {
                throw Refusals.busy(busy.why());
            }
            throw CampaignController.notFound(id);
        });
    }

    private static final Refusals REFUSALS = Refusals.answering(Map.of(
            Refusal.SOLD_OUT, new Answer(ErrorCode.SOLD_OUT, "All vouchers of this campaign are gone"),
            Refusal.LIMIT_REACHED, new Answer(ErrorCode.LIMIT_REACHED, "You already hold as many vouchers of this campaign as allowed"),
            Refusal.NOT_STARTED, new Answer(ErrorCode.NOT_STARTED, "Grabbing has not started yet"),
            Refusal.ENDED, new Answer(ErrorCode.ENDED, "Grabbing has ended"),
            Refusal.PAUSED, new Answer(ErrorCode.PAUSED, "The organisers paused this campaign; try again later"),
            Refusal.UNKNOWN_POOL, new Answer(ErrorCode.BUSY, "This campaign's stock is being restored"),
            Refusal.IN_PROGRESS, new Answer(ErrorCode.REQUEST_IN_PROGRESS,
                    "Your earlier grab with this Idempotency-Key is still being stored; ask again with the same key"),
            Refusal.DAILY_SOLD_OUT, new Answer(ErrorCode.DAILY_SOLD_OUT,
                    "Today's vouchers of this campaign are gone; the next day's are grabbed from"),
            Refusal.DAILY_LIMIT_REACHED, new Answer(ErrorCode.DAILY_LIMIT_REACHED,
                    "You got as many vouchers of this campaign today as allowed; grab again from")));

    /** Whole seconds until the next day in the campaign's zone, rounded up: a client retrying then is never early. */
    private Duration untilNextDay(Instant nextDay) {
        Duration left = Duration.between(clock.instant(), nextDay);
        return Duration.ofSeconds(left.toSeconds() + (left.toNanosPart() > 0 ? 1 : 0));
    }
}
