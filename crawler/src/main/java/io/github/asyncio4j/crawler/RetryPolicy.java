package io.github.asyncio4j.crawler;

import io.github.asyncio4j.TimeoutError;
import io.github.asyncio4j.http.HttpTimeoutException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.concurrent.ThreadLocalRandom;
import javax.net.ssl.SSLException;

/**
 * What is tried again, and when: answers 408, 429, 500, 502, 503 and 504 and every failed fetch are retried (up to
 * the crawl's tries) after an exponential backoff with jitter, unless the answer's {@code Retry-After} says when;
 * a host whose connections fail {@link #GIVE_UP_AFTER} times in a row (refused, unreachable, its name unknown, its
 * TLS handshake failed, its connect timing out) is given up. Stateless.
 */
final class RetryPolicy {
    /** The backoff before the first retry, before jitter, in seconds; it doubles with each try. */
    static final double BACKOFF_BASE = 0.25;
    /** The longest backoff, in seconds. */
    static final double BACKOFF_CAP = 30;
    /** Connection failures in a row (no answer from the host between them) after which a host is given up. */
    static final int GIVE_UP_AFTER = 3;

    private RetryPolicy() {
    }

    /** True for the statuses a later try may answer otherwise: 408, 429, 500, 502, 503, 504. */
    static boolean retriable(int status) {
        return status == 408 || status == 429 || status == 500 || status == 502 || status == 503 || status == 504;
    }

    /**
     * The wait before try {@code tries + 1}, after {@code tries} failed: {@code b = min(cap, base * 2^(tries-1))},
     * then a uniform pick in {@code [b/2, b)} ("equal jitter": it grows with every try, yet URLs that failed
     * together do not come back together).
     */
    static double backoff(int tries) {
        double b = Math.min(BACKOFF_CAP, BACKOFF_BASE * Math.pow(2, Math.max(0, tries - 1)));
        return b / 2 + ThreadLocalRandom.current().nextDouble() * b / 2;
    }

    /**
     * A {@code Retry-After} value in seconds from {@code nowEpochMillis}: delta-seconds, or an HTTP date (IMF-fixdate,
     * RFC 9110; a date past is 0); -1 if absent or malformed.
     */
    static double retryAfter(String value, long nowEpochMillis) {
        if (value == null) {
            return -1;
        }
        String v = value.strip();
        if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return v.length() > 9 ? Double.MAX_VALUE : Long.parseLong(v);
        }
        try {
            long at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant().toEpochMilli();
            return Math.max(0, (at - nowEpochMillis) / 1000.0);
        } catch (DateTimeParseException e) {
            return -1;
        }
    }

    /** True if {@code e} says the host could not be reached at all (not that a request to it failed). */
    static boolean isConnectionFailure(Throwable e) {
        return e instanceof ConnectException || e instanceof NoRouteToHostException
                || e instanceof UnknownHostException || e instanceof UnresolvedAddressException
                || e instanceof SSLException
                || e instanceof HttpTimeoutException t && t.kind() == HttpTimeoutException.Kind.CONNECT;
    }

    /** The cause a retry is counted under in the report: {@code "HTTP 503"}, {@code "timeout"}, ... */
    static String cause(int status) {
        return "HTTP " + status;
    }

    /**
     * {@link #cause(int)} for a failed fetch: {@code "DNS failure"}, {@code "timeout"}, {@code "connection failure"}
     * or its class.
     */
    static String cause(Throwable e) {
        if (e instanceof io.github.asyncio4j.http.DnsException) {
            return "DNS failure";       // a name that does not resolve: named apart from a refused connection
        }
        if (isConnectionFailure(e)) {
            return "connection failure";
        }
        return e instanceof TimeoutError ? "timeout" : e.getClass().getSimpleName();
    }
}
