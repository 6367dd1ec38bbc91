"""Scrapy's twin of `asyncio4j crawl`: follow every link on one host, 100 requests at a time, obey robots.txt.

Run by bench/python/crawl_bench.py with Debian's /usr/bin/python3 (python3-scrapy). Prints one JSON line:
{"pages": responses received, "errors": failed requests, "seconds": wall time of the crawl}.
Options: --default-concurrency (Scrapy's defaults, 16 requests and 8 per domain, instead of 100), --urls FILE
(write the URL of every response received, one a line).
"""
import json
import sys
import time
from urllib.parse import urlparse

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor


class FollowingSpider(Spider):
    """Follows every link of every HTML response it gets; counts responses (`pages`) and failed requests
    (`errors`), and with record=True keeps each response's URL (`seen`). Subclasses say where it starts."""

    def __init__(self, record=False, **kw):
        super().__init__(**kw)
        self.links = LinkExtractor()
        self.pages = 0
        self.errors = 0
        self.seen = [] if record else None

    def parse(self, response):
        self.pages += 1
        if self.seen is not None:
            self.seen.append(response.url)
        if b"text/html" in response.headers.get("Content-Type", b""):
            for link in self.links.extract_links(response):
                yield Request(link.url, callback=self.parse, errback=self.failed)

    def failed(self, failure):
        self.errors += 1


class SiteSpider(FollowingSpider):
    name = "site"

    def __init__(self, root, **kw):
        super().__init__(record=True, **kw)
        self.start_urls = [root]
        self.allowed_domains = [urlparse(root).hostname]   # the offsite middleware keeps the crawl on the host

    def start_requests(self):
        for url in self.start_urls:
            yield Request(url, callback=self.parse, errback=self.failed)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    root = args[0]
    urls_file = sys.argv[sys.argv.index("--urls") + 1] if "--urls" in sys.argv else None
    concurrency = {} if "--default-concurrency" in sys.argv else {
        "CONCURRENT_REQUESTS": 100,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 100,
    }
    process = CrawlerProcess(settings={
        **concurrency,
        "LOG_LEVEL": "ERROR",
        "ROBOTSTXT_OBEY": True,
        "HTTPERROR_ALLOW_ALL": True,
        "RETRY_TIMES": 3,
        "DOWNLOAD_TIMEOUT": 10,
        "DOWNLOAD_MAXSIZE": 10 * 1024 * 1024,
        "REDIRECT_MAX_TIMES": 10,
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "USER_AGENT": "scrapy-bench",
    })
    crawler = process.create_crawler(SiteSpider)
    start = time.monotonic()
    process.crawl(crawler, root=root)
    process.start()
    seconds = time.monotonic() - start
    spider = crawler.spider
    if urls_file:
        with open(urls_file, "w") as f:
            f.writelines(u + "\n" for u in spider.seen)
    print(json.dumps({"pages": spider.pages, "errors": spider.errors, "seconds": seconds}))


if __name__ == "__main__":
    main()
