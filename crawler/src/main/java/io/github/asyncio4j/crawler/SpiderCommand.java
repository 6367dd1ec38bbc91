package io.github.asyncio4j.crawler;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * {@code ./asyncio4j spider FILE.java [crawl options] [--output FILE] [ROOT...]}: runs a spider written as one Java
 * source file (Scrapy's {@code runspider}): the file is compiled in this process against the crawler's classes
 * ({@link SpiderLoader}, cached by its content), the class in it that implements {@link Spider} is made with its
 * constructor without arguments, and the crawl runs as {@code crawl} does, with every one of its options.
 * {@code ./asyncio4j spider --new NAME} writes a template {@code NAME.java}.
 */
public final class SpiderCommand {
    static final String USAGE = "usage: ./asyncio4j spider FILE.java [crawl options] [--output FILE] [ROOT...]"
            + System.lineSeparator() + "       ./asyncio4j spider --new NAME   (writes a template NAME.java)"
            + System.lineSeparator() + "       ./asyncio4j spider --help       (the options)";

    private SpiderCommand() {
    }

    public static void main(String[] args) {
        System.setProperty("picocli.disable.closures", "true");    // as CrawlCommand.main: ~10 ms of every start
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command line; returns the exit code (2: the spider cannot be run as asked). */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 0) {
            err.println(USAGE);
            return 2;
        }
        if (args[0].equals("-h") || args[0].equals("--help")) {
            out.println(USAGE);
            out.println();
            return CrawlCommand.run(new String[]{"--help"}, out, err, Spider.followingLinks());
        }
        if (args[0].equals("--new")) {
            return args.length == 2 ? writeTemplate(args[1], out, err) : usage(err, "--new takes one NAME");
        }
        if (!args[0].endsWith(".java")) {
            return usage(err, "the first argument is the spider's source file, FILE.java, not '" + args[0] + "'");
        }
        Path file = Path.of(args[0]);
        if (!Files.isRegularFile(file)) {
            err.println("spider: " + file + ": no such file");
            return 2;
        }
        Spider spider;
        try {
            spider = SpiderLoader.load(file, err);
        } catch (SpiderLoader.NotASpiderException e) {
            err.println("spider: " + e.getMessage());
            return 2;
        }
        return CrawlCommand.run(Arrays.copyOfRange(args, 1, args.length), out, err, spider);
    }

    private static int usage(PrintStream err, String message) {
        err.println("spider: " + message);
        err.println(USAGE);
        return 2;
    }

    /** {@code --new NAME}: a spider that emits each page's title and follows its links, as {@code NAME.java}. */
    static int writeTemplate(String name, PrintStream out, PrintStream err) {
        String cls = name.endsWith(".java") ? name.substring(0, name.length() - 5) : name;
        Path file = Path.of(cls + ".java");
        cls = file.getFileName().toString().replace(".java", "");
        if (!javax.lang.model.SourceVersion.isName(cls) || cls.contains(".")) {
            err.println("spider: --new " + name + ": not a Java class name");
            return 2;
        }
        if (Files.exists(file)) {
            err.println("spider: --new " + name + ": " + file + " exists already");
            return 2;
        }
        String text = """
                import io.github.asyncio4j.crawler.Page;
                import io.github.asyncio4j.crawler.Spider;

                /**
                 * A spider: ./asyncio4j spider %1$s.java --output items.jsonl https://example.com/
                 * parse() runs for every page fetched; it may await. page.select(css) is jsoup's; page.links() are the
                 * in-scope links; page.follow(Request.of(url).withLabel("detail")) routes a link to a label.
                 */
                public class %1$s implements Spider {
                    /** One item: a record's components are the output's fields (JSON Lines keys, CSV columns). */
                    record Title(String url, String title) {
                    }

                    @Override
                    public void parse(Page page) {
                        page.emit(new Title(page.url().toString(), page.select("title").text()));
                        page.followAll(page.links());
                    }
                }
                """.formatted(cls);
        try {
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            err.println("spider: --new " + name + ": cannot write " + file + " (" + ErrorText.of(e) + ")");
            return 2;
        }
        out.println("spider: wrote " + file + "; run it with ./asyncio4j spider " + file + " ROOT");
        return 0;
    }
}
