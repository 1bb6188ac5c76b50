package org.fairrush.devstack;

/** A free loopback port, for tests outside this package that start servers of their own. */
public final class FreePortsForTests {

    private FreePortsForTests() {
    }

    public static int next() {
        return FreePorts.next();
    }
}
