package io.github.asyncio4j.crawler;

import java.util.ArrayList;
import java.util.List;

/** RFC 4180 fields: how {@link ItemFile} quotes a value, and reads back a header row. */
final class Csv {
    private Csv() {
    }

    /** Appends {@code value}, in quotes (each quote doubled) if it holds a comma, a quote, CR or LF. */
    static void field(StringBuilder row, String value) {
        boolean quote = false;
        for (int i = 0; i < value.length() && !quote; i++) {
            char c = value.charAt(i);
            quote = c == ',' || c == '"' || c == '\r' || c == '\n';
        }
        if (!quote) {
            row.append(value);
            return;
        }
        row.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            row.append(c);
            if (c == '"') {
                row.append('"');
            }
        }
        row.append('"');
    }

    /** The fields of the first record of {@code text} (ended by CRLF or LF), or null if it does not end there. */
    static List<String> firstRecord(String text) {
        List<String> fields = new ArrayList<>();
        StringBuilder f = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        f.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    f.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(f.toString());
                f.setLength(0);
            } else if (c == '\r' || c == '\n') {
                fields.add(f.toString());
                return fields;
            } else {
                f.append(c);
            }
        }
        return null;
    }
}
