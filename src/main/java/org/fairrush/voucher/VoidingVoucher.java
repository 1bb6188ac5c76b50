package org.fairrush.voucher;

import java.time.Clock;
import java.time.temporal.ChronoUnit;
import java.util.UUID;

import org.fairrush.voucher.VoucherRepository.StoredVoucher;
import org.springframework.stereotype.Service;
import reactor.core.publisher.Mono;

/**
 * Staff voiding a voucher (a complaint, a fraud, a mistake): it is never redeemable again, with the reason stored. A
 * redemption it already has stays as it is (settled or refunded by its merchant). Voiding twice keeps the first reason.
 */
@Service
class VoidingVoucher {

    private final VoucherRepository vouchers;
    private final RefundRepository refunds;
    private final Clock clock;

    VoidingVoucher(VoucherRepository vouchers, RefundRepository refunds, Clock clock) {
        this.vouchers = vouchers;
        this.refunds = refunds;
        this.clock = clock;
    }

    /** @param replayed the voucher was voided before; nothing changed */
    record Voided(StoredVoucher voucher, boolean replayed) {
    }

    /** Empty when no voucher has this id in Postgres. */
    Mono<Voided> voidVoucher(UUID voucherId, String reason, String staffId) {
        return refunds.markVoided(voucherId, reason, staffId, clock.instant().truncatedTo(ChronoUnit.MICROS))
                .flatMap(won -> vouchers.findById(voucherId).map(voucher -> new Voided(voucher, !won)));
    }
}
