package io.github.asyncio4j.engine;

import java.lang.classfile.Attributes;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.TypeKind;
import java.lang.classfile.attribute.StackMapFrameInfo;
import java.lang.classfile.attribute.StackMapTableAttribute;
import java.lang.classfile.constantpool.ClassEntry;
import java.lang.classfile.constantpool.ConstantDynamicEntry;
import java.lang.classfile.constantpool.MethodHandleEntry;
import java.lang.classfile.constantpool.MethodTypeEntry;
import java.lang.classfile.constantpool.StringEntry;
import java.lang.classfile.instruction.ArrayLoadInstruction;
import java.lang.classfile.instruction.ArrayStoreInstruction;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.ConvertInstruction;
import java.lang.classfile.instruction.DiscontinuedInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LineNumber;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.MonitorInstruction;
import java.lang.classfile.instruction.NewMultiArrayInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.NewPrimitiveArrayInstruction;
import java.lang.classfile.instruction.NewReferenceArrayInstruction;
import java.lang.classfile.instruction.NopInstruction;
import java.lang.classfile.instruction.OperatorInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StackInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiler's proof step: walks a body's bytecode once, in order, with the verifier's own types (the
 * method's {@code StackMapTable} frames at branch targets, each instruction's effect in between, exactly as
 * the JVM's type-checking verifier does), and finds every suspension point with the types of the locals and
 * operand-stack values live across it.
 *
 * <p>It refuses (an {@link IllegalArgumentException} whose message is the reason) anything it cannot prove:
 * the {@code Yielder} escaping (stored, passed on, compared, returned), a {@code yield} on a Yielder it cannot
 * trace to the parameter, {@code synchronized}, {@code jsr/ret}, an object under construction across a yield.
 */
final class BodyAnalysis {
    static final ClassDesc YIELDER = ClassDesc.of("io.github.asyncio4j.Yielder");
    static final ClassDesc GENERATOR = ClassDesc.of("io.github.asyncio4j.Generator");
    private static final String PACKAGE = "io/github/asyncio4j/";

    /** What sits in a local or an operand-stack word, as the verifier sees it. */
    enum Kind { TOP, INT, FLOAT, LONG, DOUBLE, HIGH, NULL, REF, UNINIT, YIELDER }

    /** A verification type; {@code desc} for {@code REF}, {@code id} tells objects under construction apart. */
    record Type(Kind kind, ClassDesc desc, Object id) {
        static final Type TOP = new Type(Kind.TOP, null, null);
        static final Type INT = new Type(Kind.INT, null, null);
        static final Type FLOAT = new Type(Kind.FLOAT, null, null);
        static final Type LONG = new Type(Kind.LONG, null, null);
        static final Type DOUBLE = new Type(Kind.DOUBLE, null, null);
        static final Type HIGH = new Type(Kind.HIGH, null, null);
        static final Type NULL = new Type(Kind.NULL, null, null);
        static final Type THE_YIELDER = new Type(Kind.YIELDER, YIELDER, null);

        static Type ref(ClassDesc desc) {
            return new Type(Kind.REF, desc, null);
        }

        boolean wide() {
            return kind == Kind.LONG || kind == Kind.DOUBLE;
        }

        /** The spill field's kind letter: I, J, F, D or A; null for values restored without a field. */
        String letter() {
            return switch (kind) {
                case INT -> "I";
                case LONG -> "J";
                case FLOAT -> "F";
                case DOUBLE -> "D";
                case REF -> "A";
                default -> null;
            };
        }
    }

    /** What a suspension point is: a generator's {@code yield} or {@code yieldFrom}, a coroutine's {@code await}. */
    enum SiteKind { YIELD, YIELD_FROM, AWAIT }

    /** A suspension point: its kind, the n-th instruction, and what is live across it. */
    record Site(int state, SiteKind kind, int instruction, Type[] locals, List<Type> stack, int line) {
        boolean yieldFrom() {
            return kind == SiteKind.YIELD_FROM;
        }
    }

    /** Calls whose answer depends on the calling class, which the generated class would change. */
    private static final java.util.Set<String> CALLER_SENSITIVE = java.util.Set.of(
            "java/lang/invoke/MethodHandles.lookup", "java/lang/StackWalker.getCallerClass");

    final List<Site> sites = new ArrayList<>();
    /** -1 for a coroutine body, which has no Yielder. */
    final int yielderSlot;
    /**
     * A coroutine body's first call that might reach an {@code await} in a method it calls (anything but the
     * calls known not to, {@link #mayAwait}), or null: then its steps need no continuation to run in.
     */
    String unsafeCall;
    /**
     * A coroutine body's first instruction that might need the running task (an await, a call of anything but a
     * leaf JDK method that no subclass can override, given primitives and strings, a static field of another
     * class, whose initializer might run), or null: then it is a <em>leaf</em>, whose one step runs no code of
     * anyone else, so its task's step sets no current task. (javac turns an object in a string concatenation into
     * {@code String.valueOf(o)} before the concatenation, so that call is where such a body stops being a leaf.)
     */
    String taskUse;
    private final boolean coroutine;
    private final java.lang.classfile.ClassModel model;
    /** Every local slot some instruction writes (a wide store writes two). */
    final java.util.Set<Integer> written = new java.util.HashSet<>();

    private final Map<Label, StackMapFrameInfo> frames = new HashMap<>();
    /**
     * Where the Yielder sits on the operand stack (word positions) on each jump into a label not reached yet; a
     * frame forgets it, so it is carried over here. {@code assumed}: what was taken at labels already passed.
     */
    private final Map<Label, List<java.util.Set<Integer>>> incoming = new HashMap<>();
    private final Map<Label, java.util.Set<Integer>> assumed = new HashMap<>();
    private Type[] locals;
    private final List<Type> stack = new ArrayList<>();
    private boolean reachable = true;

    /**
     * Analyses {@code code}, whose parameters ({@code this} first unless {@code isStatic}) have the types of
     * {@code descriptor} and whose last parameter is the Yielder.
     */
    BodyAnalysis(CodeModel code, MethodTypeDesc descriptor, ClassDesc owner, boolean isStatic, boolean coroutine) {
        this(code, descriptor, owner, isStatic, coroutine, null);
    }

    /**
     * As above; {@code model}, the body's class, lets a coroutine body's calls to that class's static and private
     * methods be followed (are they known not to await?), not taken as possibly awaiting.
     */
    BodyAnalysis(CodeModel code, MethodTypeDesc descriptor, ClassDesc owner, boolean isStatic, boolean coroutine,
            java.lang.classfile.ClassModel model) {
        this.coroutine = coroutine;
        this.model = model;
        code.findAttribute(Attributes.stackMapTable()).ifPresent(
                (StackMapTableAttribute t) -> t.entries().forEach(f -> frames.put(f.target(), f)));
        locals = new Type[(code instanceof java.lang.classfile.attribute.CodeAttribute ca ? ca.maxLocals() : 65536) + 2];
        Arrays.fill(locals, Type.TOP);
        int slot = 0;
        if (!isStatic) {
            locals[slot++] = Type.ref(owner);
        }
        int last = descriptor.parameterCount() - (coroutine ? 0 : 1);
        if (!coroutine && (last < 0 || !descriptor.parameterType(last).equals(YIELDER))) {
            throw new IllegalArgumentException("the body's last parameter is not a Yielder");
        }
        for (int i = 0; i < last; i++) {
            slot = setLocal(slot, ofDesc(descriptor.parameterType(i)));
        }
        if (coroutine) {
            yielderSlot = -1;
        } else {
            yielderSlot = slot;
            locals[slot] = Type.THE_YIELDER;
        }
        int line = -1;
        int index = 0;
        for (CodeElement e : code) {
            switch (e) {
                case LabelTarget lt -> {
                    StackMapFrameInfo f = frames.get(lt.label());
                    if (f != null) {
                        reset(lt.label(), f);
                    }
                }
                case LineNumber ln -> line = ln.line();
                case Instruction insn -> {
                    if (!reachable) {
                        throw new IllegalArgumentException("code without a stack map frame at instruction " + index);
                    }
                    execute(insn, index, line);
                    index++;
                }
                default -> {
                }
            }
        }
    }

    /** The operand-stack positions that hold the Yielder now. */
    private java.util.Set<Integer> yielderPositions() {
        java.util.Set<Integer> at = new java.util.HashSet<>();
        for (int i = 0; i < stack.size(); i++) {
            if (stack.get(i).kind == Kind.YIELDER) {
                at.add(i);
            }
        }
        return at;
    }

    /** A jump to {@code target} with the current stack (its operands already popped). */
    private void jump(Label target) {
        java.util.Set<Integer> at = yielderPositions();
        java.util.Set<Integer> before = assumed.get(target);
        if (before != null) {
            if (!before.equals(at)) {
                throw new IllegalArgumentException("the Yielder flows through a conditional the compiler cannot follow");
            }
        } else {
            incoming.computeIfAbsent(target, l -> new ArrayList<>()).add(at);
        }
    }

    private void reset(Label label, StackMapFrameInfo f) {
        List<java.util.Set<Integer>> edges = new ArrayList<>(incoming.getOrDefault(label, List.of()));
        if (reachable) {
            edges.add(yielderPositions());
        }
        java.util.Set<Integer> at = edges.isEmpty() ? java.util.Set.of() : edges.get(0);
        for (java.util.Set<Integer> e : edges) {
            if (!e.equals(at)) {
                // On some paths the value is the Yielder and on others not: it may be anything.
                throw new IllegalArgumentException("the Yielder flows into a conditional expression");
            }
        }
        assumed.put(label, at);
        Arrays.fill(locals, Type.TOP);
        int slot = 0;
        for (StackMapFrameInfo.VerificationTypeInfo v : f.locals()) {
            slot = setLocal(slot, ofFrame(v));
        }
        if (yielderSlot >= 0 && locals[yielderSlot].kind == Kind.REF) {
            locals[yielderSlot] = Type.THE_YIELDER;
        }
        stack.clear();
        for (StackMapFrameInfo.VerificationTypeInfo v : f.stack()) {
            push(ofFrame(v));
        }
        for (int i : at) {
            if (i >= stack.size() || stack.get(i).kind != Kind.REF) {
                throw new IllegalArgumentException("the Yielder's stack position does not match a frame");
            }
            stack.set(i, Type.THE_YIELDER);
        }
        reachable = true;
    }

    private static Type ofFrame(StackMapFrameInfo.VerificationTypeInfo v) {
        return switch (v) {
            case StackMapFrameInfo.SimpleVerificationTypeInfo s -> switch (s) {
                case TOP -> Type.TOP;
                case INTEGER -> Type.INT;
                case FLOAT -> Type.FLOAT;
                case LONG -> Type.LONG;
                case DOUBLE -> Type.DOUBLE;
                case NULL -> Type.NULL;
                case UNINITIALIZED_THIS -> new Type(Kind.UNINIT, null, "this");
            };
            case StackMapFrameInfo.ObjectVerificationTypeInfo o -> Type.ref(o.classSymbol());
            case StackMapFrameInfo.UninitializedVerificationTypeInfo u -> new Type(Kind.UNINIT, null, u.newTarget());
        };
    }

    static Type ofDesc(ClassDesc d) {
        return switch (TypeKind.from(d)) {
            case BOOLEAN, BYTE, CHAR, SHORT, INT -> Type.INT;
            case LONG -> Type.LONG;
            case FLOAT -> Type.FLOAT;
            case DOUBLE -> Type.DOUBLE;
            case REFERENCE -> Type.ref(d);
            case VOID -> null;
        };
    }

    private static Type ofKind(TypeKind k) {
        return switch (k) {
            case BOOLEAN, BYTE, CHAR, SHORT, INT -> Type.INT;
            case LONG -> Type.LONG;
            case FLOAT -> Type.FLOAT;
            case DOUBLE -> Type.DOUBLE;
            case REFERENCE -> Type.ref(ConstantDescs.CD_Object);
            case VOID -> null;
        };
    }

    private int setLocal(int slot, Type t) {
        if (slot > 0 && locals[slot - 1].wide()) {
            locals[slot - 1] = Type.TOP;
        }
        locals[slot] = t;
        if (t.wide()) {
            locals[slot + 1] = Type.HIGH;
            return slot + 2;
        }
        return slot + 1;
    }

    private void push(Type t) {
        if (t == null) {
            return;
        }
        stack.add(t);
        if (t.wide()) {
            stack.add(Type.HIGH);
        }
    }

    private Type word() {
        if (stack.isEmpty()) {
            throw new IllegalArgumentException("operand stack underflow in the analysis");
        }
        return stack.removeLast();
    }

    /** Pops a value that an instruction consumes: the Yielder may not be consumed by anything but a yield. */
    private Type pop(String consumer) {
        Type t = word();
        if (t.kind == Kind.HIGH) {
            t = word();
        }
        if (t.kind == Kind.YIELDER) {
            throw new IllegalArgumentException("the Yielder escapes: " + consumer);
        }
        return t;
    }

    private void pop(int n, String consumer) {
        for (int i = 0; i < n; i++) {
            pop(consumer);
        }
    }

    private void execute(Instruction insn, int index, int line) {
        Opcode op = insn.opcode();
        switch (insn) {
            case LoadInstruction li -> push(li.slot() == yielderSlot ? Type.THE_YIELDER
                    : li.typeKind() == TypeKind.REFERENCE ? locals[li.slot()] : ofKind(li.typeKind()));
            case StoreInstruction si -> {
                if (si.slot() == yielderSlot || (si.typeKind().slotSize() == 2 && si.slot() + 1 == yielderSlot)) {
                    throw new IllegalArgumentException("the body assigns to its Yielder parameter");
                }
                Type v = pop("stored in a local variable");
                written.add(si.slot());
                written.add(si.slot() + si.typeKind().slotSize() - 1);
                setLocal(si.slot(), si.typeKind() == TypeKind.REFERENCE ? v : ofKind(si.typeKind()));
            }
            case IncrementInstruction ii -> written.add(ii.slot());
            case ConstantInstruction ci -> {
                if (op == Opcode.ACONST_NULL) {
                    push(Type.NULL);
                } else if (ci.typeKind() != TypeKind.REFERENCE) {
                    push(ofKind(ci.typeKind()));
                } else if (ci instanceof ConstantInstruction.LoadConstantInstruction lc) {
                    push(switch (lc.constantEntry()) {
                        case StringEntry s -> Type.ref(ConstantDescs.CD_String);
                        case ClassEntry c -> Type.ref(ConstantDescs.CD_Class);
                        case MethodTypeEntry m -> Type.ref(ConstantDescs.CD_MethodType);
                        case MethodHandleEntry m -> Type.ref(ConstantDescs.CD_MethodHandle);
                        case ConstantDynamicEntry d -> ofDesc(d.typeSymbol());
                        default -> throw new IllegalArgumentException("unexpected constant " + lc.constantEntry());
                    });
                } else {
                    throw new IllegalArgumentException("unexpected constant instruction " + op);
                }
            }
            case ArrayLoadInstruction al -> {
                pop("an array index");
                Type array = pop("an array");
                if (al.typeKind() != TypeKind.REFERENCE) {
                    push(ofKind(al.typeKind()));
                } else if (array.kind == Kind.REF && array.desc.isArray()) {
                    push(ofDesc(array.desc.componentType()));
                } else {
                    push(Type.NULL);
                }
            }
            case ArrayStoreInstruction ignored -> pop(3, "stored in an array");
            case OperatorInstruction o -> operator(op, o.typeKind());
            case ConvertInstruction c -> {
                pop("a conversion");
                push(ofKind(c.toType()));
            }
            case StackInstruction s -> stackOp(op);
            case BranchInstruction b -> {
                switch (op) {
                    case GOTO, GOTO_W -> reachable = false;
                    case IF_ICMPEQ, IF_ICMPNE, IF_ICMPLT, IF_ICMPGE, IF_ICMPGT, IF_ICMPLE, IF_ACMPEQ, IF_ACMPNE ->
                            pop(2, "compared");
                    default -> pop("tested");
                }
                jump(b.target());
            }
            case TableSwitchInstruction t -> {
                pop("a switch");
                jump(t.defaultTarget());
                t.cases().forEach(c -> jump(c.target()));
                reachable = false;
            }
            case LookupSwitchInstruction l -> {
                pop("a switch");
                jump(l.defaultTarget());
                l.cases().forEach(c -> jump(c.target()));
                reachable = false;
            }
            case ReturnInstruction r -> {
                if (r.typeKind() != TypeKind.VOID) {
                    pop("returned");
                }
                reachable = false;
            }
            case ThrowInstruction t -> {
                pop("thrown");
                reachable = false;
            }
            case FieldInstruction f -> {
                if (coroutine && (op == Opcode.GETSTATIC || op == Opcode.PUTSTATIC)
                        && (model == null || !f.owner().asSymbol().equals(model.thisClass().asSymbol()))) {
                    noteTaskUse("a static field of " + f.owner().asInternalName().replace('/', '.'));
                }
                switch (op) {
                    case GETSTATIC -> push(ofDesc(f.typeSymbol()));
                    case PUTSTATIC -> pop("stored in a static field");
                    case GETFIELD -> {
                        pop("a field access");
                        push(ofDesc(f.typeSymbol()));
                    }
                    default -> pop(2, "stored in a field");
                }
            }
            case InvokeInstruction i -> invoke(i, index, line);
            case InvokeDynamicInstruction d -> {
                if (coroutine && !isLambda(d) && !isStringConcat(d)) {
                    noteUnsafe("invokedynamic " + d.name().stringValue());
                    noteTaskUse("invokedynamic " + d.name().stringValue());
                }
                if (isSerializableLambda(d)) {
                    // Its capturing class would be the generated hidden class, which cannot be named when the
                    // lambda is serialized: the lambda would behave differently, so the body is not compiled.
                    throw new IllegalArgumentException("the body creates a serializable lambda (a generator body "
                            + "inside a generator body, for one)");
                }
                pop(d.typeSymbol().parameterCount(), "captured by a lambda or passed to invokedynamic");
                push(ofDesc(d.typeSymbol().returnType()));
            }
            case NewObjectInstruction n -> push(new Type(Kind.UNINIT, n.className().asSymbol(), new Object()));
            case NewPrimitiveArrayInstruction p -> {
                pop("an array size");
                push(Type.ref(p.typeKind().upperBound().arrayType()));
            }
            case NewReferenceArrayInstruction r -> {
                pop("an array size");
                push(Type.ref(r.componentType().asSymbol().arrayType()));
            }
            case NewMultiArrayInstruction m -> {
                pop(m.dimensions(), "an array size");
                push(Type.ref(m.arrayType().asSymbol()));
            }
            case TypeCheckInstruction t -> {
                pop("cast or tested with instanceof");
                push(op == Opcode.CHECKCAST ? Type.ref(t.type().asSymbol()) : Type.INT);
            }
            case MonitorInstruction m -> throw new IllegalArgumentException(
                    "the body uses synchronized (monitorenter/monitorexit)");
            case NopInstruction n -> {
            }
            case DiscontinuedInstruction d -> throw new IllegalArgumentException("the body uses jsr/ret");
            default -> throw new IllegalArgumentException("unexpected instruction " + op);
        }
    }

    private static boolean isLambda(InvokeDynamicInstruction d) {
        return d.bootstrapMethod().owner().equals(ClassDesc.of("java.lang.invoke.LambdaMetafactory"));
    }

    private static boolean isStringConcat(InvokeDynamicInstruction d) {
        return d.bootstrapMethod().owner().equals(ClassDesc.of("java.lang.invoke.StringConcatFactory"));
    }

    private void noteTaskUse(String what) {
        if (taskUse == null) {
            taskUse = what;
        }
    }

    /**
     * True for a call that runs no code but the JDK's: a static method of a leaf class, a constructor of one, or a
     * method of a final one (String, the boxes), given primitives, strings and primitive arrays only (an object,
     * or an array of them, could have its {@code toString} run: {@code String.valueOf(o)},
     * {@code String.format("%s", o)}).
     */
    private static boolean isLeafCall(Opcode op, String owner, String name, MethodTypeDesc type) {
        if (!LEAF_CLASSES.contains(owner) || !allPlainValues(type)) {
            return false;
        }
        return switch (op) {
            case INVOKESTATIC -> true;
            case INVOKESPECIAL -> name.equals(ConstantDescs.INIT_NAME);
            case INVOKEVIRTUAL -> FINAL_LEAF_CLASSES.contains(owner);
            default -> false;
        };
    }

    /** True if every parameter of {@code type} is a primitive, a String or an array of primitives. */
    private static boolean allPlainValues(MethodTypeDesc type) {
        for (ClassDesc p : type.parameterList()) {
            if (!p.isPrimitive() && !p.equals(ConstantDescs.CD_String)
                    && !(p.isArray() && p.componentType().isPrimitive())) {
                return false;
            }
        }
        return true;
    }

    private void noteUnsafe(String call) {
        if (unsafeCall == null) {
            unsafeCall = call;
        }
    }

    /** True when {@code owner.name} is an {@code await} the compiler turns into a suspension point. */
    private static boolean isAwait(Opcode op, String owner, String name, MethodTypeDesc type) {
        if (!name.equals("await")) {
            return false;
        }
        return switch (op) {
            case INVOKESTATIC -> owner.equals(PACKAGE + "Async") && type.parameterCount() == 1
                    && type.parameterType(0).equals(ClassDesc.of("io.github.asyncio4j.Awaitable"));
            case INVOKEINTERFACE -> owner.equals(PACKAGE + "Awaitable") && type.parameterCount() == 0;
            case INVOKEVIRTUAL -> (owner.equals(PACKAGE + "Future") || owner.equals(PACKAGE + "Task")
                    || owner.equals(PACKAGE + "Coroutine")) && type.parameterCount() == 0;
            default -> false;
        };
    }

    /** JDK classes whose methods call no code of the caller's (given only values of the types below). */
    private static final java.util.Set<String> LEAF_CLASSES = java.util.Set.of(
            "java/lang/Math", "java/lang/StrictMath", "java/lang/Integer", "java/lang/Long", "java/lang/Double",
            "java/lang/Float", "java/lang/Boolean", "java/lang/Short", "java/lang/Byte", "java/lang/Character",
            "java/lang/String", "java/lang/Object", "java/lang/System", "java/util/Objects",
            "java/lang/IllegalStateException", "java/lang/IllegalArgumentException", "java/lang/RuntimeException",
            "java/lang/Exception", "java/lang/Error", "java/lang/AssertionError",
            "java/util/concurrent/atomic/AtomicInteger", "java/util/concurrent/atomic/AtomicLong");

    /** The {@link #LEAF_CLASSES} no class can extend: their methods' code is the JDK's. */
    private static final java.util.Set<String> FINAL_LEAF_CLASSES = java.util.Set.of(
            "java/lang/Integer", "java/lang/Long", "java/lang/Double", "java/lang/Float", "java/lang/Boolean",
            "java/lang/Short", "java/lang/Byte", "java/lang/Character", "java/lang/String");

    /** asyncio4j's methods that never await (they make or schedule work, or read a state). */
    private static final java.util.Set<String> NEVER_AWAIT = java.util.Set.of(
            "Async.sleep", "Async.createTask", "Async.getRunningLoop", "Async.ensureFuture", "Async.gather",
            "Async.currentTask", "Coroutine.of", "Future.isDone", "Future.result", "Future.cancel",
            "Future.setResult", "Future.setException", "Future.isCancelled", "Future.exception", "Task.isDone",
            "Task.result", "Task.cancel", "Task.isCancelled", "Task.exception", "Task.getName",
            "EventLoop.time", "EventLoop.createFuture", "EventLoop.createTask", "EventLoop.callSoon",
            "EventLoop.getDebug");

    /**
     * True when the call may reach an {@code await} (so the coroutine's steps run in a continuation): anything
     * but a method of a leaf JDK class given primitives and strings (none calls back), or an asyncio4j method
     * that never awaits. Conservative: {@code toString} of a user object passed to {@code String.valueOf} is not
     * followed, an {@code Object} argument (or an array of objects: {@code String.format}'s) makes the call unsafe.
     */
    private static boolean mayAwait(String owner, String name, MethodTypeDesc type) {
        if (owner.startsWith(PACKAGE) && owner.indexOf('/', PACKAGE.length()) < 0) {
            return !NEVER_AWAIT.contains(owner.substring(PACKAGE.length()) + "." + name);
        }
        if (!LEAF_CLASSES.contains(owner)) {
            return true;
        }
        return !allPlainValues(type);
    }

    /**
     * True when {@code owner.name} is a static or private method of the body's own class whose code (and that of
     * the own static and private methods it calls, a few levels deep) has no await and no call that might await:
     * the common {@code return Coroutine.of(...)} factory, a helper computing a value. Unsure is false.
     */
    private boolean ownMethodCannotAwait(String owner, String name, MethodTypeDesc type, int depth,
            java.util.Set<String> seen) {
        if (model == null || depth > 3 || !owner.equals(model.thisClass().asInternalName())
                || !seen.add(name + type.descriptorString())) {
            return depth > 0 && seen.contains(name + type.descriptorString());   // a recursive call: the others decide
        }
        java.lang.classfile.MethodModel m = model.methods().stream()
                .filter(x -> x.methodName().equalsString(name) && x.methodType().equalsString(type.descriptorString()))
                .findFirst().orElse(null);
        if (m == null || m.code().isEmpty() || !(m.flags().has(java.lang.reflect.AccessFlag.STATIC)
                || m.flags().has(java.lang.reflect.AccessFlag.PRIVATE))) {
            return false;
        }
        for (CodeElement e : m.code().get()) {
            if (e instanceof InvokeInstruction i) {
                String o = i.owner().asInternalName();
                String n = i.name().stringValue();
                if (isAwait(i.opcode(), o, n, i.typeSymbol())) {
                    return false;
                }
                if (mayAwait(o, n, i.typeSymbol()) && !ownMethodCannotAwait(o, n, i.typeSymbol(), depth + 1, seen)) {
                    return false;
                }
            } else if (e instanceof InvokeDynamicInstruction d && !isLambda(d) && !isStringConcat(d)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isSerializableLambda(InvokeDynamicInstruction d) {
        var bsm = d.bootstrapMethod();
        if (!bsm.owner().equals(ClassDesc.of("java.lang.invoke.LambdaMetafactory"))
                || !bsm.methodName().equals("altMetafactory")) {
            return false;
        }
        var args = d.bootstrapArgs();
        return args.size() > 3 && args.get(3) instanceof Integer flags
                && (flags & java.lang.invoke.LambdaMetafactory.FLAG_SERIALIZABLE) != 0;
    }

    private void operator(Opcode op, TypeKind kind) {
        switch (op) {
            case INEG, LNEG, FNEG, DNEG -> {
                pop("arithmetic");
                push(ofKind(kind));
            }
            case ISHL, ISHR, IUSHR, LSHL, LSHR, LUSHR -> {
                pop(2, "arithmetic");
                push(op.name().charAt(0) == 'L' ? Type.LONG : Type.INT);
            }
            case LCMP, FCMPL, FCMPG, DCMPL, DCMPG -> {
                pop(2, "compared");
                push(Type.INT);
            }
            case ARRAYLENGTH -> {
                pop("an array length");
                push(Type.INT);
            }
            default -> {
                pop(2, "arithmetic");
                push(ofKind(kind));
            }
        }
    }

    /** The stack-shuffling instructions work on words, whatever the values are (the Yielder included). */
    private void stackOp(Opcode op) {
        int n = stack.size();
        switch (op) {
            case POP -> word();
            case POP2 -> {
                word();
                word();
            }
            case DUP -> stack.add(stack.get(n - 1));
            case DUP_X1 -> stack.add(n - 2, stack.get(n - 1));
            case DUP_X2 -> stack.add(n - 3, stack.get(n - 1));
            case DUP2 -> stack.addAll(List.copyOf(stack.subList(n - 2, n)));
            case DUP2_X1 -> stack.addAll(n - 3, List.copyOf(stack.subList(n - 2, n)));
            case DUP2_X2 -> stack.addAll(n - 4, List.copyOf(stack.subList(n - 2, n)));
            case SWAP -> {
                Type top = stack.get(n - 1);
                stack.set(n - 1, stack.get(n - 2));
                stack.set(n - 2, top);
            }
            default -> throw new IllegalArgumentException("unexpected stack instruction " + op);
        }
    }

    private void invoke(InvokeInstruction i, int index, int line) {
        MethodTypeDesc type = i.typeSymbol();
        if (coroutine) {
            String owner = i.owner().asInternalName();
            String name = i.name().stringValue();
            if (!isLeafCall(op(i), owner, name, type)) {
                noteTaskUse(owner.replace('/', '.') + "." + name);
            }
            if (isAwait(op(i), owner, name, type)) {
                pop("awaited");
                suspensionPoint(SiteKind.AWAIT, index, line);
                return;
            }
            if (mayAwait(owner, name, type) && !ownMethodCannotAwait(owner, name, type, 0, new java.util.HashSet<>())) {
                noteUnsafe(owner.replace('/', '.') + "." + name);
            }
        }
        boolean yieldCall = i.owner().asSymbol().equals(YIELDER)
                && (i.name().equalsString("yield") || i.name().equalsString("yieldFrom"));
        if (yieldCall) {
            Type receiver = stack.get(stack.size() - 2);
            if (receiver.kind != Kind.YIELDER || op(i) != Opcode.INVOKEINTERFACE) {
                throw new IllegalArgumentException("a yield on a Yielder other than the body's parameter "
                        + "(or one the compiler cannot trace to it)");
            }
            pop("yielded");
            word();
            suspensionPoint(i.name().equalsString("yieldFrom") ? SiteKind.YIELD_FROM : SiteKind.YIELD, index, line);
            return;
        }
        String callee = "passed to " + i.owner().asInternalName().replace('/', '.') + "." + i.name().stringValue();
        if (CALLER_SENSITIVE.contains(i.owner().asInternalName() + "." + i.name().stringValue())) {
            throw new IllegalArgumentException("the body calls " + callee.substring("passed to ".length())
                    + ", which would see the generated class as its caller");
        }
        pop(type.parameterCount(), callee);
        if (op(i) != Opcode.INVOKESTATIC) {
            Type receiver = pop(callee.replace("passed to", "the receiver of"));
            if (i.name().equalsString(ConstantDescs.INIT_NAME) && receiver.kind == Kind.UNINIT) {
                Type done = Type.ref(i.owner().asSymbol());
                stack.replaceAll(t -> t.equals(receiver) ? done : t);
                for (int s = 0; s < locals.length; s++) {
                    if (locals[s].equals(receiver)) {
                        locals[s] = done;
                    }
                }
            }
        }
        push(ofDesc(type.returnType()));
    }

    /** Records a suspension point with what is live across it (its operands already popped); pushes its value. */
    private void suspensionPoint(SiteKind kind, int index, int line) {
        List<Type> below = List.copyOf(stack);
        for (Type t : below) {
            if (t.kind == Kind.UNINIT) {
                throw new IllegalArgumentException("a suspension inside the arguments of a constructor call "
                        + "(an object under construction is on the stack)");
            }
        }
        Type[] live = locals.clone();
        for (Type t : live) {
            if (t.kind == Kind.UNINIT) {
                throw new IllegalArgumentException("a suspension while an object is under construction");
            }
        }
        sites.add(new Site(sites.size() + 1, kind, index, live, below, line));
        push(Type.ref(ConstantDescs.CD_Object));
    }

    private static Opcode op(Instruction i) {
        return i.opcode();
    }
}
