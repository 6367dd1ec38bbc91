import io.github.asyncio4j.crawler.Page;
import io.github.asyncio4j.crawler.Request;
import io.github.asyncio4j.crawler.Spider;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The spider the launcher trains the crawler's AOT cache with (./asyncio4j, run_crawler): it compiles, parses
 * with jsoup, selects, emits records and maps and follows with labels, so that those classes (javac's, jsoup's
 * DOM and selectors, Gson's reflective writers) are in the cache and a spider starts as fast as a crawl.
 */
public class TrainingSpider implements Spider {
    record Heading(String url, String title, int links, String label) {
    }

    @Override
    public void parse(Page page) {
        if ("text/html".equals(page.contentType())) {
            page.emit(new Heading(page.url().toString(), page.select("title").text(),
                    page.select("a[href]").size(), page.request().label()));
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("url", page.url());
            m.put("h1", page.document().selectFirst("h1") == null ? null : page.document().selectFirst("h1").text());
            page.emit(m);
        }
        for (var link : page.links()) {
            page.follow(new Request(link, "page", Map.of()).withMeta("from", page.url().toString()));
        }
    }
}
