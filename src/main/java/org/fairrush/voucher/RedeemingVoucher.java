package org.fairrush.voucher;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Optional;
import java.util.UUID;

import org.fairrush.outbox.EventOutbox;
import org.fairrush.rush.PoolQueries;
import org.fairrush.voucher.VoucherRepository.StoredRedemption;
import org.fairrush.voucher.VoucherRepository.StoredVoucher;
import org.fairrush.voucher.domain.Campaign;
import org.fairrush.voucher.domain.Redeeming;
import org.fairrush.voucher.domain.VoucherCodes;
import org.springframework.dao.DuplicateKeyException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.reactive.TransactionalOperator;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A merchant redeeming (scanning) a voucher against an order. Exactly once: the voucher is marked by a
 * conditional UPDATE (only while not redeemed) in the same transaction that records the redemption, so
 * of two merchants scanning at once, one wins and the other is told ALREADY_REDEEMED. The same transaction adds the
 * {@value RedemptionEvents#REDEEMED} event to the outbox, so it is announced exactly when the redemption stands.
 */
@Service
class RedeemingVoucher {

    private final VoucherRepository vouchers;
    private final StallHolders stallHolders;
    private final PoolQueries poolQueries;
    private final EventOutbox outbox;
    private final Campaigns campaigns;
    private final TransactionalOperator transaction;
    private final Clock clock;

    RedeemingVoucher(VoucherRepository vouchers, StallHolders stallHolders, PoolQueries poolQueries, EventOutbox outbox, Campaigns campaigns,
            TransactionalOperator transaction, Clock clock) {
        this.vouchers = vouchers;
        this.outbox = outbox;
        this.stallHolders = stallHolders;
        this.poolQueries = poolQueries;
        this.campaigns = campaigns;
        this.transaction = transaction;
        this.clock = clock;
    }

    sealed interface RedemptionOutcome {
    }

    record Redeemed(StoredRedemption redemption, boolean replayed) implements RedemptionOutcome {
    }

    record Refused(Redeeming.Decision decision) implements RedemptionOutcome {
    }

    /** The code is not in Postgres yet but a grab with it is on its way: retry in a moment. */
    record NotYetStored() implements RedemptionOutcome {
    }

    record UnknownVoucher() implements RedemptionOutcome {
    }

    /** The merchant used this Idempotency-Key before, for another voucher. */
    record KeyReused() implements RedemptionOutcome {
    }

    /** @param code a code in canonical form, see {@link VoucherCodes#normalise} */
    Mono<RedemptionOutcome> redeem(String merchantId, String idempotencyKey, String code, long orderAmountCents) {
        return vouchers.findRedemption(merchantId, idempotencyKey)
                .map(earlier -> earlier.voucherCode().equals(code) ? (RedemptionOutcome) new Redeemed(earlier, true) : new KeyReused())
                .switchIfEmpty(Mono.defer(() -> vouchers.findByCode(code)
                        .flatMap(voucher -> admitted(voucher, merchantId)
                                .switchIfEmpty(Mono.defer(() -> redeemStored(voucher, merchantId, idempotencyKey, orderAmountCents))))
                        .switchIfEmpty(Mono.defer(() -> notStored(code)))));
    }

    /** Refuses a voided voucher, and a fair's voucher at a merchant without a confirmed stall there; empty when admitted. */
    private Mono<RedemptionOutcome> admitted(StoredVoucher voucher, String merchantId) {
        if (voucher.voidedAt() != null) {
            return Mono.just(new Refused(new Redeeming.Voided(voucher.voidReason())));
        }
        Long fairId = voucher.campaign().fairId();
        if (fairId == null) {
            return Mono.empty();
        }
        return stallHolders.holdsConfirmedStall(fairId, merchantId)
                .flatMap(holds -> holds ? Mono.empty() : Mono.just(new Refused(new Redeeming.NotAtFair(fairId))));
    }

    private Mono<RedemptionOutcome> redeemStored(StoredVoucher voucher, String merchantId, String idempotencyKey, long order) {
        // Postgres keeps microseconds: the answer and the event show the time a later read shows.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        Redeeming.Decision decision = Redeeming.decide(voucher.campaign(), voucher.validUntil(), voucher.redeemedAt() != null, order, now);
        if (!(decision instanceof Redeeming.Allowed allowed)) {
            return Mono.just(new Refused(decision));
        }
        var redemption = new StoredRedemption(UUID.randomUUID(), voucher.code(), order, allowed.discountCents(),
                allowed.payableCents(), now, null);
        return vouchers.markRedeemed(voucher.id(), now)
                .flatMap(won -> won
                        ? vouchers.insertRedemption(redemption, voucher.id(), merchantId, idempotencyKey)
                                .then(outbox.add(RedemptionEvents.redeemed(new RedemptionEvents.Redemption(redemption, voucher.id(),
                                        voucher.campaign().id(), voucher.memberId(), merchantId))))
                                .thenReturn((RedemptionOutcome) new Redeemed(redemption, false))
                        : lost(voucher.id()))
                .as(transaction::transactional)
                // The same merchant's retry raced us with the same key: answer what the winner stored.
                .onErrorResume(DuplicateKeyException.class, raced -> vouchers.findRedemption(merchantId, idempotencyKey)
                        .map(earlier -> (RedemptionOutcome) new Redeemed(earlier, true)));
    }

    /** Another redemption or a void came first: say which. */
    private Mono<RedemptionOutcome> lost(UUID voucherId) {
        return vouchers.findById(voucherId).map(now -> now.voidedAt() != null
                ? new Refused(new Redeeming.Voided(now.voidReason())) : new Refused(new Redeeming.AlreadyRedeemed()));
    }

    private Mono<RedemptionOutcome> notStored(String code) {
        // One lookup by the id the code implies (VoucherCodes.voucherId), never a walk over the campaign's pending claims.
        // A stock over buckets: the claim is pending in its member's home bucket, which the code does not tell; one look per bucket.
        long campaignId = VoucherCodes.campaignOf(code);
        return campaigns.find(campaignId).map(Campaign::buckets).defaultIfEmpty(1)
                .flatMapMany(buckets -> Flux.range(0, buckets))
                .concatMap(bucket -> poolQueries.isPending(Campaigns.pool(campaignId).inBucket(bucket), VoucherCodes.voucherId(code)))
                .any(Boolean::booleanValue)
                .map(pending -> pending ? new NotYetStored() : new UnknownVoucher());
    }

    static Optional<String> canonical(String typed) {
        return VoucherCodes.normalise(typed);
    }
}
