package io.github.asyncio4j;

import io.github.asyncio4j.internal.Log;
import io.github.asyncio4j.engine.Engine;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The switch to the generator compiler ({@code -Dasyncio4j.generators=compiled}) and to the coroutine compiler
 * ({@code -Dasyncio4j.coroutines=compiled}): one plan per body class (that is, per lambda's implementation
 * method), made at the first {@link Generator#of} or {@link Coroutine#of} of that body.
 *
 * <p>The compiler, {@code io.github.asyncio4j.engine.GeneratorCompiler}, is built against JDK 24's ClassFile
 * API and loaded reflectively, so the rest of asyncio4j still runs on JDK 21. On an older JDK the option is
 * ignored with one warning. A body the compiler refuses runs on the strand engine; in debug mode
 * ({@code -Dasyncio4j.debug=true}, or a running loop's debug mode) one log line per body says which and why.
 */
final class Compiled {
    /** The system property that selects the compiled engine, and its value. */
    static final String PROPERTY = "asyncio4j.generators";
    /** The system property that selects compiled coroutines. */
    static final String COROUTINES = "asyncio4j.coroutines";

    private static final Function<Object, Function<Object, GeneratorStateMachine>> COMPILER =
            loadCompiler(PROPERTY, "GeneratorCompiler", "generators run on the strand engine");
    private static final Function<Object, Function<Object, GeneratorStateMachine>> COROUTINE_COMPILER =
            loadCompiler(COROUTINES, "CoroutineCompiler", "coroutines run on the strand engine");

    /**
     * A body class's verdict: a factory of machines, or the reason it runs on a strand. {@code bare}: a coroutine
     * machine whose steps need no continuation (no call in its body can await); {@code leaf}: a bare one whose step
     * needs no current task either (it calls no code but the JDK's, see {@code Frame}).
     */
    record Plan(Function<Object, GeneratorStateMachine> factory, String whyNot, boolean[] reported, boolean bare,
            boolean leaf) {
        Plan(Function<Object, GeneratorStateMachine> factory, String whyNot, boolean[] reported) {
            this(factory, whyNot, reported, false, false);
        }
    }

    /** Per body class, a slot for its plan: the compiler needs a body instance, so the slot is filled by the first. */
    private static final ClassValue<AtomicReference<Plan>> PLANS = new ClassValue<>() {
        @Override
        protected AtomicReference<Plan> computeValue(Class<?> bodyClass) {
            return new AtomicReference<>();
        }
    };

    /** The same for coroutine bodies (a class is a generator body or a coroutine body, but keep them apart). */
    private static final ClassValue<AtomicReference<Plan>> COROUTINE_PLANS = new ClassValue<>() {
        @Override
        protected AtomicReference<Plan> computeValue(Class<?> bodyClass) {
            return new AtomicReference<>();
        }
    };

    private Compiled() {
    }

    /** True when {@code -Dasyncio4j.generators=compiled} is in effect (the JDK has the ClassFile API). */
    static boolean enabled() {
        return COMPILER != null;
    }

    /** True when {@code -Dasyncio4j.coroutines=compiled} is in effect (the JDK has the ClassFile API). */
    static boolean coroutinesEnabled() {
        return COROUTINE_COMPILER != null;
    }

    /** The compiler {@code property=compiled} asks for, or null (not asked, or not possible: one warning). */
    private static Function<Object, Function<Object, GeneratorStateMachine>> loadCompiler(String property,
            String compiler, String otherwise) {
        String asked = System.getProperty(property, "");
        if (asked.isEmpty()) {
            return null;
        }
        if (!asked.equals("compiled")) {
            Log.asyncio4j().log(System.Logger.Level.WARNING, "asyncio4j: -D" + property + "=" + asked
                    + " is not understood (the only value is \"compiled\"); " + otherwise);
            return null;
        }
        if (Runtime.version().feature() < 24) {
            Log.asyncio4j().log(System.Logger.Level.WARNING, "asyncio4j: -D" + property
                    + "=compiled needs JDK 24 or newer "
                    + "(the ClassFile API); this is JDK " + Runtime.version().feature() + ", so it is ignored");
            return null;
        }
        try {
            return newCompiler(compiler);
        } catch (ReflectiveOperationException | LinkageError e) {
            Log.asyncio4j().log(System.Logger.Level.WARNING, "asyncio4j: the " + compiler + " cannot be loaded ("
                    + e + "); " + otherwise);
            return null;
        }
    }

    private static Function<Object, Function<Object, GeneratorStateMachine>> newCompiler()
            throws ReflectiveOperationException {
        return newCompiler("GeneratorCompiler");
    }

    @SuppressWarnings("unchecked")
    private static Function<Object, Function<Object, GeneratorStateMachine>> newCompiler(String name)
            throws ReflectiveOperationException {
        return (Function<Object, Function<Object, GeneratorStateMachine>>)
                Class.forName("io.github.asyncio4j.engine." + name).getConstructor().newInstance();
    }

    /**
     * The state machine the compiler makes of {@code body}, as a listing; or why there is none. Compiles even when
     * the compiled engine is off (a tool for learning and debugging), on JDK 24+.
     */
    static String listing(GeneratorBody<?, ?, ?> body) {
        Function<Object, GeneratorStateMachine> factory;
        if (COMPILER != null) {
            Plan plan = plan(body);
            if (plan.factory == null) {
                return "not compiled: " + plan.whyNot;
            }
            factory = plan.factory;
        } else {
            if (Runtime.version().feature() < 24) {
                return "not compiled: the compiler needs JDK 24 or newer";
            }
            try {
                factory = newCompiler().apply(body);
            } catch (IllegalArgumentException refused) {
                return "not compiled: " + refused.getMessage();
            } catch (RuntimeException | ReflectiveOperationException | LinkageError e) {
                return "not compiled: the compiler cannot be loaded (" + e + ")";
            }
        }
        return factory instanceof Supplier<?> s ? String.valueOf(s.get()) : "no listing";
    }

    private static Plan plan(GeneratorBody<?, ?, ?> body) {
        return plan(body, PLANS, COMPILER);
    }

    private static Plan plan(Object body, ClassValue<AtomicReference<Plan>> plans,
            Function<Object, Function<Object, GeneratorStateMachine>> compiler) {
        AtomicReference<Plan> slot = plans.get(body.getClass());
        Plan plan = slot.get();
        if (plan == null) {
            try {
                Function<Object, GeneratorStateMachine> factory = compiler.apply(body);
                int steps = factory instanceof IntSupplier s ? s.getAsInt() : 0;
                boolean bare = steps > 0;
                if (!bare && compiler == COROUTINE_COMPILER && !Engine.FAST) {
                    plan = new Plan(null, "a method its body calls may await, and its steps would need the "
                            + "continuation engine (" + Engine.flag() + ")", new boolean[1]);
                } else {
                    plan = new Plan(factory, null, new boolean[1], bare, steps == 2);
                }
            } catch (IllegalArgumentException refused) {
                plan = new Plan(null, refused.getMessage(), new boolean[1]);
            } catch (RuntimeException | LinkageError bug) {
                // Never a wrong answer: whatever went wrong in the compiler, the body runs on a strand.
                plan = new Plan(null, "the compiler failed: " + bug, new boolean[1]);
            }
            if (!slot.compareAndSet(null, plan)) {
                plan = slot.get();
            }
        }
        return plan;
    }

    /**
     * The plan of a coroutine body (a machine factory, and whether its steps run bare), or null when compiled
     * coroutines are off or the body runs on a strand (then, in debug mode, one log line per body says why).
     * Called from {@link Coroutine#of} only: the compiler finds the body's code through that call's frame.
     */
    static Plan coroutinePlan(Object body) {
        if (COROUTINE_COMPILER == null) {
            return null;
        }
        Plan plan = plan(body, COROUTINE_PLANS, COROUTINE_COMPILER);
        if (plan.factory != null) {
            return plan;
        }
        if (!plan.reported[0] && reportNow(plan)) {
            Log.asyncio4j().log(System.Logger.Level.INFO, "asyncio4j: coroutine body " + body.getClass().getName()
                    + " runs on the strand engine, not compiled: " + plan.whyNot);
        }
        return null;
    }

    /**
     * A loop's cache of {@link #coroutinePlan}s by body class, direct-mapped: a spawn on a loop finds its body's
     * plan with a hash and a compare instead of a {@link ClassValue} look-up, which costs about as much as the
     * rest of making a coroutine. A body class whose slot another class took is looked up again. Loop-confined,
     * like its loop; it holds at most {@value #SIZE} body classes, which the loop's own coroutines keep loaded
     * anyway.
     */
    static final class PlanCache {
        private static final int SIZE = 32;
        private final Class<?>[] classes = new Class<?>[SIZE];
        /** {@code plans[i]} is the plan of {@code classes[i]}: null when that body runs on a strand. */
        private final Plan[] plans = new Plan[SIZE];

        /** {@link #coroutinePlan}{@code (body)}, from the cache when it holds the body's class. */
        Plan get(Object body) {
            Class<?> c = body.getClass();
            int i = System.identityHashCode(c) & (SIZE - 1);
            if (classes[i] == c) {
                return plans[i];
            }
            Plan plan = coroutinePlan(body);
            classes[i] = c;
            plans[i] = plan;
            return plan;
        }
    }

    /** Why a coroutine body is not compiled, or null when it is (see {@link #whyNotCompiled}). */
    static String whyNotCompiledCoroutine(Object body) {
        if (COROUTINE_COMPILER == null) {
            return "the compiler is not enabled (-D" + COROUTINES + "=compiled on JDK 24+)";
        }
        AtomicReference<Plan> slot = COROUTINE_PLANS.get(body.getClass());
        Plan plan = slot.get();
        return plan == null ? "no Coroutine.of has made a coroutine of it yet" : plan.whyNot;
    }

    /** The state machine for {@code body}, or null when it runs on a strand (not enabled, or refused). */
    static GeneratorStateMachine machineFor(GeneratorBody<?, ?, ?> body) {
        if (COMPILER == null) {
            return null;
        }
        Plan plan = plan(body);
        if (plan.factory != null) {
            return plan.factory.apply(body);
        }
        if (!plan.reported[0] && reportNow(plan)) {
            Log.asyncio4j().log(System.Logger.Level.INFO, "asyncio4j: generator body " + body.getClass().getName()
                    + " runs on the strand engine, not compiled: " + plan.whyNot);
        }
        return null;
    }

    /** Why {@code body} is not compiled, or null when it is (or when the compiler is off: then "not enabled"). */
    static String whyNotCompiled(GeneratorBody<?, ?, ?> body) {
        if (COMPILER == null) {
            return "the compiler is not enabled (-D" + PROPERTY + "=compiled on JDK 24+)";
        }
        return plan(body).whyNot;
    }

    /**
     * True once per refused body, at its first use, when debug mode is on then: later uses of a body that runs on
     * a strand cost no property look-up.
     */
    private static boolean reportNow(Plan plan) {
        plan.reported[0] = true;
        return debug();
    }

    private static boolean debug() {
        if (Boolean.getBoolean("asyncio4j.debug")) {
            return true;
        }
        EventLoop loop = EventLoop.running();
        return loop != null && loop.getDebug();
    }
}
