package io.github.asyncio4j.crawler;

import java.net.MalformedURLException;
import java.net.URL;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jsoup.parser.Parser;

/**
 * Link extraction in one pass over a page's bytes, without a DOM: the start tags {@code a} and {@code area}
 * ({@code href}), {@code base} (the first {@code href}: the page's base for every link, as in HTML) and {@code meta}
 * ({@code http-equiv="refresh"}, and {@code charset} when the response named none). It follows the HTML tokenizer
 * where that decides what is a tag: comments, {@code <!...>} and {@code <?...>} declarations, CDATA sections,
 * quoted attribute values (a {@code >} inside quotes does not end a tag), the first of duplicate attributes, and the
 * raw-text elements ({@code script}, {@code style}, {@code title}, {@code textarea}, ...) whose content holds no
 * tags. Values are decoded with the page's charset and their character references with jsoup's rules; links are
 * resolved against one parsed base per page with jsoup's resolver, so the links are the ones jsoup's DOM gives
 * ({@code LinksTest} holds the two to the same output on real pages).
 *
 * <p>Only attribute values are turned into strings; the body is read in place and not kept. A scanner is for one
 * page, on one thread.
 */
@SuppressWarnings("deprecation")   // new URL(String): the parser jsoup resolves with, so the links are the same
final class LinkScanner {
    /**
     * What a page links to.
     *
     * @param links   absolute links of {@code a}/{@code area} elements without their fragments (a crawler fetches
     *                a page once, whatever part of it a link points at), in document order, without duplicates; not
     *                yet normalised
     * @param refresh the absolute target of the first {@code <meta http-equiv="refresh">} that names one, or null
     */
    record Found(Set<String> links, String refresh) {
    }

    /**
     * Elements whose content holds no tags ({@code plaintext}: the rest of the page). Their first letters are in
     * {@link #kind}.
     */
    private static final String[] RAW_TEXT = {"script", "style", "title", "textarea", "xmp", "iframe", "noembed",
            "noframes", "plaintext"};

    private final byte[] b;
    private final int end;
    private Charset charset;
    private final boolean charsetFixed;
    private final List<String> hrefs = new ArrayList<>();
    private String base;
    private String refresh;

    private LinkScanner(byte[] body, int start, Charset charset, boolean charsetFixed) {
        this.b = body;
        this.end = body.length;
        this.pos = start;
        this.charset = charset;
        this.charsetFixed = charsetFixed;
    }

    private int pos;

    /**
     * The links of {@code body}, an HTML page at {@code pageUrl}. {@code charset} is the one the response named, or
     * null: then a byte-order mark, else a {@code <meta charset>}, else UTF-8 decides, as in jsoup.
     */
    static Found scan(byte[] body, Charset charset, String pageUrl) {
        int start = 0;
        if (body.length >= 3 && (body[0] & 0xff) == 0xEF && (body[1] & 0xff) == 0xBB && (body[2] & 0xff) == 0xBF) {
            charset = StandardCharsets.UTF_8;   // a byte-order mark wins over the header, as in browsers and jsoup
            start = 3;
        } else if (body.length >= 2 && ((body[0] & 0xff) == 0xFE && (body[1] & 0xff) == 0xFF
                || (body[0] & 0xff) == 0xFF && (body[1] & 0xff) == 0xFE)) {
            charset = StandardCharsets.UTF_16;
        }
        LinkScanner s;
        if (charset != null && !asciiCompatible(charset)) {
            // UTF-16 and UTF-32 pages (rare): tags are not single bytes; scan a UTF-8 copy.
            s = new LinkScanner(new String(body, charset).getBytes(StandardCharsets.UTF_8), 0,
                    StandardCharsets.UTF_8, true);
        } else {
            s = new LinkScanner(body, start, charset == null ? StandardCharsets.UTF_8 : charset, charset != null);
        }
        s.run();
        return s.resolve(pageUrl);
    }

    private static boolean asciiCompatible(Charset c) {
        String n = c.name().toUpperCase(Locale.ROOT);
        return !n.startsWith("UTF-16") && !n.startsWith("UTF-32") && !n.startsWith("UTF_32");
    }

    // --- the tokenizer's decisions --------------------------------------------------------------------------

    private void run() {
        while (pos < end) {
            int lt = indexOf((byte) '<', pos);
            if (lt < 0 || lt + 1 >= end) {
                return;
            }
            pos = lt + 1;
            byte c = b[pos];
            if (c == '!') {
                markupDeclaration();
            } else if (c == '?') {
                pos = after((byte) '>', pos);          // bogus comment
            } else if (c == '/') {
                pos++;
                if (pos < end && isAlpha(b[pos])) {
                    tag(false);
                } else if (pos < end && b[pos] == '>') {
                    pos++;                               // "</>": nothing
                } else {
                    pos = after((byte) '>', pos);      // bogus comment
                }
            } else if (isAlpha(c)) {
                String raw = tag(true);
                if (raw != null) {
                    if (raw.equals("plaintext")) {
                        return;                          // the rest of the page is text
                    }
                    skipRawText(raw);
                }
            }
            // any other byte after '<': the '<' was text
        }
    }

    /** After {@code <!}: a comment, a CDATA section, or a declaration ending at the next {@code >}. */
    private void markupDeclaration() {
        pos++;
        if (startsWith("--", pos)) {
            pos += 2;
            if (pos < end && b[pos] == '>') {            // "<!-->"
                pos++;
                return;
            }
            if (startsWith("->", pos)) {                 // "<!--->"
                pos += 2;
                return;
            }
            while (pos < end) {
                int dash = indexOf((byte) '-', pos);
                if (dash < 0) {
                    pos = end;
                    return;
                }
                if (startsWith("-->", dash)) {
                    pos = dash + 3;
                    return;
                }
                if (startsWith("--!>", dash)) {
                    pos = dash + 4;
                    return;
                }
                pos = dash + 1;
            }
        } else if (startsWith("[CDATA[", pos)) {
            int close = indexOf("]]>", pos);
            pos = close < 0 ? end : close + 3;
        } else {
            pos = after((byte) '>', pos);
        }
    }

    /**
     * A start or end tag whose name starts at {@code pos}; reads its attributes up to the closing {@code >}.
     * Returns the name of a raw-text element whose start tag this was, else null.
     */
    private String tag(boolean start) {
        int nameStart = pos;
        while (pos < end && !is(b[pos], SPACE | SLASH | GT)) {
            pos++;
        }
        int kind = start ? kind(nameStart, pos - nameStart) : OTHER;
        String href = null;
        String httpEquiv = null;
        String content = null;
        String metaCharset = null;
        while (true) {
            while (pos < end && is(b[pos], SPACE | SLASH)) {
                pos++;
            }
            if (pos >= end) {
                return null;                             // EOF in a tag: the tag is dropped
            }
            if (b[pos] == '>') {
                pos++;
                break;
            }
            int an = pos++;                              // the first character may be '='
            while (pos < end && !is(b[pos], SPACE | SLASH | GT | EQUALS)) {
                pos++;
            }
            int anEnd = pos;
            while (pos < end && is(b[pos], SPACE)) {
                pos++;
            }
            int vs = -1;
            int ve = -1;
            if (pos < end && b[pos] == '=') {
                pos++;
                while (pos < end && is(b[pos], SPACE)) {
                    pos++;
                }
                if (pos < end && (b[pos] == '"' || b[pos] == '\'')) {
                    int close = indexOf(b[pos], pos + 1);
                    vs = pos + 1;
                    ve = close < 0 ? end : close;
                    pos = close < 0 ? end : close + 1;
                } else {
                    vs = pos;
                    while (pos < end && !is(b[pos], SPACE | GT)) {
                        pos++;
                    }
                    ve = pos;
                }
            }
            if (kind == OTHER) {
                continue;
            }
            if (kind == META) {
                if (httpEquiv == null && nameIs("http-equiv", an, anEnd)) {
                    httpEquiv = value(vs, ve);
                } else if (content == null && nameIs("content", an, anEnd)) {
                    content = value(vs, ve);
                } else if (metaCharset == null && nameIs("charset", an, anEnd)) {
                    metaCharset = value(vs, ve);
                }
            } else if (href == null && nameIs("href", an, anEnd)) {
                href = value(vs, ve);
            }
        }
        switch (kind) {
            case LINK -> {
                if (href != null) {
                    hrefs.add(href);
                }
            }
            case BASE -> {
                if (href != null && base == null) {
                    base = href;
                }
            }
            case META -> meta(httpEquiv, content, metaCharset);
            case RAW -> {
                return lowerName(nameStart);
            }
            default -> { }
        }
        return null;
    }

    private void meta(String httpEquiv, String content, String metaCharset) {
        if (httpEquiv != null && content != null) {
            String equiv = httpEquiv.strip().toLowerCase(Locale.ROOT);
            if (equiv.equals("refresh") && refresh == null) {
                refresh = refreshUrl(content);
            } else if (equiv.equals("content-type") && metaCharset == null) {
                int i = content.toLowerCase(Locale.ROOT).indexOf("charset=");
                if (i >= 0) {
                    int end = i + 8;
                    while (end < content.length() && content.charAt(end) != ';' && !isSpace(content.charAt(end))) {
                        end++;
                    }
                    metaCharset = content.substring(i + 8, end);
                }
            }
        }
        if (metaCharset != null && !charsetFixed) {
            try {
                Charset c = Charset.forName(metaCharset.strip().replace("\"", "").replace("'", ""));
                if (asciiCompatible(c)) {
                    charset = c;
                }
            } catch (IllegalArgumentException unknown) {
                // an unknown or malformed name: keep the charset we have
            }
        }
    }

    /**
     * The URL of a refresh's {@code content} ({@code "5; url=next.html"}), by HTML's declarative-refresh steps;
     * null when it names none (a refresh of the page itself).
     */
    static String refreshUrl(String content) {
        int i = 0;
        int n = content.length();
        while (i < n && isSpace(content.charAt(i))) {
            i++;
        }
        int timeStart = i;
        while (i < n && (Character.isDigit(content.charAt(i)) || content.charAt(i) == '.')) {
            i++;
        }
        if (i == timeStart) {
            return null;
        }
        while (i < n && isSpace(content.charAt(i))) {
            i++;
        }
        if (i < n && (content.charAt(i) == ';' || content.charAt(i) == ',')) {
            i++;
        }
        while (i < n && isSpace(content.charAt(i))) {
            i++;
        }
        if (i >= n) {
            return null;
        }
        if (content.regionMatches(true, i, "url", 0, 3)) {
            int j = i + 3;
            while (j < n && isSpace(content.charAt(j))) {
                j++;
            }
            if (j < n && content.charAt(j) == '=') {
                j++;
                while (j < n && isSpace(content.charAt(j))) {
                    j++;
                }
                i = j;
            }
        }
        String url;
        if (i < n && (content.charAt(i) == '"' || content.charAt(i) == '\'')) {
            int close = content.indexOf(content.charAt(i), i + 1);
            url = content.substring(i + 1, close < 0 ? n : close);
        } else {
            url = content.substring(i);
        }
        url = url.strip();
        return url.isEmpty() ? null : url;
    }

    /** Skips the text of a raw-text element up to its end tag ({@code </name} then a space, '/' or '>'). */
    private void skipRawText(String name) {
        while (pos < end) {
            int lt = indexOf("</", pos);
            if (lt < 0) {
                pos = end;
                return;
            }
            int after = lt + 2 + name.length();
            if (after <= end && regionMatchesIgnoreCase(lt + 2, name)
                    && (after == end || is(b[after], SPACE | SLASH | GT))) {
                pos = lt;       // the end tag is read as a tag
                return;
            }
            pos = lt + 2;
        }
    }

    // --- resolving --------------------------------------------------------------------------------------------

    private Found resolve(String pageUrl) {
        String baseUrl = pageUrl;
        if (base != null) {
            String abs = resolveLikeJsoup(pageUrl, base);
            if (!abs.isEmpty()) {
                baseUrl = abs;
            }
        }
        Base parsed = Base.of(baseUrl);
        Set<String> links = new LinkedHashSet<>();
        Set<String> resolved = new HashSet<>();
        for (String href : hrefs) {
            // A fragment plays no part in resolving the rest (RFC 3986 5.2, java.net.URL): a page's many links into
            // one page ("#abs", "functions.html#len") are resolved once.
            int hash = href.indexOf('#');
            String target = hash < 0 ? href : href.substring(0, hash);
            if (resolved.add(target)) {
                String abs = parsed.resolve(target);
                int absHash = abs.indexOf('#');
                if (!abs.isEmpty()) {
                    links.add(absHash < 0 ? abs : abs.substring(0, absHash));
                }
            }
        }
        String target = refresh == null ? null : parsed.resolve(refresh);
        return new Found(links, target == null || target.isEmpty() ? null : target);
    }

    /**
     * A page's base URL, parsed once. {@link #resolve} gives what jsoup's {@code absUrl} gives: the common relative
     * forms (a path, an absolute path, a query, a fragment) by joining strings, the others by jsoup's resolver.
     */
    private record Base(String url, URL parsed, String origin, String directory, String withoutFragment,
                        String path) {
        static Base of(String url) {
            URL u;
            try {
                u = new URL(url);
            } catch (MalformedURLException | IllegalArgumentException e) {
                return new Base(url, null, null, null, null, null);
            }
            String authority = u.getAuthority();
            if (authority == null || authority.isEmpty() || u.getRef() != null) {
                return new Base(url, u, null, null, null, null);   // always through jsoup
            }
            String origin = u.getProtocol() + "://" + authority;
            String path = u.getPath();
            String dir = path.isEmpty() ? "/" : path.substring(0, path.lastIndexOf('/') + 1);
            return new Base(url, u, origin, origin + dir, u.toExternalForm(), path);
        }

        /** The absolute URL of {@code href}, or "" when there is none. */
        String resolve(String href) {
            if (origin != null && !href.isEmpty() && simple(href)) {
                char c = href.charAt(0);
                if (c == '#') {
                    return withoutFragment + href;
                }
                if (c == '?') {
                    return origin + path + href;
                }
                if (c == '/') {
                    if (href.length() == 1 || href.charAt(1) != '/') {
                        return origin + href;
                    }
                } else {
                    return directory + href;
                }
            }
            if (parsed != null) {
                try {
                    return resolveLikeJsoup(parsed, href).toExternalForm();
                } catch (MalformedURLException | IllegalArgumentException e) {
                    // fall through: jsoup's own fallbacks (an absolute URL of an unknown scheme is kept as it is)
                }
            }
            return resolveLikeJsoup(url, href);
        }

        /**
         * True when joining strings resolves {@code href} as {@code java.net.URL} does: no scheme (no ':' before
         * the first '/', '?' or '#'), no control character, space or backslash, no dot segment.
         */
        private static boolean simple(String href) {
            boolean inPath = true;
            for (int i = 0; i < href.length(); i++) {
                char c = href.charAt(i);
                if (c <= ' ' || c == '\\' || c == 0x7f) {
                    return false;
                }
                if (c == '?' || c == '#') {
                    inPath = false;
                } else if (inPath) {
                    if (c == ':') {
                        return false;
                    }
                    if (c == '.' && (i == 0 || href.charAt(i - 1) == '/')
                            && (i + 1 == href.length() || href.charAt(i + 1) == '/' || href.charAt(i + 1) == '.'
                            || href.charAt(i + 1) == '?' || href.charAt(i + 1) == '#')) {
                        return false;   // "./", "../", a trailing "." or "..": dot segments
                    }
                }
            }
            return true;
        }
    }

    /** {@code s} without control characters, which browsers and jsoup drop from a URL before resolving it. */
    static String withoutControls(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < ' ') {
                StringBuilder kept = new StringBuilder(s.length()).append(s, 0, i);
                for (int j = i + 1; j < s.length(); j++) {
                    if (s.charAt(j) >= ' ') {
                        kept.append(s.charAt(j));
                    }
                }
                return kept.toString();
            }
        }
        return s;
    }

    /** A scheme at the start: an absolute URL java.net.URL may have no handler for ({@code tel:}, ...). */
    private static final java.util.regex.Pattern SCHEME = java.util.regex.Pattern.compile("^[a-zA-Z][a-zA-Z0-9+\\-.]*:");

    /**
     * jsoup's {@code absUrl} resolution (its internal {@code StringUtil.resolve}, which its module does not export):
     * control characters dropped, a query-only reference kept on the base's path, then {@code java.net.URL}.
     */
    static URL resolveLikeJsoup(URL base, String href) throws MalformedURLException {
        href = withoutControls(href);
        if (href.startsWith("?")) {
            href = base.getPath() + href;
        }
        return new URL(base, href);
    }

    /** The same from strings: the absolute URL, or "" when there is none (jsoup's fallbacks included). */
    static String resolveLikeJsoup(String base, String href) {
        base = withoutControls(base);
        href = withoutControls(href);
        try {
            URL b;
            try {
                b = new URL(base);
            } catch (MalformedURLException e) {
                return new URL(href).toExternalForm();   // an unusable base: the link may be absolute on its own
            }
            return resolveLikeJsoup(b, href).toExternalForm();
        } catch (MalformedURLException | IllegalArgumentException e) {
            return SCHEME.matcher(href).find() ? href : "";
        }
    }

    // --- bytes ------------------------------------------------------------------------------------------------

    private static final int OTHER = 0;
    private static final int LINK = 1;
    private static final int BASE = 2;
    private static final int META = 3;
    private static final int RAW = 4;

    /**
     * What the start tag named by bytes {@code [start, start + length)} is to the scanner; most tags are OTHER at
     * their first letter.
     */
    private int kind(int start, int length) {
        int to = start + length;
        switch (b[start] | 0x20) {      // ASCII lower case (the first byte is a letter)
            case 'a': return nameIs("a", start, to) || nameIs("area", start, to) ? LINK : OTHER;
            case 'b': return nameIs("base", start, to) ? BASE : OTHER;
            case 'm': return nameIs("meta", start, to) ? META : OTHER;
            case 'i', 'n', 's', 't', 'x', 'p':
                for (String raw : RAW_TEXT) {
                    if (nameIs(raw, start, to)) {
                        return RAW;
                    }
                }
                return OTHER;
            default: return OTHER;
        }
    }

    private String lowerName(int start) {
        int e = start;
        while (e < end && !is(b[e], SPACE | SLASH | GT)) {
            e++;
        }
        return new String(b, start, e - start, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
    }

    /** True if bytes {@code [from, to)} are {@code lower}, ignoring ASCII case. */
    private boolean nameIs(String lower, int from, int to) {
        return to - from == lower.length() && regionMatchesIgnoreCase(from, lower);
    }

    private boolean regionMatchesIgnoreCase(int from, String lower) {
        if (from + lower.length() > end) {
            return false;
        }
        for (int k = 0; k < lower.length(); k++) {
            int c = b[from + k];
            if (c >= 'A' && c <= 'Z') {
                c += 'a' - 'A';
            }
            if (c != lower.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    /** An attribute's value: "" when it has none; character references decoded as in an attribute. */
    private String value(int vs, int ve) {
        if (vs < 0) {
            return "";
        }
        String v = new String(b, vs, ve - vs, charset);
        if (v.indexOf('&') >= 0) {
            String common = unescapeCommon(v);
            v = common != null ? common : Parser.unescapeEntities(v, true);
        }
        return v.indexOf('\0') >= 0 ? v.replace('\0', '\uFFFD') : v;
    }

    /**
     * {@code v} with its character references decoded, when every one is of the few that links use
     * ({@code &amp; &lt; &gt; &quot; &apos;} and numeric references to printable ASCII, each ended by ';'), else
     * null: then jsoup decodes it (its decoder builds a parser and a document per call, ~50 us; these forms need
     * none of its rules, which {@code LinkScannerTest} holds to jsoup's output).
     */
    static String unescapeCommon(String v) {
        StringBuilder out = new StringBuilder(v.length());
        int i = 0;
        int n = v.length();
        while (i < n) {
            int amp = v.indexOf('&', i);
            if (amp < 0) {
                out.append(v, i, n);
                break;
            }
            out.append(v, i, amp);
            int semi = v.indexOf(';', amp + 1);
            if (semi < 0 || semi - amp > 8) {
                return null;
            }
            int c = reference(v, amp + 1, semi);
            if (c < 0) {
                return null;
            }
            out.append((char) c);
            i = semi + 1;
        }
        return out.toString();
    }

    /** The character of the reference {@code v[from, to)} (between '&' and ';'), or -1 if it is not a common one. */
    private static int reference(String v, int from, int to) {
        String name = v.substring(from, to);
        switch (name) {
            case "amp": return '&';
            case "lt": return '<';
            case "gt": return '>';
            case "quot": return '"';
            case "apos": return '\'';
            default: break;
        }
        if (name.length() < 2 || name.charAt(0) != '#') {
            return -1;
        }
        boolean hex = name.charAt(1) == 'x' || name.charAt(1) == 'X';
        int digits = hex ? 2 : 1;
        if (digits >= name.length()) {
            return -1;
        }
        int c = 0;
        for (int k = digits; k < name.length(); k++) {
            int d = Character.digit(name.charAt(k), hex ? 16 : 10);
            if (d < 0 || name.charAt(k) > 'f') {
                return -1;
            }
            c = c * (hex ? 16 : 10) + d;
        }
        return c >= 0x20 && c < 0x7f ? c : -1;
    }

    private boolean startsWith(String s, int at) {
        if (at + s.length() > end) {
            return false;
        }
        for (int k = 0; k < s.length(); k++) {
            if (b[at + k] != s.charAt(k)) {
                return false;
            }
        }
        return true;
    }

    private int indexOf(byte c, int from) {
        for (int i = from; i < end; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
    }

    private int indexOf(String s, int from) {
        byte first = (byte) s.charAt(0);
        for (int i = indexOf(first, from); i >= 0; i = indexOf(first, i + 1)) {
            if (startsWith(s, i)) {
                return i;
            }
        }
        return -1;
    }

    /** The position after the next {@code c} from {@code from}, or the end. */
    private int after(byte c, int from) {
        int i = indexOf(c, from);
        return i < 0 ? end : i + 1;
    }

    private static boolean isAlpha(byte c) {
        return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z';
    }

    private static final int SPACE = 1;
    private static final int SLASH = 2;
    private static final int GT = 4;
    private static final int EQUALS = 8;
    /** The tokenizer's delimiters by byte: one load per byte instead of a comparison per delimiter. */
    private static final byte[] DELIMITER = new byte[256];

    static {
        for (int c = 0; c < DELIMITER.length; c++) {
            if (isSpace(c)) {
                DELIMITER[c] = SPACE;
            }
        }
        DELIMITER['/'] = SLASH;
        DELIMITER['>'] = GT;
        DELIMITER['='] = EQUALS;
    }

    /** True if byte {@code c} is one of the delimiters in {@code mask}. */
    private static boolean is(byte c, int mask) {
        return (DELIMITER[c & 0xff] & mask) != 0;
    }

    private static boolean isSpace(int c) {
        return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
    }
}
