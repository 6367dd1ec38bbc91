package io.github.asyncio4j.crawler;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A crawl's state in SQLite under a directory ({@code --state DIR}): {@code DIR/crawl.db} in WAL mode, which a
 * user can open with {@code sqlite3}. The crawl runs on a {@link MemoryState}; every change is also queued, as an
 * {@link Op}, to a {@link BatchWriter} thread that commits it within {@link #LINGER_MILLIS} ms plus one commit
 * ({@code synchronous=FULL}: durable on disk). Opening a directory that holds a crawl resumes it: URLs recorded
 * done are done; URLs admitted but not done (waiting, or in flight when the last run stopped) wait again.
 *
 * <p>Invariant: the database always holds a prefix of the changes, in order, so a URL is never recorded done
 * before the links found on it are recorded admitted: after a crash, nothing found is lost, and what was fetched
 * but not yet recorded is fetched again. {@code DIR/lock} is held (an OS file lock) while the state is open, so
 * two crawls never share a directory.
 */
final class SqliteState implements CrawlState {
    /**
     * Longest wait before a change is committed (plus the commit itself): 200 ms, or the system property
     * {@code asyncio4j.crawler.stateLingerMillis} (tests that stop a crawl anywhere make it shorter).
     */
    static final long LINGER_MILLIS = Long.getLong("asyncio4j.crawler.stateLingerMillis", 200);
    /** Most changes in one transaction. */
    static final int MAX_BATCH = 5000;

    /** A change to write. */
    private sealed interface Op {
    }

    /** {@code wasExcluded}: the URL was recorded kept out before, and that record goes. */
    private record Admitted(Item item, boolean wasExcluded) implements Op {
    }

    /** A URL back in its host's queue after {@code tries}, not to be fetched before {@code notBefore} (epoch ms). */
    private record Retried(String url, int tries, long notBefore) implements Op {
    }

    /** A host paused until {@code until} (epoch ms), or given up for {@code givenUp} (else null). */
    private record HostState(String host, long until, String givenUp) implements Op {
    }

    /** {@code itemsOffset}: the {@code --output} file's length after the page's items, or -1. */
    private record Done(PageRecord page, long itemsOffset) implements Op {
    }

    private record Refused(String url, String rule) implements Op {
    }

    private record Excluded(String url, String rule) implements Op {
    }

    private record Validators(String url, String etag, String lastModified) implements Op {
    }

    private record Recrawled(int round, String url, String outcome) implements Op {
    }

    private final MemoryState memory;
    private final BatchWriter<Op> writer;
    private final Path dir;
    private final FileChannel lockChannel;
    private final boolean resumed;
    private final String storedItemsPath;
    private final long itemsOffset;
    private final Sink sink;
    /**
     * The crawl's round: 0 for the first crawl, one more for each {@code --recrawl} started; the report lists the
     * current round's pages.
     */
    private final int round;
    /** In a re-crawl: URL to what the rounds before recorded last (its validators from a 2xx response). */
    private final Map<String, Previous> previous = new HashMap<>();
    /** In a re-crawl: outcome to URLs, this round. */
    private final Map<String, Long> outcomes = new LinkedHashMap<>();

    private SqliteState(Path dir, FileChannel lockChannel, Connection db, boolean resumed, CrawlConfig config,
                        String itemsPath, long itemsOffset, int round) {
        this.memory = new MemoryState(config);
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.resumed = resumed;
        this.storedItemsPath = itemsPath;
        this.itemsOffset = itemsOffset;
        this.round = round;
        this.sink = new Sink(db, round);
        this.writer = new BatchWriter<>("crawl-state-writer", "--state " + dir, sink, LINGER_MILLIS, MAX_BATCH);
    }

    /**
     * Opens (creating it if needed) the state in {@code dir} for a crawl of {@code config}, resuming what it
     * holds. Blocking: call it before the crawl starts.
     *
     * With {@code config.recrawl()}, the crawl it holds is crawled again: if its last round is complete, a new
     * round starts, in which every URL with a page record waits again (and is fetched conditionally, with the
     * validators recorded); else the unfinished round resumes.
     *
     * @throws CrawlSetupException if {@code dir} cannot be used: not a directory, locked by another crawl, made
     *                             by a crawl with another scope, or not a crawl state; or, for a re-crawl, it holds
     *                             no crawl
     */
    static SqliteState open(Path dir, CrawlConfig config) {
        String where = "--state " + dir;
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new CrawlSetupException(where + ": cannot create the directory (" + e.getMessage() + ")");
        }
        FileChannel lock = null;
        Connection db = null;
        try {
            lock = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock held;
            try {
                held = lock.tryLock();
            } catch (OverlappingFileLockException e) {
                held = null;
            }
            if (held == null) {
                throw new CrawlSetupException(where + " is in use by another crawl (its lock is held)");
            }
            db = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("crawl.db"));
            try (Statement s = db.createStatement()) {
                s.execute("PRAGMA busy_timeout = 2000");
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = FULL");
                s.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS urls (id INTEGER PRIMARY KEY, url TEXT NOT NULL UNIQUE,"
                        + " redirects_left INTEGER NOT NULL, depth INTEGER NOT NULL, done INTEGER NOT NULL DEFAULT 0)");
                s.execute("CREATE TABLE IF NOT EXISTS pages (seq INTEGER PRIMARY KEY, url TEXT NOT NULL,"
                        + " status INTEGER, content_type TEXT, bytes INTEGER NOT NULL, links INTEGER NOT NULL,"
                        + " new_links INTEGER NOT NULL, redirect_to TEXT, error TEXT, ms INTEGER NOT NULL,"
                        + " tries INTEGER NOT NULL, at REAL NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS excluded (url TEXT PRIMARY KEY, rule TEXT NOT NULL)");
                s.execute("CREATE TABLE IF NOT EXISTS validators (url TEXT PRIMARY KEY, etag TEXT,"
                        + " last_modified TEXT)");
                s.execute("CREATE TABLE IF NOT EXISTS recrawls (round INTEGER NOT NULL, url TEXT NOT NULL,"
                        + " outcome TEXT NOT NULL)");
                if (!hasColumn(db, "pages", "round")) {     // a state made before re-crawls
                    s.execute("ALTER TABLE pages ADD COLUMN round INTEGER NOT NULL DEFAULT 0");
                }
                s.execute("CREATE TABLE IF NOT EXISTS hosts (host TEXT PRIMARY KEY,"
                        + " paused_until INTEGER NOT NULL DEFAULT 0, given_up TEXT)");
                addColumns(s);
                addColumnIfMissing(db, "pages", "stack", "TEXT");
            }
            Map<String, String> stored = new LinkedHashMap<>();
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT key, value FROM meta WHERE key LIKE 'scope:%' ORDER BY rowid")) {
                while (rs.next()) {
                    stored.put(rs.getString(1).substring("scope:".length()), rs.getString(2));
                }
            }
            Map<String, String> scope = CrawlScope.of(config);
            boolean resumed = !stored.isEmpty();
            if (config.recrawl() && !resumed) {     // before anything is written: the directory stays a non-crawl
                throw new CrawlSetupException("--recrawl: " + where + " holds no crawl to crawl again");
            }
            if (resumed) {
                String diff = CrawlScope.difference(stored, scope);
                if (diff != null) {
                    throw new CrawlSetupException(where + " holds a crawl with other options (" + diff
                            + "): run it with the same ones, or use another directory");
                }
            } else {
                try (PreparedStatement p = db.prepareStatement("INSERT INTO meta (key, value) VALUES (?, ?)")) {
                    for (Map.Entry<String, String> e : scope.entrySet()) {
                        p.setString(1, "scope:" + e.getKey());
                        p.setString(2, e.getValue());
                        p.executeUpdate();
                    }
                }
            }
            String itemsPath = null;
            long itemsOffset = 0;
            try (Statement s = db.createStatement();
                 ResultSet rs = s.executeQuery("SELECT key, value FROM meta WHERE key LIKE 'items:%'")) {
                while (rs.next()) {
                    switch (rs.getString(1)) {
                        case "items:path" -> itemsPath = rs.getString(2);
                        case "items:offset" -> itemsOffset = Long.parseLong(rs.getString(2));
                        default -> { }
                    }
                }
            }
            int round = config.recrawl() ? startRecrawl(db) : currentRound(db);
            SqliteState state = new SqliteState(dir, lock, db, resumed, config, itemsPath, itemsOffset, round);
            state.load(db);
            return state;
        } catch (SQLException e) {
            closeQuietly(db, lock);
            throw new CrawlSetupException(where + ": " + dir.resolve("crawl.db") + " cannot be used as a crawl "
                    + "state (" + firstLine(e.getMessage()) + ")", e);
        } catch (IOException e) {
            closeQuietly(db, lock);
            throw new CrawlSetupException(where + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(db, lock);
            throw e;
        }
    }

    private static boolean hasColumn(Connection db, String table, String column) throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                if (rs.getString("name").equalsIgnoreCase(column)) {
                    return true;
                }
            }
        }
        return false;
    }

    private static int currentRound(Connection db) throws SQLException {
        try (Statement s = db.createStatement();
             ResultSet rs = s.executeQuery("SELECT value FROM meta WHERE key = 'round'")) {
            return rs.next() ? Integer.parseInt(rs.getString(1)) : 0;
        }
    }

    /**
     * {@code --recrawl}: the round to run: a new one (every URL with a page record waiting again) if the last is
     * complete, else the last.
     */
    private static int startRecrawl(Connection db) throws SQLException {
        int round = currentRound(db);
        try (Statement s = db.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT EXISTS (SELECT 1 FROM urls WHERE done = 0)")) {
                if (rs.next() && rs.getInt(1) != 0) {
                    return round;       // a round stopped before its end: it resumes
                }
            }
            boolean autoCommit = db.getAutoCommit();
            db.setAutoCommit(false);
            try {
                s.executeUpdate("UPDATE urls SET done = 0 WHERE url IN (SELECT url FROM pages)");
                s.executeUpdate("INSERT OR REPLACE INTO meta (key, value) VALUES ('round', '" + (round + 1) + "')");
                db.commit();
            } catch (SQLException e) {
                db.rollback();
                throw e;
            } finally {
                db.setAutoCommit(autoCommit);
            }
        }
        return round + 1;
    }

    /**
     * The columns of {@code urls} that a state made before retries lacks: the tries made, the time before which a
     * retried URL waits (epoch ms, 0 for none), and a spider's label and metadata (JSON).
     */
    private static void addColumns(Statement s) throws SQLException {
        java.util.Set<String> have = new java.util.HashSet<>();
        try (ResultSet rs = s.executeQuery("PRAGMA table_info(urls)")) {
            while (rs.next()) {
                have.add(rs.getString("name"));
            }
        }
        String[][] wanted = {{"tries", "INTEGER NOT NULL DEFAULT 0"}, {"not_before", "INTEGER NOT NULL DEFAULT 0"},
                {"label", "TEXT"}, {"meta", "TEXT"}};
        for (String[] c : wanted) {
            if (!have.contains(c[0])) {
                s.execute("ALTER TABLE urls ADD COLUMN " + c[0] + " " + c[1]);
            }
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unknown error";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static void closeQuietly(Connection db, FileChannel lock) {
        try {
            if (db != null) {
                db.close();
            }
        } catch (SQLException ignored) {
            // already failing: the first error is the one reported
        }
        try {
            if (lock != null) {
                lock.close();
            }
        } catch (IOException ignored) {
            // as above
        }
    }

    /** Adds a column that states written by an earlier version lack. */
    private static void addColumnIfMissing(Connection db, String table, String column, String type)
            throws SQLException {
        try (Statement s = db.createStatement(); ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) {
                if (rs.getString("name").equals(column)) {
                    return;
                }
            }
        }
        try (Statement s = db.createStatement()) {
            s.execute("ALTER TABLE " + table + " ADD COLUMN " + column + " " + type);
        }
    }

    /**
     * Where the items of this crawl go ({@code --output}), and how long that file is to be when the crawl resumes:
     * the length recorded with the last page committed, so the file is cut back to the items of the pages recorded
     * done. Blocking; before the crawl starts. Null {@code file} (or standard output): no items are tracked.
     *
     * @return the offset to open {@code file} at (0: from the start)
     * @throws CrawlSetupException if the state's items went to another file
     */
    long itemsOutput(Path file) {
        if (file == null) {
            return 0;
        }
        String path = file.toAbsolutePath().normalize().toString();
        if (storedItemsPath != null && !storedItemsPath.equals(path) && itemsOffset > 0) {
            throw new CrawlSetupException("--state " + dir + " wrote its items to " + storedItemsPath
                    + ": give that --output to resume the crawl, or use another state directory");
        }
        sink.itemsPath = path;
        return storedItemsPath == null || !storedItemsPath.equals(path) ? 0 : itemsOffset;
    }

    /** The file whose bytes are made durable before each commit that records its length. */
    void syncItems(ItemFile file) {
        sink.itemsFile = file;
    }

    /** Reads what earlier runs recorded into the memory state (on the opening thread, before the writer runs). */
    private void load(Connection db) throws SQLException {
        try (Statement s = db.createStatement()) {
            try (ResultSet rs = s.executeQuery("SELECT url, redirects_left, done, depth, tries, not_before, label,"
                    + " meta FROM urls ORDER BY id")) {
                while (rs.next()) {     // in the order admitted: each host's queue as it was
                    String url = rs.getString(1);
                    if (rs.getInt(3) != 0) {
                        memory.restoreDone(url);
                    } else {
                        memory.restoreWaiting(new Item(URI.create(url), rs.getInt(2), rs.getInt(4), rs.getInt(5),
                                rs.getString(7), Meta.parse(rs.getString(8))), rs.getLong(6));
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT host, paused_until, given_up FROM hosts")) {
                while (rs.next()) {
                    memory.restoreHost(rs.getString(1), rs.getLong(2), rs.getString(3));
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT url, status, content_type, bytes, links, new_links,"
                    + " redirect_to, error, ms, tries, at, stack, round FROM pages ORDER BY seq")) {
                while (rs.next()) {
                    int status = rs.getInt(2);
                    Integer st = rs.wasNull() ? null : status;
                    PageRecord page = new PageRecord(rs.getString(1), st, rs.getString(3), rs.getLong(4),
                            rs.getInt(5), rs.getInt(6), rs.getString(7), rs.getString(8), rs.getLong(9),
                            rs.getInt(10), rs.getDouble(11), rs.getString(12));
                    if (rs.getInt(13) == round) {
                        memory.restorePage(page);
                    } else {
                        previous.put(page.url(), new Previous(page, null, null));   // the last record wins
                    }
                }
            }
            if (round > 0) {
                try (ResultSet rs = s.executeQuery("SELECT url, etag, last_modified FROM validators")) {
                    while (rs.next()) {
                        Previous p = previous.get(rs.getString(1));
                        Integer status = p == null ? null : p.page().status();
                        if (status != null && status >= 200 && status < 300) {
                            previous.put(p.page().url(), new Previous(p.page(), rs.getString(2), rs.getString(3)));
                        }
                    }
                }
                try (ResultSet rs = s.executeQuery("SELECT outcome, COUNT(*) FROM recrawls WHERE round = " + round
                        + " GROUP BY outcome")) {
                    while (rs.next()) {
                        outcomes.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            try (ResultSet rs = s.executeQuery("SELECT url, rule FROM excluded ORDER BY rowid")) {
                while (rs.next()) {
                    memory.restoreExcluded(rs.getString(1), rs.getString(2));
                }
            }
        }
    }

    /** True if the directory held a crawl when it was opened. */
    boolean resumed() {
        return resumed;
    }

    @Override
    public boolean isSeen(String url) {
        return memory.isSeen(url);
    }

    @Override
    public Admission add(Item item, long maxPages, long maxPerHost) {
        String url = item.url().toString();
        boolean wasExcluded = memory.isExcluded(url);
        Admission a = memory.add(item, maxPages, maxPerHost);
        if (a == Admission.ADDED) {
            writer.submit(new Admitted(item, wasExcluded));
        }
        return a;
    }

    @Override
    public Item claim() {
        return memory.claim();
    }

    @Override
    public void done(Item item, PageRecord page) {
        done(item, page, -1);
    }

    @Override
    public void done(Item item, PageRecord page, long itemsOffset) {
        writer.submit(new Done(page, itemsOffset));
        memory.done(item, page);
    }

    @Override
    public void refused(Item item, String rule) {
        writer.submit(new Refused(item.url().toString(), rule));
        memory.refused(item, rule);
    }

    @Override
    public void validators(String url, String etag, String lastModified) {
        writer.submit(new Validators(url, etag, lastModified));
    }

    @Override
    public Previous previous(String url) {
        return previous.get(url);
    }

    @Override
    public void recrawled(String url, String outcome) {
        writer.submit(new Recrawled(round, url, outcome));
        outcomes.merge(outcome, 1L, Long::sum);
    }

    @Override
    public Map<String, Long> recrawlOutcomes() {
        return new LinkedHashMap<>(outcomes);
    }

    @Override
    public void putBack(Item item) {
        memory.putBack(item);       // nothing to write: the URL waits, as recorded
    }

    @Override
    public void retry(Item item, double delaySeconds) {
        writer.submit(new Retried(item.url().toString(), item.tries(),
                System.currentTimeMillis() + Math.round(delaySeconds * 1000)));
        memory.retry(item, delaySeconds);
    }

    @Override
    public void pauseHost(String host, double seconds) {
        writer.submit(new HostState(host, System.currentTimeMillis() + Math.round(seconds * 1000), null));
        memory.pauseHost(host, seconds);
    }

    @Override
    public void giveUpHost(String host, String reason) {
        writer.submit(new HostState(host, 0, reason));
        memory.giveUpHost(host, reason);
    }

    @Override
    public String givenUp(String host) {
        return memory.givenUp(host);
    }

    @Override
    public void hostPolicy(String host, int limit, double delaySeconds) {
        memory.hostPolicy(host, limit, delaySeconds);   // not stored: a resumed crawl reads robots.txt again
    }

    @Override
    public void awaitHostTurn(String host) {
        memory.awaitHostTurn(host);
    }

    @Override
    public boolean startFeeding() {
        return memory.startFeeding();
    }

    @Override
    public void endFeeding() {
        memory.endFeeding();
    }

    @Override
    public void exclude(String url, String rule) {
        if (memory.recordExclusion(url, rule)) {
            writer.submit(new Excluded(url, rule));
        }
    }

    @Override
    public long waiting() {
        return memory.waiting();
    }

    @Override
    public boolean hasReady() {
        return memory.hasReady();
    }

    @Override
    public List<PageRecord> pages() {
        return memory.pages();
    }

    @Override
    public Map<String, String> excluded() {
        return memory.excluded();
    }

    @Override
    public List<String> unfinished() {
        return memory.unfinished();
    }

    /**
     * Commits what is queued and closes the database and the lock.
     * @throws CrawlWriteException if a commit failed (the database keeps the changes before it)
     */
    @Override
    public void close() {
        try {
            writer.close();
        } finally {
            try {
                lockChannel.close();
            } catch (IOException ignored) {
                // the lock goes with the process anyway
            }
        }
    }

    /** Writes batches of changes, each in one transaction, on the writer thread. */
    private static final class Sink implements BatchWriter.Sink<Op> {
        private final Connection db;
        private final PreparedStatement admit;
        private final PreparedStatement unexclude;
        private final PreparedStatement markDone;
        private final PreparedStatement page;
        private final PreparedStatement exclusion;
        private final PreparedStatement refusal;
        private final PreparedStatement setMeta;
        /** Set before the writer's first batch (then read on its thread: the queue's hand-off publishes it). */
        volatile String itemsPath;
        volatile ItemFile itemsFile;
        private boolean itemsPathWritten;
        private final PreparedStatement validators;
        private final PreparedStatement recrawl;
        private final int round;
        private final PreparedStatement retried;
        private final PreparedStatement paused;
        private final PreparedStatement gaveUp;

        Sink(Connection db, int round) {
            this.round = round;
            try {
                this.db = db;
                db.setAutoCommit(false);
                admit = db.prepareStatement("INSERT OR IGNORE INTO urls (url, redirects_left, depth, tries, label,"
                        + " meta) VALUES (?, ?, ?, ?, ?, ?)");
                retried = db.prepareStatement("UPDATE urls SET tries = ?, not_before = ? WHERE url = ?");
                paused = db.prepareStatement("INSERT INTO hosts (host, paused_until) VALUES (?, ?) ON CONFLICT (host)"
                        + " DO UPDATE SET paused_until = max(paused_until, excluded.paused_until)");
                gaveUp = db.prepareStatement("INSERT INTO hosts (host, given_up) VALUES (?, ?) ON CONFLICT (host)"
                        + " DO UPDATE SET given_up = excluded.given_up");
                unexclude = db.prepareStatement("DELETE FROM excluded WHERE url = ?");
                markDone = db.prepareStatement("UPDATE urls SET done = 1 WHERE url = ?");
                page = db.prepareStatement("INSERT INTO pages (url, status, content_type, bytes, links,"
                        + " new_links, redirect_to, error, ms, tries, at, stack, round)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)");
                validators = db.prepareStatement("INSERT OR REPLACE INTO validators (url, etag, last_modified)"
                        + " VALUES (?, ?, ?)");
                recrawl = db.prepareStatement("INSERT INTO recrawls (round, url, outcome) VALUES (?, ?, ?)");
                exclusion = db.prepareStatement("INSERT OR IGNORE INTO excluded (url, rule) VALUES (?, ?)");
                refusal = db.prepareStatement("INSERT OR REPLACE INTO excluded (url, rule) VALUES (?, ?)");
                setMeta = db.prepareStatement("INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)");
            } catch (SQLException e) {
                throw new CrawlSetupException("cannot prepare the state database: " + e.getMessage(), e);
            }
        }

        @Override
        public void write(List<Op> batch) throws Exception {
            long offset = -1;
            for (Op op : batch) {
                switch (op) {
                    case Admitted a -> {
                        Item item = a.item();
                        String url = item.url().toString();
                        admit.setString(1, url);
                        admit.setInt(2, item.redirectsLeft());
                        admit.setInt(3, item.depth());
                        admit.setInt(4, item.tries());
                        admit.setString(5, item.label());
                        admit.setString(6, Meta.format(item.meta()));
                        admit.executeUpdate();
                        if (a.wasExcluded()) {      // rare: a statement per admission only when needed
                            unexclude.setString(1, url);
                            unexclude.executeUpdate();
                        }
                    }
                    case Retried r -> {
                        retried.setInt(1, r.tries());
                        retried.setLong(2, r.notBefore());
                        retried.setString(3, r.url());
                        retried.executeUpdate();
                    }
                    case HostState h when h.givenUp() != null -> {
                        gaveUp.setString(1, h.host());
                        gaveUp.setString(2, h.givenUp());
                        gaveUp.executeUpdate();
                    }
                    case HostState h -> {
                        paused.setString(1, h.host());
                        paused.setLong(2, h.until());
                        paused.executeUpdate();
                    }
                    case Done d -> {
                        PageRecord p = d.page();
                        page.setString(1, p.url());
                        if (p.status() == null) {
                            page.setNull(2, Types.INTEGER);
                        } else {
                            page.setInt(2, p.status());
                        }
                        page.setString(3, p.contentType());
                        page.setLong(4, p.bytes());
                        page.setInt(5, p.links());
                        page.setInt(6, p.newLinks());
                        page.setString(7, p.redirectTo());
                        page.setString(8, p.error());
                        page.setLong(9, p.ms());
                        page.setInt(10, p.tries());
                        page.setDouble(11, p.at());
                        page.setString(12, p.stack());
                        page.setInt(13, round);
                        page.executeUpdate();
                        if (d.itemsOffset() >= 0) {
                            offset = d.itemsOffset();
                        }
                        markDone.setString(1, p.url());
                        markDone.executeUpdate();
                    }
                    case Refused r -> {
                        refusal.setString(1, r.url());
                        refusal.setString(2, r.rule());
                        refusal.executeUpdate();
                        markDone.setString(1, r.url());
                        markDone.executeUpdate();
                    }
                    case Excluded x -> {
                        exclusion.setString(1, x.url());
                        exclusion.setString(2, x.rule());
                        exclusion.executeUpdate();
                    }
                    case Validators v -> {
                        validators.setString(1, v.url());
                        validators.setString(2, v.etag());
                        validators.setString(3, v.lastModified());
                        validators.executeUpdate();
                    }
                    case Recrawled r -> {
                        recrawl.setInt(1, r.round());
                        recrawl.setString(2, r.url());
                        recrawl.setString(3, r.outcome());
                        recrawl.executeUpdate();
                    }
                }
            }
            if (offset >= 0 && itemsPath != null) {
                ItemFile file = itemsFile;
                if (file != null) {
                    file.sync();    // the items before the length that says they are there
                }
                if (!itemsPathWritten) {
                    meta("items:path", itemsPath);
                    itemsPathWritten = true;
                }
                meta("items:offset", Long.toString(offset));
            }
            db.commit();
        }

        private void meta(String key, String value) throws SQLException {
            setMeta.setString(1, key);
            setMeta.setString(2, value);
            setMeta.executeUpdate();
        }

        @Override
        public void close() throws SQLException {
            db.close();
        }
    }
}
