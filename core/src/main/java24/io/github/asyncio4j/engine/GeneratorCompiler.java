package io.github.asyncio4j.engine;

import io.github.asyncio4j.GeneratorStateMachine;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.MethodModel;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.AccessFlag;
import java.lang.reflect.Method;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The generator compiler: turns a generator body (a lambda or method reference whose yields are all in its own
 * code) into a class extending {@link GeneratorStateMachine}, defined as a hidden nestmate of the body's class.
 * Loaded reflectively by {@code io.github.asyncio4j.Compiled} on JDK 24+ only.
 *
 * <p>The route to the code: {@code GeneratorBody} is {@code Serializable}, so every body lambda has a
 * {@code writeReplace} that returns its {@link SerializedLambda}: implementation class, method, kind and the
 * captured values. The class's bytes are read as a resource of its own class loader, the method is
 * analysed ({@link BodyAnalysis}) and rewritten ({@link StateMachineWriter}). Everything that fails, from an
 * unopened package to a verify error, refuses the body with the reason, and it runs on the strand engine.
 *
 * <p>{@link #apply} takes a body and returns the factory of machines for all bodies of its class (also a
 * {@code Supplier<String>} of the machine's listing), or throws {@link IllegalArgumentException} with the reason
 * the body is refused. Each call compiles afresh; {@code Compiled} caches per body class.
 */
public final class GeneratorCompiler implements Function<Object, Function<Object, GeneratorStateMachine>> {

    /** Made reflectively by {@code Compiled}. */
    public GeneratorCompiler() {
    }

    @Override
    public Function<Object, GeneratorStateMachine> apply(Object body) {
        Class<?> bodyClass = body.getClass();
        MethodHandle writeReplace;
        SerializedLambda lambda;
        try {
            Method m = bodyClass.getDeclaredMethod("writeReplace");
            m.setAccessible(true);
            writeReplace = MethodHandles.lookup().unreflect(m)
                    .asType(MethodType.methodType(Object.class, Object.class));
            lambda = (SerializedLambda) (Object) writeReplace.invokeExact(body);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("the body is a " + bodyClass.getName()
                    + ", not a lambda or method reference");
        } catch (RuntimeException | IllegalAccessException e) {
            throw new IllegalArgumentException("cannot read the lambda (" + e + "); open its package to asyncio4j");
        } catch (Throwable e) {
            throw new IllegalArgumentException("cannot read the lambda: " + e);
        }
        Class<?> implClass;
        try {
            implClass = Class.forName(lambda.getImplClass().replace('/', '.'), false, bodyClass.getClassLoader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("cannot load the body's class " + lambda.getImplClass());
        }
        String where = implClass.getName() + "." + lambda.getImplMethodName();
        try {
            Compilation c = compile(implClass, new Target(lambda.getImplMethodName(),
                    lambda.getImplMethodSignature(), lambda.getImplMethodKind(), lambda.getCapturedArgCount()), false);
            return new Factory(c, writeReplace, lambda.getCapturedArgCount(), where);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(where + ": " + e.getMessage(), e);
        }
    }

    /**
     * A defined machine class: its constructor {@code (Object[] captured)}; for a coroutine, {@code bare} says that
     * no method its body calls can await (see {@link BodyAnalysis#unsafeCall}), {@code leaf} that its step needs
     * no running task either ({@link BodyAnalysis#taskUse}).
     */
    record Compilation(Function<Object[], GeneratorStateMachine> constructor, byte[] bytes, boolean bare,
            boolean leaf) {
    }

    /** A lambda's implementation method: its name, descriptor, method-handle kind, and captured value count. */
    record Target(String name, String descriptor, int kind, int captured) {
    }

    /**
     * Compiles {@code target}, a method of {@code implClass}: a generator body (its last parameter the Yielder)
     * or, when {@code coroutine}, a coroutine body (every parameter a captured value, awaits its suspensions).
     */
    static Compilation compile(Class<?> implClass, Target target, boolean coroutine) {
        ClassModel model = ClassFile.of().parse(classBytes(implClass));
        MethodModel method = model.methods().stream()
                .filter(m -> m.methodName().equalsString(target.name())
                        && m.methodType().equalsString(target.descriptor()))
                .findFirst()
                .orElseThrow(() -> new IllegalArgumentException("the method is not in the class file "
                        + "(was the class transformed at load time?)"));
        boolean isStatic = method.flags().has(AccessFlag.STATIC);
        int kind = target.kind();
        if (!(isStatic && kind == MethodHandleInfo.REF_invokeStatic)
                && !(!isStatic && method.flags().has(AccessFlag.PRIVATE) && kind != MethodHandleInfo.REF_newInvokeSpecial)) {
            throw new IllegalArgumentException("a reference to a constructor or to an overridable method");
        }
        if (method.flags().has(AccessFlag.SYNCHRONIZED)) {
            throw new IllegalArgumentException("the method is synchronized");
        }
        int params = method.methodTypeSymbol().parameterCount() + (isStatic ? 0 : 1);
        if (params != target.captured() + (coroutine ? 0 : 1)) {
            throw new IllegalArgumentException("the lambda adapts its arguments (" + target.captured()
                    + " captured for " + params + " parameters)");
        }
        var code = method.code().orElseThrow(() -> new IllegalArgumentException("the method has no code"));
        BodyAnalysis analysis = new BodyAnalysis(code, method.methodTypeSymbol(), model.thisClass().asSymbol(),
                isStatic, coroutine, model);
        StateMachineWriter writer = new StateMachineWriter(model, method, isStatic, analysis);
        MethodHandles.Lookup host;
        try {
            // In a named module asyncio4j reads only what it requires; the body's module must also open its package.
            GeneratorCompiler.class.getModule().addReads(implClass.getModule());
            host = MethodHandles.privateLookupIn(implClass, MethodHandles.lookup());
        } catch (IllegalAccessException | RuntimeException e) {
            throw new IllegalArgumentException("no private access to " + implClass.getName() + " (" + e.getMessage()
                    + "); open its package to asyncio4j");
        }
        byte[] bytes;
        try {
            bytes = writer.write(ClassHierarchyResolver.ofClassLoading(host));
        } catch (IllegalArgumentException | IllegalStateException e) {
            throw new IllegalArgumentException("the state machine could not be written (" + e.getMessage() + ")", e);
        }
        try {
            // The class data: the body's frame at each resume point (the machine's sites()).
            MethodHandles.Lookup machine = host.defineHiddenClassWithClassData(bytes, writer.sites(implClass), true,
                    MethodHandles.Lookup.ClassOption.NESTMATE);
            // A prototype (made once, through a method handle) whose make() is a plain `new`: a method handle held
            // in a field would not inline, and costs tens of ns per machine.
            GeneratorStateMachine prototype = (GeneratorStateMachine) machine.findConstructor(machine.lookupClass(),
                    MethodType.methodType(void.class)).invoke();
            Function<Object[], GeneratorStateMachine> make = prototype::make;
            if (coroutine) {
                CoroutineCompiler.generated(machine.lookupClass(), bytes);
            }
            return new Compilation(make, bytes, analysis.unsafeCall == null,
                    analysis.unsafeCall == null && analysis.taskUse == null);
        } catch (Throwable e) {
            throw new IllegalArgumentException("the generated class was rejected (" + e + ")", e);
        }
    }

    static byte[] classBytes(Class<?> c) {
        String resource = "/" + c.getName().replace('.', '/') + ".class";
        try (InputStream in = c.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("the class file of " + c.getName() + " is not readable");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalArgumentException("reading the class file of " + c.getName() + " failed: " + e);
        }
    }

    /**
     * Makes the machines of one body class: reads each body's captured values (through its
     * {@code writeReplace}) into the generated constructor. As a {@link Supplier}, gives the machine's listing.
     */
    private static final class Factory implements Function<Object, GeneratorStateMachine>, Supplier<String> {
        private static final Object[] NONE = new Object[0];
        private final Function<Object[], GeneratorStateMachine> constructor;
        private final MethodHandle writeReplace;
        private final int captured;
        private final byte[] bytes;
        private final String bodyName;

        Factory(Compilation c, MethodHandle writeReplace, int captured, String bodyName) {
            this.constructor = c.constructor();
            this.bytes = c.bytes();
            this.writeReplace = writeReplace;
            this.captured = captured;
            this.bodyName = bodyName;
        }

        @Override
        public GeneratorStateMachine apply(Object body) {
            try {
                Object[] args = NONE;
                if (captured > 0) {
                    SerializedLambda l = (SerializedLambda) (Object) writeReplace.invokeExact(body);
                    args = new Object[captured];
                    for (int i = 0; i < captured; i++) {
                        args[i] = l.getCapturedArg(i);
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
    }
}
