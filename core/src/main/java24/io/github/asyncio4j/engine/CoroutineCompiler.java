package io.github.asyncio4j.engine;

import io.github.asyncio4j.GeneratorStateMachine;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.Instruction;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.DirectMethodHandleDesc;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.IntSupplier;
import java.util.function.Supplier;

/**
 * The coroutine compiler: turns the body of a {@code Coroutine.of(() -> ...)} (a plain {@code Callable} lambda,
 * not serializable) into a class extending {@link GeneratorStateMachine} whose suspension points are the body's
 * own {@code await}s. Loaded reflectively by {@code io.github.asyncio4j.Compiled} on JDK 24+ only, and called
 * from inside {@code Coroutine.of} at the first coroutine of each lambda class.
 *
 * <p>The route to the code, without {@code SerializedLambda}: the frame that called {@code Coroutine.of} (a
 * {@link StackWalker} frame: class, method, bytecode index) holds, just before that call, the
 * {@code invokedynamic} that made the lambda; its bootstrap arguments name the implementation method. The captured
 * values are the lambda class's fields ({@code arg$1}, ...), read through a private lookup. A body passed in a
 * variable (no {@code invokedynamic} just before the call) is refused, with that reason.
 *
 * <p>The machine's steps run bare on the task's stack when {@link BodyAnalysis} shows that no call of the body can
 * await ({@code getAsInt()} of the factory, which also tells a leaf), else each in a continuation of its own that
 * is frozen only when a called method awaits (see {@code Frame}).
 */
public final class CoroutineCompiler implements Function<Object, Function<Object, GeneratorStateMachine>> {
    private static final String COROUTINE = "io.github.asyncio4j.Coroutine";
    private static final StackWalker WALKER = StackWalker.getInstance(
            java.util.Set.of(StackWalker.Option.RETAIN_CLASS_REFERENCE, StackWalker.Option.SHOW_HIDDEN_FRAMES));
    /** The generated classes' bytes: a coroutine made inside a compiled body is made by a hidden class. */
    private static final Map<Class<?>, byte[]> GENERATED = new ConcurrentHashMap<>();

    /** Made reflectively by {@code Compiled}. */
    public CoroutineCompiler() {
    }

    @Override
    public Function<Object, GeneratorStateMachine> apply(Object body) {
        Class<?> lambdaClass = body.getClass();
        if (!lambdaClass.isHidden() || !lambdaClass.getName().contains("$$Lambda")) {
            throw new IllegalArgumentException("the body is a " + lambdaClass.getName() + ", not a lambda");
        }
        StackWalker.StackFrame caller = WALKER.walk(frames -> {
            var it = frames.iterator();
            while (it.hasNext()) {
                StackWalker.StackFrame f = it.next();
                if (f.getClassName().equals(COROUTINE) && f.getMethodName().equals("of")) {
                    return it.hasNext() ? it.next() : null;
                }
            }
            return null;
        });
        if (caller == null) {
            throw new IllegalArgumentException("not called from Coroutine.of");
        }
        Class<?> callerClass = caller.getDeclaringClass();
        DirectMethodHandleDesc impl = lambdaAt(callerClass, caller.getMethodName(), caller.getDescriptor(),
                caller.getByteCodeIndex());
        Class<?> implClass;
        try {
            String d = impl.owner().descriptorString();
            implClass = Class.forName(d.substring(1, d.length() - 1).replace('/', '.'), false,
                    callerClass.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("cannot load the body's class " + impl.owner().displayName());
        }
        String where = implClass.getName() + "." + impl.methodName();
        try {
            MethodHandle[] captured = capturedGetters(lambdaClass);
            GeneratorCompiler.Compilation c = GeneratorCompiler.compile(implClass, new GeneratorCompiler.Target(
                    impl.methodName(), impl.lookupDescriptor(), impl.refKind(), captured.length), true);
            return new Factory(c, captured, where);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /** Remembers a generated class's bytes, for a {@code Coroutine.of} that it calls. */
    static void generated(Class<?> machine, byte[] bytes) {
        GENERATED.put(machine, bytes);
    }

    /**
     * The implementation method of the lambda made by the {@code invokedynamic} just before the call to
     * {@code Coroutine.of} at {@code bci} of {@code owner.method}.
     */
    private static DirectMethodHandleDesc lambdaAt(Class<?> owner, String method, String descriptor, int bci) {
        byte[] bytes = GENERATED.get(owner);
        ClassModel model = ClassFile.of().parse(bytes != null ? bytes : GeneratorCompiler.classBytes(owner));
        MethodModel m = model.methods().stream()
                .filter(x -> x.methodName().equalsString(method) && x.methodType().equalsString(descriptor))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the caller " + owner.getName() + "." + method
                        + " is not in its class file"));
        var code = m.code().orElseThrow();
        java.util.Set<java.lang.classfile.Label> targets = new java.util.HashSet<>();
        code.findAttribute(java.lang.classfile.Attributes.stackMapTable())
                .ifPresent(t -> t.entries().forEach(f -> targets.add(f.target())));
        Instruction previous = null;
        boolean joined = false;    // a branch target between the previous instruction and this one
        int at = 0;
        for (CodeElement e : code) {
            if (e instanceof java.lang.classfile.instruction.LabelTarget lt && targets.contains(lt.label())) {
                joined = true;
            }
            if (e instanceof Instruction insn) {
                if (at == bci) {
                    if (!(insn instanceof InvokeInstruction call && call.name().equalsString("of")
                            && call.owner().asSymbol().equals(ClassDesc.of(COROUTINE)))) {
                        throw new IllegalArgumentException("the caller's instruction is not Coroutine.of");
                    }
                    // The lambda must be made right before the call on every path: after a join (say
                    // `Coroutine.of(c ? () -> a : () -> b)`) the instruction before is only one branch's.
                    if (!joined && previous instanceof InvokeDynamicInstruction indy
                            && indy.bootstrapMethod().owner().equals(
                                    ClassDesc.of("java.lang.invoke.LambdaMetafactory"))
                            && indy.bootstrapArgs().size() > 1
                            && indy.bootstrapArgs().get(1) instanceof DirectMethodHandleDesc impl) {
                        return impl;
                    }
                    throw new IllegalArgumentException("the body is not a lambda written in the call to "
                            + "Coroutine.of (at " + owner.getName() + "." + method + ")");
                }
                previous = insn;
                joined = false;
                at += insn.sizeInBytes();
            }
        }
        throw new IllegalArgumentException("no instruction at the caller's bytecode index");
    }

    /** Getters of the lambda's captured values ({@code arg$1}, ...), in order, typed {@code (Object)Object}. */
    private static MethodHandle[] capturedGetters(Class<?> lambdaClass) {
        List<Field> fields = new ArrayList<>();
        for (Field f : lambdaClass.getDeclaredFields()) {
            if (!Modifier.isStatic(f.getModifiers()) && f.getName().startsWith("arg$")) {
                fields.add(f);
            }
        }
        fields.sort(Comparator.comparingInt(f -> Integer.parseInt(f.getName().substring(4))));
        MethodHandle[] getters = new MethodHandle[fields.size()];
        try {
            MethodHandles.Lookup lookup = MethodHandles.privateLookupIn(lambdaClass, MethodHandles.lookup());
            for (int i = 0; i < getters.length; i++) {
                getters[i] = lookup.unreflectGetter(fields.get(i))
                        .asType(MethodType.methodType(Object.class, Object.class));
            }
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalArgumentException("cannot read the lambda's captured values (" + e
                    + "); open its package to asyncio4j");
        }
        return getters;
    }

    /**
     * Makes the machines of one lambda class from each lambda's captured values. As a {@link Supplier}, gives the
     * listing; as an {@link IntSupplier}, how its steps may run: 0 in a continuation, 1 bare, 2 bare and without a
     * current task (a leaf: see {@link BodyAnalysis#taskUse}).
     */
    private static final class Factory implements Function<Object, GeneratorStateMachine>, Supplier<String>,
            IntSupplier {
        private static final Object[] NONE = new Object[0];
        private final Function<Object[], GeneratorStateMachine> constructor;
        private final MethodHandle[] captured;
        private final byte[] bytes;
        private final int steps;
        private final String bodyName;

        Factory(GeneratorCompiler.Compilation c, MethodHandle[] captured, String bodyName) {
            this.constructor = c.constructor();
            this.bytes = c.bytes();
            this.steps = c.leaf() ? 2 : c.bare() ? 1 : 0;
            this.captured = captured;
            this.bodyName = bodyName;
        }

        @Override
        public GeneratorStateMachine apply(Object body) {
            try {
                Object[] args = NONE;
                if (captured.length > 0) {
                    args = new Object[captured.length];
                    for (int i = 0; i < args.length; i++) {
                        args[i] = (Object) captured[i].invokeExact(body);
                    }
                }
                return constructor.apply(args);
            } catch (Throwable t) {
                throw new IllegalStateException("the generated constructor of " + bodyName + " failed", t);
            }
        }

        @Override
        public String get() {
            return StateMachineListing.render(bytes, bodyName);
        }

        @Override
        public int getAsInt() {
            return steps;
        }
    }
}
