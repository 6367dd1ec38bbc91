package io.github.asyncio4j.engine;

import java.lang.classfile.CodeElement;
import java.lang.classfile.CodeModel;
import java.lang.classfile.Instruction;
import java.lang.classfile.Label;
import java.lang.classfile.Opcode;
import java.lang.classfile.instruction.BranchInstruction;
import java.lang.classfile.instruction.ExceptionCatch;
import java.lang.classfile.instruction.IncrementInstruction;
import java.lang.classfile.instruction.LabelTarget;
import java.lang.classfile.instruction.LoadInstruction;
import java.lang.classfile.instruction.LookupSwitchInstruction;
import java.lang.classfile.instruction.ReturnInstruction;
import java.lang.classfile.instruction.StoreInstruction;
import java.lang.classfile.instruction.SwitchCase;
import java.lang.classfile.instruction.TableSwitchInstruction;
import java.lang.classfile.instruction.ThrowInstruction;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Which local slots of a body are live where: read on some path before being written. The writer spills and
 * reloads across a suspension point only the locals live after it, so a suspended machine neither keeps dead
 * values reachable nor pays a field store (under G1, a reference store into an old object costs a fence) for
 * each of them per {@code yield}.
 *
 * <p>The classic backward data-flow over the body's instructions (indexed as {@link BodyAnalysis} indexes them,
 * in code order). An instruction inside a {@code try} range may continue at its handler, with the locals as they
 * were before it: the handler's live-in is part of the instruction's live-in, so what a {@code catch} or
 * {@code finally} reads after a {@code throwInto} or {@code close} at a suspension point stays live there. A wide
 * value is tracked by its first slot (its loads and stores name that slot).
 */
final class Liveness {
    private final BitSet[] liveOut;

    /** Computes the live locals of {@code code}. */
    Liveness(CodeModel code) {
        List<Instruction> insns = new ArrayList<>();
        Map<Label, Integer> at = new HashMap<>();
        for (CodeElement e : code) {
            if (e instanceof LabelTarget lt) {
                at.put(lt.label(), insns.size());
            } else if (e instanceof Instruction insn) {
                insns.add(insn);
            }
        }
        int n = insns.size();
        List<List<Integer>> handlers = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            handlers.add(new ArrayList<>());
        }
        for (ExceptionCatch c : code.exceptionHandlers()) {
            int from = at.get(c.tryStart());
            int to = at.get(c.tryEnd());
            int handler = at.get(c.handler());
            for (int i = from; i < to; i++) {
                handlers.get(i).add(handler);
            }
        }
        List<int[]> successors = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            successors.add(successors(insns.get(i), i, at));
        }
        BitSet[] liveIn = new BitSet[n + 1];
        liveOut = new BitSet[n];
        for (int i = 0; i < n; i++) {
            liveIn[i] = new BitSet();
            liveOut[i] = new BitSet();
        }
        liveIn[n] = new BitSet();   // falling off the end: the verifier forbids it; nothing is live there
        boolean changed = true;
        while (changed) {
            changed = false;
            for (int i = n - 1; i >= 0; i--) {
                BitSet out = new BitSet();
                for (int s : successors.get(i)) {
                    out.or(liveIn[s]);
                }
                BitSet in = (BitSet) out.clone();
                Instruction insn = insns.get(i);
                if (insn instanceof StoreInstruction st) {
                    in.clear(st.slot());
                } else if (insn instanceof LoadInstruction ld) {
                    in.set(ld.slot());
                } else if (insn instanceof IncrementInstruction inc) {
                    in.set(inc.slot());
                }
                for (int h : handlers.get(i)) {
                    in.or(liveIn[h]);
                }
                if (!out.equals(liveOut[i]) || !in.equals(liveIn[i])) {
                    liveOut[i] = out;
                    liveIn[i] = in;
                    changed = true;
                }
            }
        }
        for (int i = 0; i < n; i++) {
            for (int h : handlers.get(i)) {
                liveOut[i].or(liveIn[h]);
            }
        }
    }

    private static int[] successors(Instruction insn, int i, Map<Label, Integer> at) {
        return switch (insn) {
            case BranchInstruction b -> b.opcode() == Opcode.GOTO || b.opcode() == Opcode.GOTO_W
                    ? new int[] {at.get(b.target())}
                    : new int[] {at.get(b.target()), i + 1};
            case TableSwitchInstruction t -> targets(t.defaultTarget(), t.cases(), at);
            case LookupSwitchInstruction l -> targets(l.defaultTarget(), l.cases(), at);
            case ReturnInstruction r -> new int[0];
            case ThrowInstruction t -> new int[0];
            default -> new int[] {i + 1};
        };
    }

    private static int[] targets(Label dflt, List<SwitchCase> cases, Map<Label, Integer> at) {
        int[] out = new int[cases.size() + 1];
        out[0] = at.get(dflt);
        for (int c = 0; c < cases.size(); c++) {
            out[c + 1] = at.get(cases.get(c).target());
        }
        return out;
    }

    /**
     * True when local {@code slot} is live after instruction {@code instruction}, its handlers included: at a
     * suspension point, whether the local must survive the suspension.
     */
    boolean liveAfter(int instruction, int slot) {
        return liveOut[instruction].get(slot);
    }
}
