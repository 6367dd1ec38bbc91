package io.github.asyncio4j.engine;

import io.github.asyncio4j.engine.BodyAnalysis.Kind;
import io.github.asyncio4j.engine.BodyAnalysis.Site;
import io.github.asyncio4j.engine.BodyAnalysis.Type;
import java.lang.classfile.Attributes;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.TypeKind;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LineNumber;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.constant.ClassDesc;
import java.lang.constant.ConstantDescs;
import java.lang.constant.DynamicConstantDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.reflect.AccessFlag;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the state machine class for one analysed body. Its {@code step(sent, thrown)} is the body's own code
 * with every local moved up by three slots ({@code this}, {@code sent}, {@code thrown}), entered through one
 * {@code tableswitch} on {@code state}:
 *
 * <pre>
 *   state 0  : load the parameters (captured values) from their fields, run the body from its start
 *   state k  : reload the locals and operand-stack values live at suspension point k from their fields,
 *              jump back into the body at k, where {@code thrown} is raised or {@code sent} is the yield's value
 * </pre>
 *
 * <p>At suspension point k the yield call becomes: spill the operand stack below it and the locals live after it
 * ({@link Liveness}) into fields,
 * {@code state = k}, return the yielded value. The resume code sits at the place of the call, so the body's
 * exception handlers and {@code finally} blocks cover it as they covered the call; the reload blocks sit before
 * the body, outside every handler. A {@code yieldFrom} keeps resuming at k while its delegate yields. Each
 * {@code return v} becomes {@code return returned(v)}. Stack maps are computed afresh by the ClassFile API.
 */
final class StateMachineWriter {
    static final ClassDesc MACHINE = ClassDesc.of("io.github.asyncio4j.GeneratorStateMachine");
    private static final ClassDesc CD_GENERATOR = BodyAnalysis.GENERATOR;
    private static final ClassDesc CD_STE = ClassDesc.of("java.lang.StackTraceElement");
    private static final int SHIFT = 3;

    private final ClassModel model;
    private final MethodModel method;
    private final BodyAnalysis analysis;
    private final Liveness liveness;
    private final ClassDesc self;
    /** Parameter slot to its type, in parameter order (captured values), without the Yielder. */
    private final Map<Integer, Type> params = new LinkedHashMap<>();
    private final ClassDesc returnType;

    StateMachineWriter(ClassModel model, MethodModel method, boolean isStatic, BodyAnalysis analysis) {
        this.model = model;
        this.method = method;
        this.analysis = analysis;
        this.liveness = new Liveness(method.code().orElseThrow());
        boolean coroutine = analysis.yielderSlot < 0;
        this.self = ClassDesc.of(model.thisClass().asInternalName().replace('/', '.')
                + (coroutine ? "$$Coroutine" : "$$Generator"));
        MethodTypeDesc type = method.methodTypeSymbol();
        int slot = 0;
        if (!isStatic) {
            params.put(slot++, Type.ref(model.thisClass().asSymbol()));
        }
        for (int i = 0; i < type.parameterCount() - (coroutine ? 0 : 1); i++) {
            Type t = BodyAnalysis.ofDesc(type.parameterType(i));
            params.put(slot, t);
            slot += t.wide() ? 2 : 1;
        }
        this.returnType = type.returnType();
    }

    /** The body's frame at each resume point, indexed by state (0 unused), for {@code getStack()}. */
    StackTraceElement[] sites(Class<?> implClass) {
        String file = model.findAttribute(Attributes.sourceFile()).map(a -> a.sourceFile().stringValue())
                .orElse(null);
        StackTraceElement[] out = new StackTraceElement[analysis.sites.size() + 1];
        for (Site s : analysis.sites) {
            out[s.state()] = new StackTraceElement(implClass.getName(), method.methodName().stringValue(), file,
                    s.line());
        }
        return out;
    }

    byte[] write(ClassHierarchyResolver resolver) {
        ClassHierarchyResolver own = desc -> desc.equals(self)
                ? ClassHierarchyResolver.ClassHierarchyInfo.ofClass(MACHINE) : null;
        ClassFile cf = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(own.orElse(resolver)));
        Map<String, ClassDesc> fields = fields();
        CodeModel code = method.code().orElseThrow();
        return cf.build(self, cb -> {
            cb.withVersion(Math.max(model.majorVersion(), ClassFile.JAVA_8_VERSION), 0);
            cb.withFlags(AccessFlag.FINAL, AccessFlag.SUPER);
            cb.withSuperclass(MACHINE);
            fields.forEach((name, type) -> cb.withField(name, type, ClassFile.ACC_PRIVATE));
            cb.withMethodBody(ConstantDescs.INIT_NAME,
                    MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_Object.arrayType()),
                    ClassFile.ACC_PUBLIC, this::constructor);
            cb.withMethodBody(ConstantDescs.INIT_NAME, ConstantDescs.MTD_void, ClassFile.ACC_PUBLIC,
                    b -> b.aload(0).invokespecial(MACHINE, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void).return_());
            cb.withMethodBody("make", MethodTypeDesc.of(MACHINE, ConstantDescs.CD_Object.arrayType()),
                    ClassFile.ACC_PUBLIC | ClassFile.ACC_FINAL,
                    b -> b.new_(self).dup().aload(1).invokespecial(self, ConstantDescs.INIT_NAME,
                            MethodTypeDesc.of(ConstantDescs.CD_void, ConstantDescs.CD_Object.arrayType())).areturn());
            // The sites are the class's data (see GeneratorCompiler.compile): one constant per class.
            cb.withMethodBody("sites", MethodTypeDesc.of(CD_STE.arrayType()),
                    ClassFile.ACC_PROTECTED | ClassFile.ACC_FINAL,
                    b -> b.ldc(DynamicConstantDesc.ofNamed(ConstantDescs.BSM_CLASS_DATA, ConstantDescs.DEFAULT_NAME,
                            CD_STE.arrayType())).areturn());
            cb.withMethodBody("step",
                    MethodTypeDesc.of(ConstantDescs.CD_Object, ConstantDescs.CD_Object, ConstantDescs.CD_Throwable),
                    ClassFile.ACC_PROTECTED | ClassFile.ACC_FINAL, b -> step(b, code));
        });
    }

    private Map<String, ClassDesc> fields() {
        Map<String, ClassDesc> f = new LinkedHashMap<>();
        params.forEach((slot, t) -> f.put(local(slot, t), fieldType(t)));
        for (Site s : analysis.sites) {
            Type[] locals = s.locals();
            for (int slot = 0; slot < locals.length; slot++) {
                if (kept(s, slot)) {
                    f.put(local(slot, locals[slot]), fieldType(locals[slot]));
                }
            }
            List<Type> entries = entries(s);
            for (int d = 0; d < entries.size(); d++) {
                if (entries.get(d).letter() != null) {
                    f.put(stackField(d, entries.get(d)), fieldType(entries.get(d)));
                }
            }
        }
        return f;
    }

    private boolean spilled(int slot, Type t) {
        return slot != analysis.yielderSlot && t.letter() != null;
    }

    /** True when local {@code slot} crosses suspension point {@code s} in a field: it has a value that is read later. */
    private boolean kept(Site s, int slot) {
        return spilled(slot, s.locals()[slot]) && liveness.liveAfter(s.instruction(), slot);
    }

    private static String local(int slot, Type t) {
        return "l" + slot + t.letter();
    }

    private static String stackField(int depth, Type t) {
        return "s" + depth + t.letter();
    }

    private static ClassDesc fieldType(Type t) {
        return switch (t.kind()) {
            case INT -> ConstantDescs.CD_int;
            case LONG -> ConstantDescs.CD_long;
            case FLOAT -> ConstantDescs.CD_float;
            case DOUBLE -> ConstantDescs.CD_double;
            default -> ConstantDescs.CD_Object;
        };
    }

    private static TypeKind typeKind(Type t) {
        return switch (t.kind()) {
            case INT -> TypeKind.INT;
            case LONG -> TypeKind.LONG;
            case FLOAT -> TypeKind.FLOAT;
            case DOUBLE -> TypeKind.DOUBLE;
            default -> TypeKind.REFERENCE;
        };
    }

    /** The operand-stack values below a suspension point, bottom first (a long or double is one entry). */
    private static List<Type> entries(Site s) {
        List<Type> out = new ArrayList<>();
        for (Type t : s.stack()) {
            if (t.kind() != Kind.HIGH) {
                out.add(t);
            }
        }
        return out;
    }

    private void constructor(CodeBuilder b) {
        b.aload(0).invokespecial(MACHINE, ConstantDescs.INIT_NAME, ConstantDescs.MTD_void);
        MethodTypeDesc type = method.methodTypeSymbol();
        int index = 0;
        int p = method.flags().has(AccessFlag.STATIC) ? 0 : -1;
        for (var e : params.entrySet()) {
            b.aload(0).aload(1).loadConstant(index++).aaload();
            ClassDesc declared = p < 0 ? null : type.parameterType(p);
            p++;
            if (declared != null && declared.isPrimitive()) {
                TypeKind k = TypeKind.from(declared);
                ClassDesc box = box(k);
                b.checkcast(box).invokevirtual(box, k.name().toLowerCase() + "Value", MethodTypeDesc.of(declared));
            }
            b.putfield(self, local(e.getKey(), e.getValue()), fieldType(e.getValue()));
        }
        b.return_();
    }

    private static ClassDesc box(TypeKind k) {
        return switch (k) {
            case BOOLEAN -> ConstantDescs.CD_Boolean;
            case BYTE -> ConstantDescs.CD_Byte;
            case CHAR -> ConstantDescs.CD_Character;
            case SHORT -> ConstantDescs.CD_Short;
            case INT -> ConstantDescs.CD_Integer;
            case LONG -> ConstantDescs.CD_Long;
            case FLOAT -> ConstantDescs.CD_Float;
            case DOUBLE -> ConstantDescs.CD_Double;
            default -> throw new IllegalArgumentException(k.toString());
        };
    }

    private void step(CodeBuilder b, CodeModel code) {
        List<Site> sites = analysis.sites;
        int n = sites.size();
        Label start = b.newLabel();
        Label bad = b.newLabel();
        Label[] reload = new Label[n];
        Label[] resume = new Label[n];
        List<SwitchCase> cases = new ArrayList<>();
        cases.add(SwitchCase.of(0, start));
        for (int k = 0; k < n; k++) {
            reload[k] = b.newLabel();
            resume[k] = b.newLabel();
            cases.add(SwitchCase.of(k + 1, reload[k]));
        }
        b.aload(0).getfield(self, "state", ConstantDescs.CD_int).tableswitch(0, n, bad, cases);
        b.labelBinding(bad);
        ClassDesc ise = ClassDesc.of("java.lang.IllegalStateException");
        b.new_(ise).dup().ldc("generator state machine resumed in an impossible state")
                .invokespecial(ise, ConstantDescs.INIT_NAME, MethodTypeDesc.of(ConstantDescs.CD_void,
                        ConstantDescs.CD_String))
                .athrow();
        for (Site s : sites) {
            b.labelBinding(reload[s.state() - 1]);
            reloadLocals(b, s);
            List<Type> entries = entries(s);
            for (int d = 0; d < entries.size(); d++) {
                Type t = entries.get(d);
                if (t.letter() == null) {
                    b.aconst_null();
                } else {
                    b.aload(0).getfield(self, stackField(d, t), fieldType(t));
                    cast(b, t);
                }
            }
            b.goto_(resume[s.state() - 1]);
        }
        b.labelBinding(start);
        params.forEach((slot, t) -> {
            b.aload(0).getfield(self, local(slot, t), fieldType(t));
            cast(b, t);
            b.storeLocal(typeKind(t), slot + SHIFT);
        });
        Map<Integer, Site> byInstruction = new HashMap<>();
        sites.forEach(s -> byInstruction.put(s.instruction(), s));
        int[] counter = {0};
        b.transform(code, (java.lang.classfile.CodeTransform) (cob, e) -> {
            if (e instanceof Instruction insn) {
                Site site = byInstruction.get(counter[0]++);
                if (site != null) {
                    suspensionPoint(cob, site, reload[site.state() - 1], resume[site.state() - 1]);
                } else {
                    instruction(cob, insn);
                }
            } else if (e instanceof LabelTarget || e instanceof LineNumber || e instanceof ExceptionCatch) {
                cob.with(e);
            }
        });
    }

    private void instruction(CodeBuilder b, Instruction insn) {
        switch (insn) {
            case LoadInstruction li -> {
                if (li.slot() == analysis.yielderSlot) {
                    b.aconst_null();
                } else {
                    b.loadLocal(li.typeKind(), li.slot() + SHIFT);
                }
            }
            case StoreInstruction si -> b.storeLocal(si.typeKind(), si.slot() + SHIFT);
            case IncrementInstruction ii -> b.iinc(ii.slot() + SHIFT, ii.constant());
            case ReturnInstruction r -> {
                if (returnType.isPrimitive()) {
                    ClassDesc box = box(TypeKind.from(returnType));
                    b.invokestatic(box, "valueOf", MethodTypeDesc.of(box, returnType));
                }
                b.aload(0).swap().invokevirtual(self, "returned",
                        MethodTypeDesc.of(ConstantDescs.CD_Object, ConstantDescs.CD_Object)).areturn();
            }
            default -> b.with((CodeElement) insn);
        }
    }

    /**
     * A {@code yield}; a {@code yieldFrom} (the delegate on the stack, the Yielder below it: its first step is the
     * resume point's, entered with nothing sent); an {@code await} (the awaitable on the stack: its first step is
     * {@code beginAwait}, spilling only if it suspends). The last two keep stepping the delegate at the resume point
     * until it ends.
     */
    private void suspensionPoint(CodeBuilder b, Site s, Label reload, Label resume) {
        if (s.kind() == BodyAnalysis.SiteKind.AWAIT) {
            // beginAwait(x) gives the end marker when x is done already (no spill), else the first trap.
            MethodTypeDesc step = MethodTypeDesc.of(ConstantDescs.CD_Object, ConstantDescs.CD_Object,
                    ConstantDescs.CD_Throwable);
            MethodTypeDesc isEnd = MethodTypeDesc.of(ConstantDescs.CD_boolean, ConstantDescs.CD_Object);
            Label done = b.newLabel();
            b.aload(0).swap().invokevirtual(self, "beginAwait",
                    MethodTypeDesc.of(ConstantDescs.CD_Object, ConstantDescs.CD_Object));
            b.dup().invokestatic(MACHINE, "isEnd", isEnd).ifne(done);
            b.astore(1);
            spill(b, s);
            b.aload(1).areturn();
            b.labelBinding(resume);
            b.aload(0).aload(1).aload(2).invokevirtual(self, "stepAwait", step);
            b.dup().invokestatic(MACHINE, "isEnd", isEnd).ifne(done).areturn();
            b.labelBinding(done);
            b.pop().aload(0).invokevirtual(self, "awaitResult", MethodTypeDesc.of(ConstantDescs.CD_Object));
        } else if (s.yieldFrom()) {
            b.aload(0).swap().invokevirtual(self, "beginYieldFrom",
                    MethodTypeDesc.of(ConstantDescs.CD_void, CD_GENERATOR));
            b.pop();
            spill(b, s);
            b.aconst_null().astore(1).aconst_null().astore(2).goto_(reload);
            b.labelBinding(resume);
            Label done = b.newLabel();
            b.aload(0).aload(1).aload(2).invokevirtual(self, "stepYieldFrom",
                    MethodTypeDesc.of(ConstantDescs.CD_Object, ConstantDescs.CD_Object, ConstantDescs.CD_Throwable));
            b.dup().invokestatic(MACHINE, "isEnd", MethodTypeDesc.of(ConstantDescs.CD_boolean,
                    ConstantDescs.CD_Object)).ifne(done).areturn();
            b.labelBinding(done);
            b.pop().aload(0).invokevirtual(self, "yieldFromResult", MethodTypeDesc.of(ConstantDescs.CD_Object));
        } else {
            b.astore(1).pop();
            spill(b, s);
            b.aload(1).areturn();
            b.labelBinding(resume);
            Label sent = b.newLabel();
            b.aload(2).ifnull(sent).aload(2).athrow();
            b.labelBinding(sent);
            b.aload(1);
        }
    }

    /**
     * A parameter (captured value) that no instruction writes keeps in its field the value the constructor put
     * there: it is reloaded at each resume but never spilled.
     */
    private boolean readOnly(int slot) {
        Type t = params.get(slot);
        return t != null && !analysis.written.contains(slot) && !(t.wide() && analysis.written.contains(slot + 1));
    }

    /** Stores the operand stack (top first) and the locals of {@code s} in fields, and sets the state. */
    private void spill(CodeBuilder b, Site s) {
        List<Type> entries = entries(s);
        for (int d = entries.size() - 1; d >= 0; d--) {
            Type t = entries.get(d);
            if (t.letter() == null) {
                b.pop();
            } else if (t.wide()) {
                b.aload(0).dup_x2().pop().putfield(self, stackField(d, t), fieldType(t));
            } else {
                b.aload(0).swap().putfield(self, stackField(d, t), fieldType(t));
            }
        }
        Type[] locals = s.locals();
        for (int slot = 0; slot < locals.length; slot++) {
            if (kept(s, slot) && !readOnly(slot)) {
                b.aload(0).loadLocal(typeKind(locals[slot]), slot + SHIFT)
                        .putfield(self, local(slot, locals[slot]), fieldType(locals[slot]));
            }
        }
        b.aload(0).loadConstant(s.state()).putfield(self, "state", ConstantDescs.CD_int);
    }

    private void reloadLocals(CodeBuilder b, Site s) {
        Type[] locals = s.locals();
        for (int slot = 0; slot < locals.length; slot++) {
            Type t = locals[slot];
            if (kept(s, slot)) {
                b.aload(0).getfield(self, local(slot, t), fieldType(t));
                cast(b, t);
                b.storeLocal(typeKind(t), slot + SHIFT);
            } else if (t.kind() == Kind.NULL && slot != analysis.yielderSlot) {
                b.aconst_null().astore(slot + SHIFT);
            }
        }
    }

    private static void cast(CodeBuilder b, Type t) {
        if (t.kind() == Kind.REF && !t.desc().equals(ConstantDescs.CD_Object)) {
            b.checkcast(t.desc());
        }
    }
}
