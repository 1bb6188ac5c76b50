package org.fairrush.voucher;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.fairrush.outbox.EventOutbox;
import org.fairrush.voucher.RefundRepository.RedemptionToRefund;
import org.fairrush.voucher.VoucherRepository.StoredRedemption;
import org.fairrush.voucher.domain.Refunding;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Mono;

/**
 * A merchant refunding a redemption: the redemption becomes REFUNDED and its voucher unredeemed (ISSUED again while
 * valid). Exactly once: the redemption is marked by a conditional UPDATE (only while not refunded) in the same
 * transaction that clears the voucher's mark, so of two refunds at once one refunds and the other answers the refund
 * again; a redemption racing the refund waits for the voucher's row and sees it redeemed (refused) or reissued. The
 * refund that refunds adds the {@value RedemptionEvents#REFUNDED} event to the outbox in its transaction.
 */
@Service
class RefundingRedemption {

    private final RefundRepository refunds;
    private final EventOutbox outbox;
    private final TransactionalOperator transaction;
    private final Clock clock;

    RefundingRedemption(RefundRepository refunds, EventOutbox outbox, TransactionalOperator transaction, Clock clock) {
        this.refunds = refunds;
        this.outbox = outbox;
        this.transaction = transaction;
        this.clock = clock;
    }

    sealed interface RefundOutcome {
    }

    record Refunded(StoredRedemption redemption, boolean replayed) implements RefundOutcome {
    }

    record Refused(Refunding.Decision decision) implements RefundOutcome {
    }

    record UnknownRedemption() implements RefundOutcome {
    }

    Mono<RefundOutcome> refund(String merchantId, UUID redemptionId) {
        // Postgres keeps microseconds: the answer shows the time a later read shows.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        return refunds.find(redemptionId)
                .flatMap(found -> {
                    Refunding.Decision decision = Refunding.decide(found.refundable(), merchantId, now);
                    if (decision instanceof Refunding.AlreadyRefunded) {
                        return Mono.just((RefundOutcome) new Refunded(found.redemption(), true));
                    }
                    return decision instanceof Refunding.Allowed ? refundNow(found, now) : Mono.just(new Refused(decision));
                })
                .defaultIfEmpty(new UnknownRedemption());
    }

    private Mono<RefundOutcome> refundNow(RedemptionToRefund found, Instant now) {
        StoredRedemption r = found.redemption();
        StoredRedemption refunded = new StoredRedemption(r.id(), r.voucherCode(), r.orderAmountCents(), r.discountCents(),
                r.payableCents(), r.redeemedAt(), now);
        return refunds.markRefunded(r.id(), now)
                .flatMap(won -> won
                        ? refunds.reissue(found.voucherId())
                                .then(outbox.add(RedemptionEvents.refunded(new RedemptionEvents.Redemption(refunded, found.voucherId(),
                                        found.campaignId(), found.memberId(), found.refundable().merchantId()))))
                                .thenReturn((RefundOutcome) new Refunded(refunded, false))
                        // Another refund of the same redemption came first: answer it again.
                        : refunds.find(r.id()).map(again -> new Refunded(again.redemption(), true)))
                .as(transaction::transactional);
    }
}
