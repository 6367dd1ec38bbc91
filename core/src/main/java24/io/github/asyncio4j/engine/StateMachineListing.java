package io.github.asyncio4j.engine;

import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassModel;
import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ConstantInstruction;
import java.lang.classfile.instruction.FieldInstruction;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.InvokeDynamicInstruction;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.NewObjectInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.classfile.instruction.TypeCheckInstruction;
import java.lang.classfile.constantpool.ClassEntry;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A readable, javap-like listing of a generated state machine: its fields and its {@code step} method, one
 * instruction a line, labels numbered in code order, class names without their packages. Deterministic, so the
 * guide can show it and a test can check it.
 */
final class StateMachineListing {
    private StateMachineListing() {
    }

    static String render(byte[] bytes, String bodyName) {
        ClassModel model = ClassFile.of().parse(bytes);
        StringBuilder out = new StringBuilder();
        out.append("state machine of ").append(bodyName).append(" (extends GeneratorStateMachine)\n");
        model.fields().forEach(f -> out.append("  ").append(simple(f.fieldTypeSymbol().displayName())).append(' ')
                .append(f.fieldName().stringValue()).append('\n'));
        for (MethodModel m : model.methods()) {
            if (!m.methodName().equalsString("step")) {
                continue;
            }
            out.append("  Object step(Object sent, Throwable thrown)   // locals: 0 this, 1 sent, 2 thrown, "
                    + "3.. the body's\n");
            CodeModel code = m.code().orElseThrow();
            Map<Label, String> names = new HashMap<>();
            for (CodeElement e : code) {
                if (e instanceof LabelTarget t) {
                    names.putIfAbsent(t.label(), "L" + names.size());
                }
            }
            for (CodeElement e : code) {
                if (e instanceof LabelTarget t && usedAsTarget(code, t.label())) {
                    out.append("   ").append(names.get(t.label())).append(":\n");
                } else if (e instanceof Instruction i) {
                    out.append("      ").append(render(i, names)).append('\n');
                }
            }
        }
        return out.toString();
    }

    private static boolean usedAsTarget(CodeModel code, Label label) {
        for (CodeElement e : code) {
            if (e instanceof BranchInstruction b && b.target() == label) {
                return true;
            }
            if (e instanceof TableSwitchInstruction t && (t.defaultTarget() == label
                    || t.cases().stream().anyMatch(c -> c.target() == label))) {
                return true;
            }
        }
        return code.exceptionHandlers().stream().anyMatch(h -> h.handler() == label);
    }

    private static String render(Instruction i, Map<Label, String> names) {
        String op = i.opcode().name().toLowerCase();
        return switch (i) {
            case LoadInstruction l -> op.replaceAll("_\\d$", "") + " " + l.slot();
            case StoreInstruction s -> op.replaceAll("_\\d$", "") + " " + s.slot();
            case IncrementInstruction n -> op + " " + n.slot() + ", " + n.constant();
            case FieldInstruction f -> op + " " + f.name().stringValue();
            case InvokeInstruction v -> op + " " + simple(v.owner()) + "." + v.name().stringValue();
            case InvokeDynamicInstruction d -> op + " " + d.name().stringValue();
            case BranchInstruction b -> op + " " + names.get(b.target());
            case TableSwitchInstruction t -> op + " {" + t.cases().stream()
                    .map((SwitchCase c) -> c.caseValue() + ": " + names.get(c.target()))
                    .collect(Collectors.joining(", ")) + ", default: " + names.get(t.defaultTarget()) + "}";
            case ConstantInstruction c -> op.startsWith("ldc") ? "ldc " + quote(c.constantValue())
                    : op.contains("const") ? op : op + " " + c.constantValue();
            case TypeCheckInstruction t -> op + " " + simple(t.type());
            case NewObjectInstruction n -> op + " " + simple(n.className());
            default -> op;
        };
    }

    private static String quote(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    private static String simple(ClassEntry c) {
        return simple(c.asInternalName().replace('/', '.'));
    }

    private static String simple(String name) {
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }
}
