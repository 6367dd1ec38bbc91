"""Scrapy's twin of examples/.../spiders/PythonFunctions.java, for `bench spider`: every `dl.py.function > dt` of
the Python docs as {"name", "signature", "page"}, parsel CSS, every link on the host followed, 100 requests at a
time, robots.txt obeyed. Run with Debian's /usr/bin/python3 (python3-scrapy): scrapy_functions.py ROOT OUT.jsonl.
The signature is the dt's text without its permalink, whitespace collapsed and trimmed, as jsoup's text() gives it.
"""
import sys
from urllib.parse import urlparse

from scrapy import Spider
from scrapy.crawler import CrawlerProcess
from scrapy.http import TextResponse


def text(sel):
    return " ".join("".join(sel.xpath(".//text()").getall()).split())


class Functions(Spider):
    name = "functions"

    def __init__(self, root, **kw):
        super().__init__(**kw)
        self.start_urls = [root]
        self.allowed_domains = [urlparse(root).hostname]

    def parse(self, response):
        if not isinstance(response, TextResponse):
            return
        for dt in response.css("dl.py.function > dt"):
            name = "".join(dt.css(".sig-prename ::text, .sig-name ::text").getall()).replace(" ", "")
            sig = " ".join("".join(dt.xpath(".//text()[not(ancestor::a[contains(@class, 'headerlink')])]")
                                   .getall()).split())
            yield {"name": name, "signature": sig, "page": response.url}
        if b"text/html" in response.headers.get("Content-Type", b""):
            yield from response.follow_all(css="a::attr(href)")


def main():
    root, out = sys.argv[1], sys.argv[2]
    process = CrawlerProcess(settings={
        "CONCURRENT_REQUESTS": 100,
        "CONCURRENT_REQUESTS_PER_DOMAIN": 100,
        "LOG_LEVEL": "ERROR",
        "ROBOTSTXT_OBEY": True,
        "TELNETCONSOLE_ENABLED": False,
        "COOKIES_ENABLED": False,
        "FEEDS": {out: {"format": "jsonlines", "encoding": "utf8", "overwrite": True}},
    })
    process.crawl(Functions, root=root)
    process.start()


if __name__ == "__main__":
    main()
