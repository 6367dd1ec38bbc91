// Crawlee's twin of examples/.../spiders/PythonFunctions.java, for `bench spider`: CheerioCrawler, every
// `dl.py.function > dt` as {name, signature, page} (the dt's text without its permalink, whitespace collapsed and
// trimmed, as jsoup's text() gives it), every link on the host followed (enqueueLinks, strategy same-hostname),
// 100 requests at a time. node functions.mjs ROOT OUT.jsonl
import { CheerioCrawler, Configuration } from '@crawlee/cheerio';
import { createWriteStream } from 'node:fs';

const [root, out] = process.argv.slice(2);
const items = createWriteStream(out);
const crawler = new CheerioCrawler({
    maxConcurrency: 100,
    minConcurrency: 100,
    maxRequestRetries: 3,
    async requestHandler({ $, request, enqueueLinks }) {
        $('dl.py.function > dt').each((_, dt) => {
            const el = $(dt);
            const name = el.find('.sig-prename, .sig-name').text().replace(/ /g, '');
            const sig = el.clone();
            sig.find('a.headerlink').remove();
            const signature = sig.text().split(/\s+/).filter(Boolean).join(' ');
            const page = (request.loadedUrl ?? request.url).split('#')[0];   // the fetched page, as the others give it
            items.write(JSON.stringify({ name, signature, page }) + '\n');
        });
        await enqueueLinks({ strategy: 'same-hostname' });
    },
}, new Configuration({ persistStorage: false, purgeOnStart: true }));
await crawler.run([root]);
await new Promise((resolve) => items.end(resolve));
