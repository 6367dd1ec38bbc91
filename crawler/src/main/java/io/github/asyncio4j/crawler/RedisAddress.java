package io.github.asyncio4j.crawler;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * Where a shared frontier lives: {@code redis://HOST:PORT[/DB]} (port 6379 and database 0 when left out).
 *
 * @param host the host name or address
 * @param port the TCP port
 * @param db   the database number
 */
record RedisAddress(String host, int port, int db) {
    /**
     * Parses {@code redis://HOST[:PORT][/DB]}.
     *
     * @throws CrawlSetupException naming the mistake if {@code text} is not such a URL
     */
    static RedisAddress parse(String text) {
        String expected = "--frontier wants redis://HOST:PORT[/DB], not '" + text + "'";
        URI u;
        try {
            u = new URI(text);
        } catch (URISyntaxException e) {
            throw new CrawlSetupException(expected);
        }
        if (!"redis".equalsIgnoreCase(u.getScheme()) || u.getHost() == null || u.getRawQuery() != null
                || u.getRawUserInfo() != null) {
            throw new CrawlSetupException(expected);
        }
        int db = 0;
        String path = u.getPath();
        if (path != null && !path.isEmpty() && !path.equals("/")) {
            try {
                db = Integer.parseInt(path.substring(1));
            } catch (NumberFormatException e) {
                throw new CrawlSetupException(expected + " (the database is a number)");
            }
            if (db < 0) {
                throw new CrawlSetupException(expected + " (the database is a number)");
            }
        }
        return new RedisAddress(u.getHost(), u.getPort() == -1 ? 6379 : u.getPort(), db);
    }

    @Override
    public String toString() {
        return "redis://" + host + ":" + port + "/" + db;
    }
}
