package io.github.asyncio4j.crawler;

/**
 * The {@code spider} command with {@link ItemsSpiderMain#SPIDER} (for tests that run it in a child JVM): every page
 * of the demo site gives two items, and every link is followed.
 */
final class ItemsSpiderMain {
    static final Spider SPIDER = page -> {
        page.followAll(page.links());
        page.emit(new Status(page.url().toString(), page.status()));
        page.emit(new Link(page.url().toString(), page.links().size()));
    };

    record Status(String url, int status) {
    }

    record Link(String page, int links) {
    }

    private ItemsSpiderMain() {
    }

    public static void main(String[] args) {
        System.setProperty("picocli.disable.closures", "true");
        System.exit(CrawlCommand.run(args, System.out, System.err, SPIDER));
    }
}
