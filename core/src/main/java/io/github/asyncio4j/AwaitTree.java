package io.github.asyncio4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The await tree of a loop's live tasks ({@link EventLoop#dumpTasks()}; Python 3.14's {@code asyncio pstree}): each
 * task appears under the task that waits for it, whatever joins them: a direct await, {@link Async#gather} (and
 * nested gathers), {@link Async#shield}, a {@link TaskGroup} (children under the group's task, as in Python
 * 3.14) or {@link Async#waitFor} (which awaits its task). Tasks nobody waits for are the roots. Built on the
 * loop's thread (it reads loop-confined state).
 */
final class AwaitTree {
    /** One edge: {@code child} is awaited by the parent, through {@code via}. */
    record Link(Task<?> child, String via) {
    }

    private final List<Task<?>> tasks;
    private final Map<Task<?>, List<Link>> children = new IdentityHashMap<>();
    private final Set<Task<?>> awaited = Collections.newSetFromMap(new IdentityHashMap<>());

    AwaitTree(List<Task<?>> tasks) {
        this.tasks = tasks;
        for (Task<?> t : tasks) {
            follow(t, t.awaiting(), null);
            Task<?> parent = t.groupParent();
            if (parent != null && !parent.isDone()) {
                link(parent, t, "task group");
            }
        }
    }

    /** The tasks {@code waitedOn} stands for, seen from {@code waiter}; {@code via} names the first hop. */
    private void follow(Task<?> waiter, Object waitedOn, String via) {
        switch (waitedOn) {
            case Task<?> t -> link(waiter, t, via);
            case GatheringFuture<?> g -> {
                for (Future<?> child : g.children()) {
                    follow(waiter, child, via != null ? via : "gather");
                }
            }
            case Async.Shield<?> s -> follow(waiter, s.inner, via != null ? via : "shield");
            case null, default -> {
            }
        }
    }

    private void link(Task<?> parent, Task<?> child, String via) {
        List<Link> links = children.computeIfAbsent(parent, k -> new ArrayList<>());
        for (Link l : links) {
            if (l.child() == child) {
                return;   // awaited twice (a task in a gather and its group): shown once
            }
        }
        links.add(new Link(child, via));
        awaited.add(child);
    }

    /** The links from {@code task} to the tasks it waits for, in the order found. */
    List<Link> children(Task<?> task) {
        return children.getOrDefault(task, List.of());
    }

    /** Tasks nobody waits for (in a cycle of awaits, the first one met), in the loop's order. */
    List<Task<?>> roots() {
        List<Task<?>> roots = new ArrayList<>();
        for (Task<?> t : tasks) {
            if (!awaited.contains(t)) {
                roots.add(t);
            }
        }
        return roots;
    }

    /** The tree as text: a task per line, indented under its waiter, with the innermost user frame below it. */
    String render(Predicate<StackTraceElement> showFrame) {
        StringBuilder b = new StringBuilder();
        Set<Task<?>> shown = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Task<?> root : roots()) {
            render(root, null, 0, b, shown, showFrame);
        }
        for (Task<?> t : tasks) {   // only tasks in an await cycle are left
            if (!shown.contains(t)) {
                render(t, null, 0, b, shown, showFrame);
            }
        }
        return b.toString();
    }

    private void render(Task<?> t, String via, int depth, StringBuilder b, Set<Task<?>> shown,
            Predicate<StackTraceElement> showFrame) {
        String indent = "  ".repeat(depth);
        b.append(indent);
        if (via != null) {
            b.append('[').append(via).append("] ");
        }
        b.append(t);
        if (!shown.add(t)) {
            b.append(" (shown above)\n");
            return;
        }
        b.append('\n');
        StackTraceElement where = whereItWaits(t, showFrame);
        if (where != null) {
            b.append(indent).append("    at ").append(where).append('\n');
        }
        for (Link l : children(t)) {
            render(l.child(), l.via(), depth + 1, b, shown, showFrame);
        }
    }

    /** The innermost frame of a suspended task that {@code showFrame} accepts: where it waits. */
    static StackTraceElement whereItWaits(Task<?> t, Predicate<StackTraceElement> showFrame) {
        for (StackTraceElement e : t.getStack()) {
            if (showFrame.test(e)) {
                return e;
            }
        }
        return null;
    }
}
