package org.fairrush.ops;

import java.time.Duration;

import org.fairrush.rush.Leases;
import org.fairrush.rush.RushProperties;
import org.fairrush.rush.recovery.Reconciliation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.InitializingBean;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.Disposable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Invariant 3 of docs/design.md on demand ({@code GET /api/v1/ops/reconciliation}, ADMIN) and every minute in
 * the log: a pool whose numbers do not add up is logged at ERROR with the exact difference. The minute's check leaves
 * out a pool whose pending claims are the persisters' backlog until they have caught up
 * ({@link Reconciliation#allButBacklogs()}, docs/design.md section 11, note 53); on demand, every pool. The scheduled
 * check runs on one instance of the fleet, the holder of the reconciliation lease (renewed on each run; another
 * instance takes over within {@link #LEASE} once the holder stops), and a run is cut after {@link #MOST}.
 */
@RestController
class ReconciliationController implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReconciliationController.class);

    private static final Duration EVERY = Duration.ofMinutes(1);
    static final Duration LEASE = EVERY.multipliedBy(3).dividedBy(2);
    static final Duration MOST = EVERY.dividedBy(2);

    private final Reconciliation reconciliation;
    private final Leases leases;
    private final String lease;
    private Disposable schedule;

    ReconciliationController(Reconciliation reconciliation, Leases leases, RushProperties rush) {
        this.reconciliation = reconciliation;
        this.leases = leases;
        this.lease = rush.keyPrefix() + ":lease:reconciliation";
    }

    @GetMapping("/api/v1/ops/reconciliation")
    Mono<Reconciliation.Report> report() {
        return reconciliation.all();
    }

    @Override
    public void afterPropertiesSet() {
        schedule = Flux.interval(EVERY, EVERY)
                .onBackpressureDrop()
                .concatMap(tick -> leases.hold(lease, LEASE).filter(Boolean::booleanValue)
                        .flatMap(held -> reconciliation.allButBacklogs().timeout(MOST)).onErrorResume(failure -> {
                    log.warn("reconciliation could not run: {}", failure.toString());
                    return Mono.empty();
                }))
                .subscribe(report -> report.pools().stream().filter(pool -> !pool.ok()).forEach(pool ->
                        log.error("reconciliation mismatch (lag {}): {}", report.consumerLag(), pool)));
    }

    @Override
    public void destroy() {
        if (schedule != null) {
            schedule.dispose();
        }
    }
}
