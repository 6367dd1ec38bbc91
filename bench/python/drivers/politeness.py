"""The politeness bound of a DemoWeb crawl (bench crawl --broad): the shortest wall time in which any crawler that
keeps the web's rules could fetch every reachable page, computed from those rules alone.

The rules (crawler/.../DemoWeb.java): every answer takes `latency` s, a slow host's `latency + slow` s; a host's
robots.txt must be read before its pages, and its root before the pages it links to; at most `per_host` requests
in flight to one host and at most `concurrency` in all; two requests to one host start at least `delay` s apart
(at least `crawl_delay` s on a Crawl-delay host, robots.txt included, as the server measures every request); a
rate-limited host lets one page through per `rate_window` s (an ideal crawler, knowing the window, is never
answered 429); a flaky host answers 503 to every third request it receives (robots.txt included in the count), so
its pages cost more requests than pages whatever the crawler does; a dead host costs nothing.

The bound is the larger of the slowest host's own time (its chain: robots.txt, root, the rest at `per_host` at a
time and `delay` apart) and the total request-seconds divided by `concurrency`. It ignores connection set-up,
CPU and process start-up: a real crawl can come near it, never under it.
"""
import math

KINDS = ("normal", "rate-limited", "flaky", "slow", "dead", "crawl-delay")


def flaky_requests(pages):
    """Requests a flaky host receives for robots.txt and `pages` pages answered 200 (every third request 503)."""
    requests, ok = 1, 0      # request 1: robots.txt, never refused
    while ok < pages:
        requests += 1
        if requests % 3 != 0:
            ok += 1
    return requests


def host_time(kind, pages, latency, slow, crawl_delay, delay, per_host, rate_window):
    """The shortest time from a host's first request (robots.txt) to the end of its last answer."""
    if kind == "dead":
        return 0.0
    service = latency + (slow if kind == "slow" else 0.0)
    gap = max(delay, crawl_delay if kind == "crawl-delay" else 0.0)
    requests = flaky_requests(pages) if kind == "flaky" else 1 + pages
    root_start = max(service, gap)                 # after robots.txt's answer, and its gap
    end = root_start + service
    rest = requests - 2                            # the pages the root links to (and a flaky host's 503s)
    if rest > 0:
        first = max(end, root_start + gap)
        span = max((rest - 1) * gap, (math.ceil(rest / per_host) - 1) * service)
        end = first + span + service
    if kind == "rate-limited":                     # one page per window, the root's included
        end = max(end, root_start + (pages - 1) * rate_window + service)
    return end


def bound(hosts_by_kind, pages, latency, slow, crawl_delay, delay, per_host, concurrency, rate_window):
    """The politeness bound, in seconds, with its terms: {"seconds", "dominant", "terms": {name: seconds}}."""
    terms = {}
    work = 0.0
    for kind, n in hosts_by_kind.items():
        if n == 0 or kind == "dead":
            continue
        terms["slowest " + kind + " host"] = host_time(kind, pages, latency, slow, crawl_delay, delay, per_host,
                                                       rate_window)
        service = latency + (slow if kind == "slow" else 0.0)
        requests = flaky_requests(pages) if kind == "flaky" else 1 + pages
        work += n * requests * service
    terms["all requests / %d in flight" % concurrency] = work / concurrency
    dominant = max(terms, key=terms.get)
    return {"seconds": terms[dominant], "dominant": dominant, "terms": terms}
