package org.fairrush.ops;

import java.time.Duration;

import org.fairrush.rush.Leases;
import org.fairrush.rush.PeriodicPass;
import org.fairrush.rush.recovery.Reconciliation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Invariant 3 of docs/design.md every minute in the log: a pool whose numbers do not add up is logged at ERROR
 * ({@code reconciliation mismatch}) with the exact difference. It runs on one instance of the fleet, the holder of the
 * reconciliation lease (renewed on each run; another instance takes over within {@link #LEASE} once the holder stops),
 * a run is cut after {@link #MOST}, and it leaves out a pool whose pending claims are the persisters' backlog until
 * they have caught up ({@link Reconciliation#allButBacklogs()}, docs/design.md section 11, note 53).
 *
 * <p>A {@link PeriodicPass}, so a stopped context stops it before the Redis connections close. It was a schedule of
 * the controller's own, started and disposed with the bean: between the connection factory's stop and the bean's
 * destruction (every shutdown), and in a test context paused by the test framework, its runs failed against the
 * stopped factory and logged "reconciliation could not run" every minute.
 */
final class MinuteReconciliation extends PeriodicPass {

    private static final Logger log = LoggerFactory.getLogger(MinuteReconciliation.class);

    static final Duration EVERY = Duration.ofMinutes(1);
    static final Duration LEASE = EVERY.multipliedBy(3).dividedBy(2);
    static final Duration MOST = EVERY.dividedBy(2);

    private final Reconciliation reconciliation;
    private final Leases leases;
    private final String lease;

    MinuteReconciliation(Reconciliation reconciliation, Leases leases, String keyPrefix) {
        super("reconciliation", EVERY);
        this.reconciliation = reconciliation;
        this.leases = leases;
        this.lease = keyPrefix + ":lease:reconciliation";
    }

    @Override
    protected Mono<Reconciliation.Report> onePass() {
        return leases.hold(lease, LEASE).filter(Boolean::booleanValue)
                .flatMap(held -> reconciliation.allButBacklogs().timeout(MOST))
                .doOnNext(report -> report.pools().stream().filter(pool -> !pool.ok()).forEach(pool ->
                        log.error("reconciliation mismatch (lag {}): {}", report.consumerLag(), pool)));
    }
}
