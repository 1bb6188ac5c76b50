package org.fairrush.ops;

import org.fairrush.rush.recovery.Reconciliation;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;

/**
 * Invariant 3 of docs/design.md on demand ({@code GET /api/v1/ops/reconciliation}, ADMIN): every pool, whatever it
 * costs. The same check runs every minute in the log ({@link MinuteReconciliation}).
 */
@RestController
class ReconciliationController {

    private final Reconciliation reconciliation;

    ReconciliationController(Reconciliation reconciliation) {
        this.reconciliation = reconciliation;
    }

    @GetMapping("/api/v1/ops/reconciliation")
    Mono<Reconciliation.Report> report() {
        return reconciliation.all();
    }
}
