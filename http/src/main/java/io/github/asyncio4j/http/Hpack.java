package io.github.asyncio4j.http;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * HPACK (RFC 7541), HTTP/2's header compression: the static table, a dynamic table, the integer and string
 * codecs, and a {@link Decoder} and {@link Encoder}, one of each per connection and direction. Header text is
 * ISO-8859-1 (one char per byte). Not thread-safe.
 *
 * <p>Why our own and not Jetty's {@code jetty-http2-hpack}: Jetty's decoder fills Jetty's own {@code MetaData} and
 * {@code HttpFields} types and brings {@code jetty-http} and {@code jetty-util} (buffer pools, its URI model) with
 * it; the http module would translate every header twice and carry two jars for some 400 lines of code whose
 * every limit (table size, decoded list size, string length) we need to set where an attack is answered.
 */
final class Hpack {
    /** RFC 7541 Appendix A: names at even indexes, values at odd ones; HPACK index i is at 2 * (i - 1). */
    private static final String[] STATIC = {
            ":authority", "",
            ":method", "GET",
            ":method", "POST",
            ":path", "/",
            ":path", "/index.html",
            ":scheme", "http",
            ":scheme", "https",
            ":status", "200",
            ":status", "204",
            ":status", "206",
            ":status", "304",
            ":status", "400",
            ":status", "404",
            ":status", "500",
            "accept-charset", "",
            "accept-encoding", "gzip, deflate",
            "accept-language", "",
            "accept-ranges", "",
            "accept", "",
            "access-control-allow-origin", "",
            "age", "",
            "allow", "",
            "authorization", "",
            "cache-control", "",
            "content-disposition", "",
            "content-encoding", "",
            "content-language", "",
            "content-length", "",
            "content-location", "",
            "content-range", "",
            "content-type", "",
            "cookie", "",
            "date", "",
            "etag", "",
            "expect", "",
            "expires", "",
            "from", "",
            "host", "",
            "if-match", "",
            "if-modified-since", "",
            "if-none-match", "",
            "if-range", "",
            "if-unmodified-since", "",
            "last-modified", "",
            "link", "",
            "location", "",
            "max-forwards", "",
            "proxy-authenticate", "",
            "proxy-authorization", "",
            "range", "",
            "referer", "",
            "refresh", "",
            "retry-after", "",
            "server", "",
            "set-cookie", "",
            "strict-transport-security", "",
            "transfer-encoding", "",
            "user-agent", "",
            "vary", "",
            "via", "",
            "www-authenticate", "",
    };
    static final int STATIC_SIZE = STATIC.length / 2;
    /** Each name of the static table to its first (lowest) HPACK index. */
    private static final Map<String, Integer> STATIC_NAMES = new HashMap<>();
    /** The overhead RFC 7541 section 4.1 adds to each entry's size. */
    static final int ENTRY_OVERHEAD = 32;

    static {
        for (int i = STATIC_SIZE; i >= 1; i--) {
            STATIC_NAMES.put(STATIC[2 * (i - 1)], i);
        }
    }

    private Hpack() {
    }

    /**
     * The dynamic table: a ring of entries, newest first, evicted oldest first once the size passes the capacity.
     * Invariant: {@code size} is the sum of {@code 32 + name.length + value.length} over the entries and is at
     * most {@code capacity}.
     */
    static final class DynamicTable {
        private String[] names = new String[16];
        private String[] values = new String[16];
        private int head;      // the slot of the newest entry
        private int count;
        private long size;
        private long capacity;

        DynamicTable(long capacity) {
            this.capacity = capacity;
        }

        int count() {
            return count;
        }

        long size() {
            return size;
        }

        long capacity() {
            return capacity;
        }

        /** Entry {@code i}, 0 the newest. */
        String name(int i) {
            return names[slot(i)];
        }

        String value(int i) {
            return values[slot(i)];
        }

        private int slot(int i) {
            return (head - i) & (names.length - 1);
        }

        void setCapacity(long capacity) {
            this.capacity = capacity;
            evictTo(capacity);
        }

        /** Adds an entry; one larger than the capacity empties the table (section 4.4). */
        void add(String name, String value) {
            long entry = entrySize(name, value);
            if (entry > capacity) {
                evictTo(0);
                return;
            }
            evictTo(capacity - entry);
            if (count == names.length) {
                String[] n = new String[names.length * 2];
                String[] v = new String[names.length * 2];
                for (int i = 0; i < count; i++) {   // oldest to newest, into slots 0..count-1
                    n[count - 1 - i] = name(i);
                    v[count - 1 - i] = value(i);
                }
                names = n;
                values = v;
                head = count - 1;
            }
            head = (head + 1) & (names.length - 1);
            names[head] = name;
            values[head] = value;
            count++;
            size += entry;
        }

        private void evictTo(long limit) {
            while (size > limit) {
                int oldest = slot(count - 1);
                size -= entrySize(names[oldest], values[oldest]);
                names[oldest] = null;
                values[oldest] = null;
                count--;
            }
        }
    }

    static long entrySize(String name, String value) {
        return ENTRY_OVERHEAD + (long) name.length() + value.length();
    }

    /** Appends an integer with an {@code n}-bit prefix (section 5.1); {@code first} holds the prefix's other bits. */
    static void writeInt(ByteSink out, int first, int n, long value) {
        int max = (1 << n) - 1;
        if (value < max) {
            out.write(first | (int) value);
            return;
        }
        out.write(first | max);
        value -= max;
        while (value >= 128) {
            out.write((int) (value & 0x7f | 0x80));
            value >>>= 7;
        }
        out.write((int) value);
    }

    /** Appends a string literal, Huffman-coded when that is shorter (section 5.2). */
    static void writeString(ByteSink out, String s) {
        int huffman = Huffman.encodedLength(s);
        if (huffman < s.length()) {
            writeInt(out, 0x80, 7, huffman);
            Huffman.encode(s, out);
        } else {
            writeInt(out, 0, 7, s.length());
            out.writeLatin1(s);
        }
    }

    /**
     * Decodes header blocks. Limits: the dynamic table may not grow past what we announced in
     * SETTINGS_HEADER_TABLE_SIZE; a block's decoded list (section 4.1 sizes: name + value + 32 per field) past
     * {@code maxListSize} is still decoded to the end, to keep the table in step with the peer's encoder, but its
     * fields are no longer kept (so an "HPACK bomb" of many references to one large entry costs counting, not
     * memory) and {@link Block#overLimit} says so.
     */
    static final class Decoder {
        private final DynamicTable table;
        private final LiteralCache literals = new LiteralCache();
        private final long maxTableSize;
        private final long maxListSize;
        private int at;
        private int end;
        private byte[] in;

        Decoder(long maxTableSize, long maxListSize) {
            this.table = new DynamicTable(maxTableSize);
            this.maxTableSize = maxTableSize;
            this.maxListSize = maxListSize;
        }

        /** A decoded header block: names and values alternating, and the list's size. */
        record Block(List<String> fields, long listSize, boolean overLimit) {
        }

        DynamicTable table() {
            return table;
        }

        /** @throws Http2Exception COMPRESSION_ERROR for anything malformed (a connection error) */
        Block decode(byte[] block, int offset, int length) {
            in = block;
            at = offset;
            end = offset + length;
            List<String> fields = new ArrayList<>();
            long listSize = 0;
            boolean fieldSeen = false;
            while (at < end) {
                int b = in[at] & 0xff;
                String name;
                String value;
                if ((b & 0x80) != 0) {                  // indexed field
                    int index = (int) readInt(7);
                    if (index == 0) {
                        throw Http2Exception.compression("index 0 in an indexed header field");
                    }
                    name = nameAt(index);
                    value = valueAt(index);
                } else if ((b & 0xe0) == 0x20) {        // dynamic table size update
                    long size = readInt(5);
                    if (fieldSeen) {
                        throw Http2Exception.compression("a dynamic table size update after a header field");
                    }
                    if (size > maxTableSize) {
                        throw Http2Exception.compression("a dynamic table size update to " + size
                                + " bytes, over the " + maxTableSize + " allowed");
                    }
                    table.setCapacity(size);
                    continue;
                } else {                                // a literal: with incremental indexing, without, never
                    boolean indexing = (b & 0xc0) == 0x40;
                    int index = (int) readInt(indexing ? 6 : 4);
                    name = index == 0 ? readString() : nameAt(index);
                    value = readString();
                    if (indexing) {
                        table.add(name, value);
                    }
                }
                fieldSeen = true;
                listSize += entrySize(name, value);
                if (listSize <= maxListSize) {
                    fields.add(name);
                    fields.add(value);
                }
            }
            in = null;
            return new Block(fields, listSize, listSize > maxListSize);
        }

        private String nameAt(int index) {
            if (index <= STATIC_SIZE) {
                return STATIC[2 * (index - 1)];
            }
            return table.name(dynamic(index));
        }

        private String valueAt(int index) {
            if (index <= STATIC_SIZE) {
                return STATIC[2 * (index - 1) + 1];
            }
            return table.value(dynamic(index));
        }

        private int dynamic(int index) {
            int i = index - STATIC_SIZE - 1;
            if (i >= table.count()) {
                throw Http2Exception.compression("header table index " + index + " beyond the table's "
                        + (STATIC_SIZE + table.count()) + " entries");
            }
            return i;
        }

        /** An integer with an {@code n}-bit prefix, at most 2^31 - 1. */
        private long readInt(int n) {
            int max = (1 << n) - 1;
            long value = in[at++] & max;
            if (value < max) {
                return value;
            }
            for (int shift = 0; ; shift += 7) {
                if (at == end) {
                    throw Http2Exception.compression("a header block ends inside an integer");
                }
                int b = in[at++] & 0xff;
                value += (long) (b & 0x7f) << shift;
                if (value > Integer.MAX_VALUE) {
                    throw Http2Exception.compression("an integer over 2^31 - 1 in a header block");
                }
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
        }

        private String readString() {
            if (at == end) {
                throw Http2Exception.compression("a header block ends before a string literal");
            }
            boolean huffman = (in[at] & 0x80) != 0;
            int length = (int) readInt(7);
            if (length > end - at) {
                throw Http2Exception.compression("a string literal of " + length + " bytes runs past its block");
            }
            int start = at;
            at += length;
            return literals.decode(in, start, length, huffman);
        }
    }

    /**
     * Encodes header blocks: static-table matches as indexes, other fields as literals added to the dynamic table
     * (never-indexed for credentials, not indexed for values that change with each message), strings Huffman-coded
     * when shorter. Follows the peer's SETTINGS_HEADER_TABLE_SIZE (capped at 4096 bytes) with a size update at
     * the start of the next block.
     */
    static final class Encoder {
        private static final long MAX_CAPACITY = Http2.DEFAULT_HEADER_TABLE_SIZE;
        private static final Set<String> NEVER_INDEXED = Set.of("authorization", "proxy-authorization");
        private static final Set<String> NOT_INDEXED = Set.of(":path", "content-length", "etag", "location",
                "set-cookie", "date", "last-modified", "if-modified-since", "if-none-match", "content-range");
        private final DynamicTable table = new DynamicTable(MAX_CAPACITY);
        private long pendingCapacity = -1;
        private long smallestPending = -1;

        DynamicTable table() {
            return table;
        }

        /** The peer's SETTINGS_HEADER_TABLE_SIZE. */
        void setMaxTableSize(long peerMax) {
            long capacity = Math.min(peerMax, MAX_CAPACITY);
            smallestPending = smallestPending < 0 ? capacity : Math.min(smallestPending, capacity);
            pendingCapacity = capacity;
        }

        /** Appends the block of {@code fields} (lower-case names and values, alternating) to {@code out}. */
        void encode(List<String> fields, ByteSink out) {
            if (pendingCapacity >= 0) {   // the smallest size the peer asked for since the last block, then the last
                if (smallestPending < pendingCapacity) {
                    writeInt(out, 0x20, 5, smallestPending);
                    table.setCapacity(smallestPending);
                }
                writeInt(out, 0x20, 5, pendingCapacity);
                table.setCapacity(pendingCapacity);
                pendingCapacity = -1;
                smallestPending = -1;
            }
            for (int i = 0; i < fields.size(); i += 2) {
                encodeField(fields.get(i), fields.get(i + 1), out);
            }
        }

        private void encodeField(String name, String value, ByteSink out) {
            int nameIndex = 0;
            Integer first = STATIC_NAMES.get(name);
            if (first != null) {
                for (int i = first; i <= STATIC_SIZE && STATIC[2 * (i - 1)].equals(name); i++) {
                    if (STATIC[2 * (i - 1) + 1].equals(value)) {
                        writeInt(out, 0x80, 7, i);
                        return;
                    }
                }
                nameIndex = first;
            }
            for (int i = 0; i < table.count(); i++) {
                if (table.name(i).equals(name)) {
                    if (table.value(i).equals(value)) {
                        writeInt(out, 0x80, 7, STATIC_SIZE + 1 + i);
                        return;
                    }
                    if (nameIndex == 0) {
                        nameIndex = STATIC_SIZE + 1 + i;
                    }
                }
            }
            if (NEVER_INDEXED.contains(name) || name.equals("cookie") && value.length() < 20) {
                writeInt(out, 0x10, 4, nameIndex);
            } else if (NOT_INDEXED.contains(name) || entrySize(name, value) > table.capacity() / 2) {
                writeInt(out, 0x00, 4, nameIndex);
            } else {
                writeInt(out, 0x40, 6, nameIndex);
                table.add(name, value);
            }
            if (nameIndex == 0) {
                writeString(out, name);
            }
            writeString(out, value);
        }
    }
}
