package org.fairrush.ops;

import java.time.Duration;

import org.fairrush.rush.Reconciliation;
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
 * Invariant 3 of DESIGN.md on demand ({@code GET /api/v1/ops/reconciliation}, ADMIN) and every minute in
 * the log: a pool whose numbers do not add up is logged at ERROR with the exact difference.
 */
@RestController
class ReconciliationController implements InitializingBean, DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ReconciliationController.class);

    private final Reconciliation reconciliation;
    private Disposable schedule;

    ReconciliationController(Reconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    @GetMapping("/api/v1/ops/reconciliation")
    Mono<Reconciliation.Report> report() {
        return reconciliation.all();
    }

    @Override
    public void afterPropertiesSet() {
        schedule = Flux.interval(Duration.ofMinutes(1), Duration.ofMinutes(1))
                .onBackpressureDrop()
                .concatMap(tick -> reconciliation.all().onErrorResume(failure -> {
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
