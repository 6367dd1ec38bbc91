package io.github.asyncio4j.engine;

import io.github.asyncio4j.internal.Log;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * Chooses the suspension engine once, at class initialisation.
 *
 * <p>The fast engine binds {@code jdk.internal.vm.Continuation} through method handles; it is available when
 * the JVM runs with {@value #FLAG} (asyncio4j on the class path) or
 * {@code --add-exports java.base/jdk.internal.vm=io.github.asyncio4j} (asyncio4j on the module path). Otherwise the fallback engine (a virtual thread per strand, with a hand-off)
 * is used and one log line says how to enable the fast one. The system property
 * {@code asyncio4j.engine} ({@code continuation} or {@code thread}) forces a choice.
 */
public final class Engine {
    /** The JVM option that enables the fast engine when asyncio4j is on the class path, at compile and run time. */
    public static final String FLAG = "--add-exports java.base/jdk.internal.vm=ALL-UNNAMED";

    static final Object SCOPE;
    static final MethodHandle NEW;        // (ContinuationScope, Runnable) -> Continuation, typed (Object,Runnable)Object
    static final MethodHandle RUN;        // (Object)void
    static final MethodHandle YIELD;      // (Object)boolean
    static final MethodHandle IS_DONE;    // (Object)boolean
    static final MethodHandle CURRENT;    // (Object)Object: Continuation.getCurrentContinuation(scope)
    static final MethodHandle STACK;      // (Object)StackTraceElement[]
    /** True when generators run on {@code jdk.internal.vm.Continuation}. */
    public static final boolean FAST;
    private static final String WHY_NOT_FAST;

    static {
        Object scope = null;
        MethodHandle nw = null, run = null, yld = null, done = null, cur = null, stack = null;
        String why = null;
        String forced = System.getProperty("asyncio4j.engine", "");
        if (forced.equals("thread")) {
            why = "-Dasyncio4j.engine=thread was given";
        } else {
            try {
                Class<?> scopeClass = Class.forName("jdk.internal.vm.ContinuationScope");
                Class<?> contClass = Class.forName("jdk.internal.vm.Continuation");
                if (!Object.class.getModule().isExported("jdk.internal.vm", Engine.class.getModule())) {
                    throw new IllegalAccessException("java.base does not export jdk.internal.vm to asyncio4j");
                }
                MethodHandles.Lookup lookup = MethodHandles.lookup();
                scope = lookup.findConstructor(scopeClass, MethodType.methodType(void.class, String.class))
                        .invoke("asyncio4j");
                nw = lookup.findConstructor(contClass, MethodType.methodType(void.class, scopeClass, Runnable.class))
                        .asType(MethodType.methodType(Object.class, Object.class, Runnable.class));
                run = lookup.findVirtual(contClass, "run", MethodType.methodType(void.class))
                        .asType(MethodType.methodType(void.class, Object.class));
                yld = lookup.findStatic(contClass, "yield", MethodType.methodType(boolean.class, scopeClass))
                        .asType(MethodType.methodType(boolean.class, Object.class));
                done = lookup.findVirtual(contClass, "isDone", MethodType.methodType(boolean.class))
                        .asType(MethodType.methodType(boolean.class, Object.class));
                cur = lookup.findStatic(contClass, "getCurrentContinuation",
                                MethodType.methodType(contClass, scopeClass))
                        .asType(MethodType.methodType(Object.class, Object.class));
                stack = lookup.findVirtual(contClass, "getStackTrace",
                                MethodType.methodType(StackTraceElement[].class))
                        .asType(MethodType.methodType(StackTraceElement[].class, Object.class));
            } catch (Throwable t) {
                scope = null;
                why = t.getMessage();
            }
        }
        SCOPE = scope;
        NEW = nw;
        RUN = run;
        YIELD = yld;
        IS_DONE = done;
        CURRENT = cur;
        STACK = stack;
        FAST = scope != null;
        WHY_NOT_FAST = why;
        if (forced.equals("continuation") && !FAST) {
            throw new ExceptionInInitializerError(
                    "asyncio4j.engine=continuation was asked for, but " + why + "; start the JVM with " + flag());
        }
        if (!FAST && !forced.equals("thread")) {
            Log.asyncio4j().log(System.Logger.Level.WARNING,
                    "asyncio4j: using the fallback engine (a virtual thread per generator, much slower); "
                            + "for the fast engine start the JVM with " + flag());
        }
    }

    private Engine() {
    }

    /**
     * The option this JVM needs for the fast engine: {@value #FLAG} when asyncio4j is on the class path,
     * {@code --add-exports java.base/jdk.internal.vm=io.github.asyncio4j} when it is a named module.
     */
    public static String flag() {
        Module asyncio4j = Engine.class.getModule();
        return asyncio4j.isNamed() ? "--add-exports java.base/jdk.internal.vm=" + asyncio4j.getName() : FLAG;
    }

    /** {@code "continuation"} (fast) or {@code "thread"} (fallback). */
    public static String name() {
        return FAST ? "continuation" : "thread";
    }

    /** Why the fast engine is not in use, or null when it is. */
    public static String whyNotFast() {
        return FAST ? null : WHY_NOT_FAST;
    }
}
