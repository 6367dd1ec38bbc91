package io.github.asyncio4j.crawler;

/** {@link Spider#followingLinks()}: the {@code crawl} command's spider. */
final class DefaultSpider implements Spider {
    static final DefaultSpider INSTANCE = new DefaultSpider();

    private DefaultSpider() {
    }

    @Override
    public void parse(Page page) {
        page.followAll(page.links());
    }
}
