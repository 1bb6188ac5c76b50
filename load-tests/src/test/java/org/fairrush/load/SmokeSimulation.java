package org.fairrush.load;

/**
 * A voucher rush small enough for CI (a few hundred requests against the development stack): 120
 * members for 80 vouchers, window opening 5 s after the start, the same invariants checked afterwards.
 * load-tests/smoke.sh starts the stack, runs this and stops the stack.
 */
public class SmokeSimulation extends VoucherRushSimulation {

    public SmokeSimulation() {
        super(Sizes.of(120, 80, 5, 3000));
    }
}
