"""Scrapy's twin of `asyncio4j crawl`: follow every link on one host, 100 requests at a time, obey robots.txt.

Run by bench/python/crawl_bench.py with Debian's /usr/bin/python3 (python3-scrapy). Prints one JSON line:
{"pages": responses received, "errors": failed requests, "seconds": wall time of the crawl}.
"""
import json
import sys
import time
from urllib.parse import urlparse

from scrapy import Request, Spider
from scrapy.crawler import CrawlerProcess
from scrapy.linkextractors import LinkExtractor


class SiteSpider(Spider):
    name = "site"

    def __init__(self, root, **kw):
        super().__init__(**kw)
        self.start_urls = [root]
        self.allowed_domains = [urlparse(root).hostname]
        self.links = LinkExtractor()   # the offsite middleware keeps the crawl on allowed_domains
        self.pages = 0
        self.errors = 0

    def start_requests(self):
        for url in self.start_urls:
            yield Request(url, callback=self.parse, errback=self.failed)

    def parse(self, response):
        self.pages += 1
        if b"text/html" in response.headers.get("Content-Type", b""):
            for link in self.links.extract_links(response):
                yield Request(link.url, callback=self.parse, errback=self.failed)

    def failed(self, failure):
        self.errors += 1


def main():
    root = sys.argv[1]
    process = CrawlerProcess(settings={
        "LOG_LEVEL": "ERROR",
        "CONCURRENT_REQUESTS": 100,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 100,
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
    print(json.dumps({"pages": spider.pages, "errors": spider.errors, "seconds": seconds}))


if __name__ == "__main__":
    main()
