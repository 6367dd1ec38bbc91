"""The politeness bound's arithmetic (politeness.py), by hand-worked cases. Run by BenchDriversTest (examples), or
`python3 -m unittest discover -s bench/python/drivers -p 'test_*.py'`."""
import unittest

import politeness as p

LATENCY, SLOW, WINDOW = 0.02, 0.5, 0.5


def host(kind, pages=20, delay=0.0, crawl_delay=1.0, per_host=2):
    return p.host_time(kind, pages, LATENCY, SLOW, crawl_delay, delay, per_host, WINDOW)


class PolitenessBoundTest(unittest.TestCase):
    def test_a_flaky_host_refuses_every_third_request_robots_txt_counted(self):
        self.assertEqual(p.flaky_requests(1), 2)        # robots.txt, then the page
        self.assertEqual(p.flaky_requests(2), 4)        # request 3 is answered 503
        self.assertEqual(p.flaky_requests(20), 31)      # requests 2 to 31 for pages, 10 of them (3, 6, ..., 30) 503

    def test_a_crawl_delay_host_spaces_every_request_robots_txt_included(self):
        # robots.txt at 0, the root at 1 s, 19 pages 1 s apart: the last starts at 20 s, answered 20 ms later
        self.assertAlmostEqual(host("crawl-delay"), 20.02)
        self.assertAlmostEqual(host("crawl-delay", crawl_delay=0.3, delay=1.0), 20.02)   # the larger of the two

    def test_a_rate_limited_host_lets_one_page_through_per_window(self):
        # the root at 20 ms (after robots.txt), then 19 pages 0.5 s apart
        self.assertAlmostEqual(host("rate-limited"), 0.02 + 19 * WINDOW + 0.02)

    def test_a_slow_host_is_bounded_by_its_per_host_slots(self):
        # robots.txt 0.52 s, the root 0.52 s, then 19 pages two at a time: 10 rounds of 0.52 s
        self.assertAlmostEqual(host("slow"), 0.52 * 12)
        self.assertAlmostEqual(host("slow", per_host=1), 0.52 * 21)

    def test_a_delay_spaces_a_normal_host(self):
        self.assertAlmostEqual(host("normal", delay=1.0), 20.02)
        self.assertAlmostEqual(host("normal"), 0.02 * 2 + 0.02 * 10)    # robots.txt, root, then 10 rounds of two

    def test_a_dead_host_costs_nothing(self):
        self.assertEqual(host("dead"), 0.0)
        b = p.bound({"dead": 5}, 20, LATENCY, SLOW, 1.0, 0.0, 2, 100, WINDOW)
        self.assertEqual(b["seconds"], 0.0)

    def test_the_bound_is_the_slowest_host_or_the_total_concurrency_whichever_is_longer(self):
        few = p.bound({"normal": 1, "crawl-delay": 1}, 20, LATENCY, SLOW, 1.0, 0.0, 2, 100, WINDOW)
        self.assertEqual(few["dominant"], "slowest crawl-delay host")
        self.assertAlmostEqual(few["seconds"], 20.02)
        many = p.bound({"normal": 10000}, 20, LATENCY, SLOW, 1.0, 0.0, 2, 100, WINDOW)
        self.assertEqual(many["dominant"], "all requests / 100 in flight")
        self.assertAlmostEqual(many["seconds"], 10000 * 21 * 0.02 / 100)


if __name__ == "__main__":
    unittest.main()
