package io.github.asyncio4j.examples.spiders;

import io.github.asyncio4j.crawler.Page;
import io.github.asyncio4j.crawler.Spider;
import org.jsoup.nodes.Element;

/**
 * Every documented function of the Python docs, with its signature and its page:
 * {@code ./asyncio4j spider examples/src/main/java/io/github/asyncio4j/examples/spiders/PythonFunctions.java
 * --output functions.csv https://docs.python.org/3/}. A function is a {@code dt} of a {@code dl.py.function} (one
 * per signature: {@code max} has two); the signature is the {@code dt}'s text without its permalink.
 */
public class PythonFunctions implements Spider {
    /** One signature of a documented function. */
    public record Function(String name, String signature, String page) {
    }

    /** Follows the page's links first, so that the crawl fetches them while this page's DOM is searched. */
    @Override
    public void parse(Page page) {
        page.followAll(page.links());
        if ("text/html".equals(page.contentType())) {
            for (Element dt : page.select("dl.py.function > dt")) {
                String name = dt.select(".sig-prename, .sig-name").text().replace(" ", "");
                Element sig = dt.clone();
                sig.select("a.headerlink").remove();
                page.emit(new Function(name, sig.text().strip(), page.url().toString()));
            }
        }
    }
}
