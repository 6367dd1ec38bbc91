package io.github.asyncio4j.examples.spiders;

import io.github.asyncio4j.crawler.Page;
import io.github.asyncio4j.crawler.Request;
import io.github.asyncio4j.crawler.Spider;
import java.net.URI;

/**
 * Every SQL command's synopsis from the PostgreSQL docs:
 * {@code ./asyncio4j spider examples/src/main/java/io/github/asyncio4j/examples/spiders/SqlSynopses.java
 * --output synopses.jsonl https://www.postgresql.org/docs/current/}. Labels route: a link to a page named
 * {@code sql-NAME.html} (the commands' reference pages, and a few chapters such as {@code sql-syntax.html}) is
 * followed with the label {@code command}, and only those pages are read: one with a name and a synopsis is a
 * command. Every other in-scope link is followed plain, to find them.
 */
public class SqlSynopses implements Spider {
    /** A command, its synopsis (as the docs lay it out, line breaks kept) and its page. */
    public record Command(String command, String synopsis, String page) {
    }

    @Override
    public void parse(Page page) {
        if ("command".equals(page.request().label())) {
            String name = page.select("div.refnamediv h2").text();
            String synopsis = page.select("div.refsynopsisdiv pre.synopsis").eachText().isEmpty() ? null
                    : page.select("div.refsynopsisdiv pre.synopsis").first().wholeText().strip();
            if (!name.isEmpty() && synopsis != null) {
                page.emit(new Command(name, synopsis, page.url().toString()));
            }
        }
        for (URI link : page.links()) {
            page.follow(isCommand(link) ? new Request(link, "command", null) : new Request(link, null, null));
        }
    }

    private static boolean isCommand(URI link) {
        String path = link.getPath();
        return path != null && path.substring(path.lastIndexOf('/') + 1).matches("sql-[a-z0-9-]+\\.html");
    }
}
