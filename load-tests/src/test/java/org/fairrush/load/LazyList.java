package org.fairrush.load;

import java.util.AbstractList;
import java.util.List;
import java.util.function.Supplier;

/** A read-only view of a list that exists only once the simulation's before() ran (tokens issued up front). */
final class LazyList extends AbstractList<String> {

    private final Supplier<List<String>> source;

    LazyList(Supplier<List<String>> source) {
        this.source = source;
    }

    @Override
    public String get(int index) {
        return source.get().get(index);
    }

    @Override
    public int size() {
        return source.get().size();
    }
}
