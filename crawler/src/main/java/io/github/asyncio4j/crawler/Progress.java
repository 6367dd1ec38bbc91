package io.github.asyncio4j.crawler;

import io.github.asyncio4j.EventLoop;
import io.github.asyncio4j.TimerHandle;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * What the crawl shows while it runs, on stderr: a progress bar (pages done of those known, queued, errors,
 * pages/s) when stderr is a terminal; otherwise a quiet line every few seconds. Ticks on the loop's thread.
 */
final class Progress implements AutoCloseable {
    private static final double BAR_TICK = 0.2;
    private static final double LINE_TICK = 5.0;

    private final EventLoop loop;
    private final CrawlProgress counters;
    private final double started;
    private final ProgressBar bar;
    private final PrintStream lines;
    private TimerHandle next;

    private Progress(EventLoop loop, CrawlProgress counters, ProgressBar bar, PrintStream lines) {
        this.loop = loop;
        this.counters = counters;
        this.started = loop.time();
        this.bar = bar;
        this.lines = lines;
        schedule();
    }

    /** Starts showing {@code counters}: a bar on a terminal, lines otherwise. */
    static Progress start(EventLoop loop, CrawlProgress counters, PrintStream err) {
        if (stderrIsTerminal()) {
            ProgressBar bar = new ProgressBarBuilder().setTaskName("crawl").setInitialMax(1)
                    .setStyle(ProgressBarStyle.ASCII).setUpdateIntervalMillis(200).continuousUpdate()
                    .showSpeed().setUnit(" pages", 1).build();
            return new Progress(loop, counters, bar, null);
        }
        return new Progress(loop, counters, null, err);
    }

    private void schedule() {
        next = loop.callLater(bar != null ? BAR_TICK : LINE_TICK, this::tick);
    }

    private void tick() {
        show();
        schedule();
    }

    private void show() {
        long done = counters.done();
        if (bar != null) {
            bar.maxHint(Math.max(1, done + counters.queued()));
            bar.stepTo(done);
            bar.setExtraMessage(String.format(Locale.ROOT, " | %d queued, %d errors", counters.queued(), counters.errors()));
        } else {
            double s = Math.max(1e-9, loop.time() - started);
            lines.printf(Locale.ROOT, "crawl: %d done, %d queued, %d errors, %.1f pages/s%n", done, counters.queued(),
                    counters.errors(), done / s);
        }
    }

    @Override
    public void close() {
        next.cancel();
        if (bar != null) {
            show();
            bar.close();
        }
    }

    /** True when stderr goes to a terminal (JDK 22+ says so exactly; on 21 a console means one). */
    private static boolean stderrIsTerminal() {
        Console c = System.console();
        if (c == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(c);
        } catch (ReflectiveOperationException e) {
            return true;
        }
    }
}
