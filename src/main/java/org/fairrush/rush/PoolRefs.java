package org.fairrush.rush;

/** The text form of a {@link PoolRef} in the pool registry: {@code kind|scope|pool}. */
public final class PoolRefs {

    private PoolRefs() {
    }

    static String format(PoolRef ref) {
        return ref.kind() + "|" + ref.scope() + "|" + ref.pool();
    }

    static PoolRef parse(String text) {
        String[] parts = text.split("\\|", -1);
        return new PoolRef(parts[0], parts[1], parts[2]);
    }
}
