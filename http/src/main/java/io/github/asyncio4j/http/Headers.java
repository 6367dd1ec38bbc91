package io.github.asyncio4j.http;

import java.util.AbstractMap.SimpleImmutableEntry;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * HTTP header fields: an immutable, ordered list of (name, value) pairs looked up case-insensitively. Names keep
 * the case they were given in; a name may repeat.
 *
 * <pre>{@code
 * Headers h = Headers.of("Content-Type", "text/html", "Set-Cookie", "a=1", "Set-Cookie", "b=2");
 * h.get("content-type");     // "text/html"
 * h.getAll("SET-COOKIE");    // ["a=1", "b=2"]
 * h.with("X-Id", "7");       // a copy with one more field
 * }</pre>
 *
 * <p>Invariant: names are HTTP tokens and values contain no CR, LF or NUL (checked on construction), so a header
 * section built from a {@code Headers} cannot be split by a hostile value. Thread-safe (immutable).
 */
public final class Headers implements Iterable<Map.Entry<String, String>> {
    private static final Headers EMPTY = new Headers(new String[0]);

    /** names at even indexes, values at odd ones. */
    private final String[] fields;

    private Headers(String[] fields) {
        this.fields = fields;
    }

    /** No fields. */
    public static Headers empty() {
        return EMPTY;
    }

    /** Fields from alternating names and values: {@code of("Accept", "text/html", "X-A", "1")}. */
    public static Headers of(String... namesAndValues) {
        if (namesAndValues.length % 2 != 0) {
            throw new IllegalArgumentException("Headers.of needs name/value pairs, got an odd number of strings");
        }
        String[] copy = namesAndValues.clone();
        for (int i = 0; i < copy.length; i += 2) {
            checkName(copy[i]);
            checkValue(copy[i], copy[i + 1]);
        }
        return new Headers(copy);
    }

    /** Fields copied from a map (in its iteration order). */
    public static Headers of(Map<String, String> map) {
        Builder b = builder();
        map.forEach(b::add);
        return b.build();
    }

    /** A builder that collects fields in order. */
    public static Builder builder() {
        return new Builder();
    }

    /** The value of the first field named {@code name} (any case), or null. */
    public String get(String name) {
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                return fields[i + 1];
            }
        }
        return null;
    }

    /** The values of every field named {@code name}, in order. */
    public List<String> getAll(String name) {
        List<String> values = new ArrayList<>(1);
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                values.add(fields[i + 1]);
            }
        }
        return values;
    }

    /** True if a field named {@code name} is present. */
    public boolean contains(String name) {
        return get(name) != null;
    }

    /**
     * True if the comma-separated list values of {@code name} contain {@code token} (any case), as in
     * {@code Connection: keep-alive, Upgrade} or {@code Transfer-Encoding: gzip, chunked}.
     */
    public boolean hasToken(String name, String token) {
        for (int i = 0; i < fields.length; i += 2) {
            if (fields[i].equalsIgnoreCase(name)) {
                for (String part : fields[i + 1].split(",")) {
                    if (part.trim().equalsIgnoreCase(token)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /** A copy with one more field at the end. */
    public Headers with(String name, String value) {
        checkName(name);
        checkValue(name, value);
        String[] more = Arrays.copyOf(fields, fields.length + 2);
        more[fields.length] = name;
        more[fields.length + 1] = value;
        return new Headers(more);
    }

    /** A copy without the fields named {@code name}, plus {@code name: value} at the end. */
    public Headers withReplaced(String name, String value) {
        return without(name).with(name, value);
    }

    /** A copy without the fields named {@code name}. */
    public Headers without(String name) {
        if (!contains(name)) {
            return this;
        }
        Builder b = builder();
        for (int i = 0; i < fields.length; i += 2) {
            if (!fields[i].equalsIgnoreCase(name)) {
                b.add(fields[i], fields[i + 1]);
            }
        }
        return b.build();
    }

    /** How many fields there are (repeated names count once per field). */
    public int size() {
        return fields.length / 2;
    }

    public boolean isEmpty() {
        return fields.length == 0;
    }

    /** The name of field {@code i} (0-based, in order). */
    public String name(int i) {
        return fields[2 * Objects.checkIndex(i, size())];
    }

    /** The value of field {@code i} (0-based, in order). */
    public String value(int i) {
        return fields[2 * Objects.checkIndex(i, size()) + 1];
    }

    @Override
    public Iterator<Map.Entry<String, String>> iterator() {
        return new Iterator<>() {
            private int i;

            @Override
            public boolean hasNext() {
                return i < fields.length;
            }

            @Override
            public Map.Entry<String, String> next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                var e = new SimpleImmutableEntry<>(fields[i], fields[i + 1]);
                i += 2;
                return e;
            }
        };
    }

    /** Equal when the same fields are in the same order, names compared ignoring case. */
    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Headers other) || other.fields.length != fields.length) {
            return false;
        }
        for (int i = 0; i < fields.length; i += 2) {
            if (!fields[i].equalsIgnoreCase(other.fields[i]) || !fields[i + 1].equals(other.fields[i + 1])) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < fields.length; i += 2) {
            h = 31 * h + fields[i].toLowerCase(java.util.Locale.ROOT).hashCode();
            h = 31 * h + fields[i + 1].hashCode();
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < fields.length; i += 2) {
            sb.append(i == 0 ? "" : ", ").append(fields[i]).append(": ").append(fields[i + 1]);
        }
        return sb.append('}').toString();
    }

    static void checkName(String name) {
        Objects.requireNonNull(name, "header name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("empty header name");
        }
        for (int i = 0; i < name.length(); i++) {
            if (!Http1.isTokenChar(name.charAt(i))) {
                throw new IllegalArgumentException("invalid character in header name: \"" + name + "\"");
            }
        }
    }

    static void checkValue(String name, String value) {
        Objects.requireNonNull(value, () -> "value of header " + name);
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\r' || c == '\n' || c == 0) {
                throw new IllegalArgumentException("CR, LF or NUL in the value of header " + name);
            }
        }
    }

    /** Collects fields in order; not thread-safe. */
    public static final class Builder {
        private final List<String> fields = new ArrayList<>();

        private Builder() {
        }

        /** Adds {@code name: value} at the end (a repeated name adds another field). */
        public Builder add(String name, String value) {
            checkName(name);
            checkValue(name, value);
            fields.add(name);
            fields.add(value);
            return this;
        }

        /** Adds without checking: for names and values the parser has already validated. */
        Builder addTrusted(String name, String value) {
            fields.add(name);
            fields.add(value);
            return this;
        }

        int size() {
            return fields.size() / 2;
        }

        public Headers build() {
            return fields.isEmpty() ? EMPTY : new Headers(fields.toArray(new String[0]));
        }
    }
}
