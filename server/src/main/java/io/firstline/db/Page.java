package io.firstline.db;

import java.util.List;
import java.util.function.Function;

/** One page of a longer list. */
public record Page<T>(List<T> items, long total, int limit, int offset) {

    public <R> Page<R> map(Function<T, R> f) {
        return new Page<>(items.stream().map(f).toList(), total, limit, offset);
    }
}
