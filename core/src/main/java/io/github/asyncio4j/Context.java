package io.github.asyncio4j;

import java.util.Arrays;

/**
 * Python's {@code contextvars.Context}: the values of the {@link ContextVar}s for one task or callback.
 * The map is immutable (copy on write), so copying a context, as a new task does from a creator that set a value,
 * is O(1). A task whose creator set none starts with no context object; {@code Task.context()} makes one.
 */
final class Context {
    static final Object[] EMPTY = new Object[0];
    /** Alternating keys and values. Replaced, never mutated. */
    Object[] entries;

    Context(Object[] entries) {
        this.entries = entries;
    }

    boolean isEmpty() {
        return entries.length == 0;
    }

    Context copy() {
        return new Context(entries);
    }

    Object get(ContextVar<?> var, Object missing) {
        Object[] e = entries;
        for (int i = 0; i < e.length; i += 2) {
            if (e[i] == var) {
                return e[i + 1];
            }
        }
        return missing;
    }

    void put(ContextVar<?> var, Object value) {
        Object[] e = entries;
        for (int i = 0; i < e.length; i += 2) {
            if (e[i] == var) {
                Object[] copy = e.clone();
                copy[i + 1] = value;
                entries = copy;
                return;
            }
        }
        Object[] copy = Arrays.copyOf(e, e.length + 2);
        copy[e.length] = var;
        copy[e.length + 1] = value;
        entries = copy;
    }

    void remove(ContextVar<?> var) {
        Object[] e = entries;
        for (int i = 0; i < e.length; i += 2) {
            if (e[i] == var) {
                Object[] copy = new Object[e.length - 2];
                System.arraycopy(e, 0, copy, 0, i);
                System.arraycopy(e, i + 2, copy, i, e.length - i - 2);
                entries = copy;
                return;
            }
        }
    }
}
