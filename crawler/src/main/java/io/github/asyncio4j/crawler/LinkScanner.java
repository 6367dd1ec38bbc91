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
 * <p><b>Fed block by block.</b> A page is scanned as its bytes arrive ({@link #feed}, then {@link #finish}) and
 * gives exactly the links of a scan of the whole page ({@link #scan}), wherever the blocks are split: between
 * blocks the scanner keeps only the tokenizer's state (in text, a comment, a CDATA section, a raw-text element, a
 * bogus comment) and the bytes of a construct it could not yet decide (a tag, a {@code <!} prefix, a partial end
 * tag or comment end): a few bytes as pages are written, more only for a tag that spans blocks. Only attribute
 * values are turned into strings; the body is read in place and not kept. A scanner is for one page, on one
 * thread. (UTF-16 and UTF-32 pages, which are rare, are kept whole and scanned at the end.)
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

    /** A carried construct this large is scanned again only once the carry has doubled (linear in all). */
    private static final int LARGE_CARRY = 4096;

    // The tokenizer's state between blocks.
    private static final int TEXT = 0;
    private static final int COMMENT = 1;
    private static final int CDATA = 2;
    private static final int BOGUS = 3;
    private static final int RAW_TEXT_MODE = 4;
    private static final int PLAINTEXT = 5;

    /** The bytes scanned now, {@code [pos, end)}: a fed block itself, or {@link #carry} with the block appended. */
    private byte[] b;
    private int end;
    private int pos;
    /** True in the scan of the last bytes of the page: the end of the bytes is the end of the page. */
    private boolean last;
    private int mode = TEXT;
    /** The raw-text element we are in ({@code RAW_TEXT_MODE}). */
    private String rawName;
    /** The undecided bytes kept from the last block, {@code [0, carried)}. */
    private byte[] carry = new byte[0];
    private int carried;
    /** Scan again once this many bytes are carried (see {@link #LARGE_CARRY}). */
    private int rescanAt;
    /** False until the first bytes (a byte-order mark) were looked at. */
    private boolean started;
    /** A page in UTF-16 or UTF-32: kept whole, scanned at the end as UTF-8. */
    private java.io.ByteArrayOutputStream wide;
    private Charset charset;
    private boolean charsetFixed;
    /**
     * The link targets found so far: each {@code href} without its fragment, once, in document order. A fragment
     * plays no part in resolving the rest (RFC 3986 5.2, {@code java.net.URL}), so a page's many links into one
     * page ({@code "#abs"}, {@code "functions.html#len"}, a source listing's thousands of {@code "#123"}) are kept
     * (and resolved) once: what a page costs between blocks grows with its distinct targets, not its size. Packed,
     * since a page of megabytes keeps thousands of them for as long as it streams in.
     */
    private final PackedStrings targets = new PackedStrings();
    private String base;
    private String refresh;

    /**
     * A scanner for one page; {@code charset} is the one the response named, or null: then a byte-order mark,
     * else a {@code <meta charset>}, else UTF-8 decides, as in jsoup.
     */
    LinkScanner(Charset charset) {
        this.charset = charset;
    }

    /**
     * The links of {@code body}, a whole HTML page at {@code pageUrl}: {@link #feed} and {@link #finish} at once.
     */
    static Found scan(byte[] body, Charset charset, String pageUrl) {
        LinkScanner s = new LinkScanner(charset);
        s.feed(body, 0, body.length);
        return s.finish(pageUrl);
    }

    /** Scans the next {@code length} bytes of the page; {@code block} is not kept (the caller may reuse it). */
    void feed(byte[] block, int offset, int length) {
        java.util.Objects.checkFromIndexSize(offset, length, block.length);
        if (wide != null) {
            wide.write(block, offset, length);
        } else if (mode != PLAINTEXT && length > 0) {
            if (carried == 0) {
                scanIn(block, offset, offset + length);     // in place: the usual case
            } else if (carried < LARGE_CARRY && length > LARGE_CARRY) {
                // A construct the last block cut (a tag, say): decided with this block's first bytes, after which
                // the block is scanned in place, not copied after the carry (a copy of each block of a big page)
                append(block, offset, LARGE_CARRY);
                scanIn(carry, 0, carried);
                if (carried <= LARGE_CARRY) {
                    int from = offset + LARGE_CARRY - carried;    // what is undecided lies in the bytes appended
                    carried = 0;
                    scanIn(block, from, offset + length);
                } else {
                    appendRest(block, offset + LARGE_CARRY, length - LARGE_CARRY);
                }
            } else {
                appendRest(block, offset, length);
            }
        }
    }

    /** The page's links, once all of it was {@link #feed fed}: resolved against {@code pageUrl} or its base. */
    Found finish(String pageUrl) {
        last = true;
        if (wide == null && mode != PLAINTEXT) {
            scanIn(carry, 0, carried);
        }
        if (wide != null) {
            byte[] utf8 = new String(wide.toByteArray(), charset).getBytes(StandardCharsets.UTF_8);
            wide = null;
            charset = StandardCharsets.UTF_8;
            scanIn(utf8, 0, utf8.length);
        }
        carry = null;
        Found found = resolve(pageUrl);
        targets.clear();    // not held while the page waits for the loop (the scanner lives as long as its page)
        return found;
    }

    /** The bytes kept between blocks now (for tests). */
    int carried() {
        return carried;
    }

    /** Carries {@code block}'s bytes after the construct being carried, scanned again once it is twice as long. */
    private void appendRest(byte[] block, int offset, int length) {
        append(block, offset, length);
        if (carried >= rescanAt) {
            scanIn(carry, 0, carried);
        }
    }

    private void append(byte[] block, int offset, int length) {
        if (carried + length > carry.length) {
            carry = java.util.Arrays.copyOf(carry, Math.max(carried + length, Math.max(64, carry.length * 2)));
        }
        System.arraycopy(block, offset, carry, carried, length);
        carried += length;
    }

    /** Scans {@code bytes[from, to)} and keeps what is left undecided in {@link #carry}. */
    private void scanIn(byte[] bytes, int from, int to) {
        b = bytes;
        pos = from;
        end = to;
        if (!started && !start()) {
            keep(from);
            return;
        }
        if (wide != null) {
            wide.write(b, pos, end - pos);
            carried = 0;
            b = null;
            return;
        }
        run();
        keep(pos);
        rescanAt = carried >= LARGE_CARRY ? 2 * carried : 0;
        b = null;
    }

    /** Keeps {@code b[from, end)} as the carry (moved to its start when the carry is what was scanned). */
    private void keep(int from) {
        int n = last ? 0 : end - from;
        if (b == carry) {
            System.arraycopy(carry, from, carry, 0, n);
            carried = n;
        } else {
            carried = 0;
            append(b, from, n);
        }
    }

    /**
     * Looks at the page's first bytes: a byte-order mark wins over the header, as in browsers and jsoup. Returns
     * false when fewer than three bytes are there yet.
     */
    private boolean start() {
        int n = end - pos;
        if (n < 3 && !last) {
            return false;
        }
        started = true;
        if (n >= 3 && (b[pos] & 0xff) == 0xEF && (b[pos + 1] & 0xff) == 0xBB && (b[pos + 2] & 0xff) == 0xBF) {
            charset = StandardCharsets.UTF_8;
            pos += 3;
        } else if (n >= 2 && ((b[pos] & 0xff) == 0xFE && (b[pos + 1] & 0xff) == 0xFF
                || (b[pos] & 0xff) == 0xFF && (b[pos + 1] & 0xff) == 0xFE)) {
            charset = StandardCharsets.UTF_16;
        }
        charsetFixed = charset != null;
        if (charset != null && !asciiCompatible(charset)) {
            wide = new java.io.ByteArrayOutputStream();   // tags are not single bytes: scanned as UTF-8 at the end
        } else if (charset == null) {
            charset = StandardCharsets.UTF_8;
        }
        return true;
    }

    private static boolean asciiCompatible(Charset c) {
        String n = c.name().toUpperCase(Locale.ROOT);
        return !n.startsWith("UTF-16") && !n.startsWith("UTF-32") && !n.startsWith("UTF_32");
    }

    // --- the tokenizer's decisions --------------------------------------------------------------------------

    /**
     * Scans from {@code pos} until the bytes run out; leaves {@code pos} at the first byte to keep for the next
     * block (the end when there is none).
     */
    private void run() {
        boolean going = true;
        while (going) {
            going = switch (mode) {
                case TEXT -> text();
                case COMMENT -> comment();
                case CDATA -> cdata();
                case BOGUS -> bogus();
                case RAW_TEXT_MODE -> rawText();
                default -> {
                    pos = end;     // PLAINTEXT: the rest of the page is text
                    yield false;
                }
            };
        }
    }

    /**
     * The bytes from {@code from} are the start of a construct that the bytes so far do not decide: kept for the
     * next block, or, at the page's end, read as the tokenizer reads a construct cut by the end of the page (the
     * scan ends).
     */
    private boolean needMore(int from) {
        pos = last ? end : from;
        return false;
    }

    /** In text: the next {@code <} and what follows it. Returns false when the bytes ran out. */
    private boolean text() {
        int lt = indexOf((byte) '<', pos);
        if (lt < 0) {
            pos = end;
            return false;
        }
        if (lt + 1 >= end) {
            return needMore(lt);                         // at the page's end a last '<' is text
        }
        pos = lt + 1;
        byte c = b[pos];
        if (c == '!') {
            return markupDeclaration(lt);
        } else if (c == '?') {
            mode = BOGUS;                                // bogus comment
        } else if (c == '/') {
            pos++;
            if (pos >= end) {
                return needMore(lt);
            }
            if (isAlpha(b[pos])) {
                return tagAt(lt, false);
            } else if (b[pos] == '>') {
                pos++;                                   // "</>": nothing
            } else {
                mode = BOGUS;                            // bogus comment
            }
        } else if (isAlpha(c)) {
            return tagAt(lt, true);
        }
        // any other byte after '<': the '<' was text
        return true;
    }

    /** A tag whose {@code <} is at {@code lt} and name at {@code pos}. */
    private boolean tagAt(int lt, boolean start) {
        String raw = tag(start);
        if (raw == INCOMPLETE) {
            return needMore(lt);                         // at the page's end: EOF in a tag drops the tag
        }
        if (raw != null) {
            rawName = raw;
            mode = raw.equals("plaintext") ? PLAINTEXT : RAW_TEXT_MODE;
        }
        return true;
    }

    /** After {@code <!} (at {@code lt}): a comment, a CDATA section, or a declaration ending at the next {@code >}. */
    private boolean markupDeclaration(int lt) {
        pos++;
        int comment = match("--", pos);
        if (comment > 0) {
            pos += 2;
            if (pos >= end) {
                return needMore(lt);
            }
            if (b[pos] == '>') {                         // "<!-->"
                pos++;
                return true;
            }
            int shortest = match("->", pos);
            if (shortest < 0) {
                return needMore(lt);
            }
            if (shortest > 0) {                          // "<!--->"
                pos += 2;
                return true;
            }
            mode = COMMENT;
            return true;
        }
        int cdata = comment < 0 ? -1 : match("[CDATA[", pos);
        if (comment < 0 || cdata < 0) {
            return needMore(lt);
        }
        if (cdata > 0) {
            pos += 7;
            mode = CDATA;
        } else {
            mode = BOGUS;
        }
        return true;
    }

    /** In a comment: up to its {@code -->} or {@code --!>}. */
    private boolean comment() {
        while (true) {
            int dash = indexOf((byte) '-', pos);
            if (dash < 0) {
                pos = end;
                return false;
            }
            int close = match("-->", dash);
            if (close > 0) {
                pos = dash + 3;
                mode = TEXT;
                return true;
            }
            int bang = match("--!>", dash);
            if (bang > 0) {
                pos = dash + 4;
                mode = TEXT;
                return true;
            }
            if (close < 0 || bang < 0) {
                pos = dash;                              // a possible end cut by the block's end
                return false;
            }
            pos = dash + 1;
        }
    }

    /** In a CDATA section: up to its {@code ]]>}. */
    private boolean cdata() {
        while (true) {
            int bracket = indexOf((byte) ']', pos);
            if (bracket < 0) {
                pos = end;
                return false;
            }
            int close = match("]]>", bracket);
            if (close > 0) {
                pos = bracket + 3;
                mode = TEXT;
                return true;
            }
            if (close < 0) {
                pos = bracket;
                return false;
            }
            pos = bracket + 1;
        }
    }

    /** In a bogus comment or a declaration: up to the next {@code >}. */
    private boolean bogus() {
        int gt = indexOf((byte) '>', pos);
        if (gt < 0) {
            pos = end;
            return false;
        }
        pos = gt + 1;
        mode = TEXT;
        return true;
    }

    /** A marker {@link #tag} returns when the bytes ran out inside the tag before the page's end. */
    private static final String INCOMPLETE = new String("incomplete");

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
                return last ? null : INCOMPLETE;         // EOF in a tag: the tag is dropped
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
                    int hash = href.indexOf('#');
                    targets.add(hash < 0 ? href : href.substring(0, hash));
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

    /** In a raw-text element: up to its end tag ({@code </name} then a space, '/' or '>'), read as a tag. */
    private boolean rawText() {
        for (int lt = indexOf((byte) '<', pos); lt >= 0; lt = indexOf((byte) '<', lt + 1)) {
            int m = endTag(lt);
            if (m > 0) {
                pos = lt;
                mode = TEXT;
                return true;
            }
            if (m < 0) {
                pos = lt;
                return false;
            }
        }
        pos = end;
        return false;
    }

    /**
     * Whether {@code b[lt...]} is the end tag of {@link #rawName}: 1 yes, 0 no, -1 when the block ends before that
     * is decided. At the page's end, {@code </name} and the end of the page count as one.
     */
    private int endTag(int lt) {
        int n = rawName.length() + 2;
        for (int k = 1; k <= n; k++) {
            if (lt + k >= end) {
                return last ? (k == n ? 1 : 0) : -1;
            }
            int c = b[lt + k];
            if (k == 1) {
                if (c != '/') {
                    return 0;
                }
            } else if (k < n) {
                if (c >= 'A' && c <= 'Z') {
                    c += 'a' - 'A';
                }
                if (c != rawName.charAt(k - 2)) {
                    return 0;
                }
            } else if (!is((byte) c, SPACE | SLASH | GT)) {
                return 0;
            }
        }
        return 1;
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
        for (int i = 0; i < targets.size(); i++) {
            String abs = parsed.resolve(targets.get(i));
            int absHash = abs.indexOf('#');
            if (!abs.isEmpty()) {
                links.add(absHash < 0 ? abs : abs.substring(0, absHash));
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

    /**
     * Whether the bytes at {@code at} are {@code s}: 1 yes, 0 no, -1 when the bytes there are a proper start of
     * {@code s} cut by the block's end (never at the page's end: then they are not {@code s}).
     */
    private int match(String s, int at) {
        int n = Math.min(s.length(), end - at);
        for (int k = 0; k < n; k++) {
            if (b[at + k] != s.charAt(k)) {
                return 0;
            }
        }
        return n == s.length() ? 1 : last ? 0 : -1;
    }

    private int indexOf(byte c, int from) {
        for (int i = from; i < end; i++) {
            if (b[i] == c) {
                return i;
            }
        }
        return -1;
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
