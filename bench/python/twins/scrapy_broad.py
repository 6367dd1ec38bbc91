"""Scrapy's side of `bench crawl --broad`: a broad crawl from a seeds file, with the settings of Scrapy's "Broad
Crawls" documentation page, at the politeness asyncio4j is given (bench/python/drivers/broad_bench.py).

    scrapy_broad.py SEEDS [--concurrency 100] [--per-host 2] [--tries 10] [--delay 0]

Run with Debian's /usr/bin/python3 (python3-scrapy). Follows every link (each seed's host is crawled whole: the
web's links stay on the seeds' hosts). Prints one JSON line: {"responses", "errors", "seconds"}; the server, not
this, counts what was fetched.

The settings, from the Broad Crawls page unless noted:
- CONCURRENT_REQUESTS: the total concurrency asyncio4j gets (--max-tasks).
- CONCURRENT_REQUESTS_PER_DOMAIN = 2 (asyncio4j's --per-host 2), not CONCURRENT_REQUESTS_PER_IP: the hosts are IP
  literals, one IP each, so both give each host its own slot, and DownloaderAwarePriorityQueue (which the page
  recommends) refuses CONCURRENT_REQUESTS_PER_IP.
- SCHEDULER_PRIORITY_QUEUE = DownloaderAwarePriorityQueue; REACTOR_THREADPOOL_MAXSIZE = 20; LOG_LEVEL = INFO;
  COOKIES_ENABLED = False; AJAXCRAWL_ENABLED = True; REDIRECT_ENABLED = False; DOWNLOAD_TIMEOUT = 15;
  breadth-first order (DEPTH_PRIORITY = 1 with the FIFO queues).
- Retries ON, unlike the page's advice to disable them (the comparison is of coverage too): RETRY_TIMES = tries - 1
  (the same attempts per URL as asyncio4j's --max-tries), with 429 and 503 among RETRY_HTTP_CODES (Scrapy's
  default list). Scrapy does not honour Retry-After nor robots.txt's Crawl-delay.
- ROBOTSTXT_OBEY = True.
- DOWNLOAD_DELAY = --delay, RANDOMIZE_DOWNLOAD_DELAY = False (Scrapy's default draws each delay from 0.5x to 1.5x:
  the delay would then not be a minimum, as asyncio4j's --delay is).
"""
import argparse
import json
import time

from scrapy import Request
from scrapy.crawler import CrawlerProcess

from scrapy_crawl import FollowingSpider


class BroadSpider(FollowingSpider):
    name = "broad"

    def __init__(self, seeds, **kw):
        super().__init__(**kw)
        self.seeds = seeds

    def start_requests(self):
        with open(self.seeds) as f:          # streamed, as asyncio4j reads --seeds
            for line in f:
                url = line.strip()
                if url and not url.startswith("#"):
                    yield Request(url, callback=self.parse, errback=self.failed)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("seeds")
    ap.add_argument("--concurrency", type=int, default=100)
    ap.add_argument("--per-host", type=int, default=2)
    ap.add_argument("--tries", type=int, default=10)
    ap.add_argument("--delay", type=float, default=0)
    args = ap.parse_args()
    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": args.concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": args.per_host,
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "REACTOR_THREADPOOL_MAXSIZE": 20,
        "LOG_LEVEL": "INFO",
        "COOKIES_ENABLED": False,
        "RETRY_ENABLED": True,
        "RETRY_TIMES": args.tries - 1,
        "RETRY_HTTP_CODES": [500, 502, 503, 504, 522, 524, 408, 429],
        "DOWNLOAD_TIMEOUT": 15,
        "REDIRECT_ENABLED": False,
        "AJAXCRAWL_ENABLED": True,
        "DEPTH_PRIORITY": 1,
        "SCHEDULER_DISK_QUEUE": "scrapy.squeues.PickleFifoDiskQueue",
        "SCHEDULER_MEMORY_QUEUE": "scrapy.squeues.FifoMemoryQueue",
        "ROBOTSTXT_OBEY": True,
        "DOWNLOAD_DELAY": args.delay,
        "RANDOMIZE_DOWNLOAD_DELAY": False,
        "TELNETCONSOLE_ENABLED": False,
        "USER_AGENT": "scrapy-bench",
    })
    crawler = process.create_crawler(BroadSpider)
    start = time.monotonic()
    process.crawl(crawler, seeds=args.seeds)
    process.start()
    spider = crawler.spider
    print(json.dumps({"responses": spider.pages, "errors": spider.errors, "seconds": time.monotonic() - start}))


if __name__ == "__main__":
    main()
