package io.hami.hooks;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import io.hami.bindings.cuda.CudaDriver;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/**
 * Hot-path linkage. Hooks see and pass C pointers as {@code long}: the bindings' descriptors with every pointer
 * turned into {@code JAVA_LONG}, so no {@link MemorySegment} is made per call.
 */
public final class Downcalls {
    private static final Linker LINKER = Linker.nativeLinker();

    private Downcalls() {}

    /** {@code descriptor} with pointers as {@code long}. */
    public static FunctionDescriptor raw(FunctionDescriptor descriptor) {
        MemoryLayout[] args = descriptor.argumentLayouts().stream().map(Downcalls::raw).toArray(MemoryLayout[]::new);
        return descriptor.returnLayout().map(r -> FunctionDescriptor.of(raw(r), args))
                .orElseGet(() -> FunctionDescriptor.ofVoid(args));
    }

    private static MemoryLayout raw(MemoryLayout layout) {
        return layout instanceof AddressLayout ? ValueLayout.JAVA_LONG : layout;
    }

    /**
     * Calls of at most this many arguments, every one of them an integer or a pointer, are linked as this many
     * {@code long}s: the register arguments of x86-64 (six; AArch64 has eight).
     */
    static final int PADDED_ARITY = 6;

    /**
     * What the linker is given for {@code raw}: where every argument is an {@code int} or a {@code long} and there
     * are at most {@link #PADDED_ARITY}, that many {@code long}s. The linker spins a class per distinct shape, ~7 ms
     * each on the boot (interpreted, docs/startup.md); this way the hooks' ~35 functions need one shape each way, not
     * ~17. Sound on the 64-bit Linux ABIs (x86-64, AArch64), where these arguments travel in registers: an int in the
     * low half of a 64-bit register, whose upper half the callee ignores; a callee ignores registers beyond its own
     * arguments, and an upcall drops the values of those its caller did not set. Other calls keep their shape.
     */
    static FunctionDescriptor linked(FunctionDescriptor raw) {
        List<MemoryLayout> args = raw.argumentLayouts();
        boolean integers = !args.isEmpty() && args.size() <= PADDED_ARITY
                && args.stream().allMatch(a -> a.equals(ValueLayout.JAVA_INT) || a.equals(ValueLayout.JAVA_LONG));
        if (!integers) {
            return raw;
        }
        MemoryLayout[] padded = new MemoryLayout[PADDED_ARITY];
        Arrays.fill(padded, ValueLayout.JAVA_LONG);
        return raw.returnLayout().map(r -> FunctionDescriptor.of(r, padded))
                .orElseGet(() -> FunctionDescriptor.ofVoid(padded));
    }

    /** An upcall stub for {@code target}, whose type is {@code raw(descriptor)}'s, linked at its shared shape. */
    public static MemorySegment upcall(MethodHandle target, FunctionDescriptor descriptor) {
        FunctionDescriptor raw = raw(descriptor);
        FunctionDescriptor linked = linked(raw);
        MethodHandle adapted = target;
        if (linked != raw) {
            int arity = raw.argumentLayouts().size();
            MethodType wide = linked.toMethodType().dropParameterTypes(arity, PADDED_ARITY);
            adapted = MethodHandles.dropArguments(MethodHandles.explicitCastArguments(target, wide), arity,
                    linked.toMethodType().parameterList().subList(arity, PADDED_ARITY));
        }
        return LINKER.upcallStub(adapted, linked, Arena.global());
    }

    /** A downcall to {@code address} of type {@code raw.toMethodType()}, linked at its shared shape. */
    public static MethodHandle downcall(MemorySegment address, FunctionDescriptor raw) {
        FunctionDescriptor linked = linked(raw);
        MethodHandle handle = LINKER.downcallHandle(address, linked);
        if (linked != raw) {
            // the padding repeats the first argument, which the callee never reads: no bound values, so no
            // BoundMethodHandle species is spun per count of them (insertArguments would)
            int arity = raw.argumentLayouts().size();
            MethodType wide = linked.toMethodType().dropParameterTypes(arity, PADDED_ARITY);
            int[] order = new int[PADDED_ARITY];
            for (int i = 0; i < arity; i++) {
                order[i] = i;
            }
            handle = MethodHandles.permuteArguments(handle, wide, order);
        }
        return handle.asType(raw.toMethodType());
    }

    /**
     * A raw downcall to the real driver function {@code name}, found through {@code resolver}; where this driver has
     * no such function, a handle that answers {@code CUDA_ERROR_NOT_FOUND} (its hook is then never installed).
     */
    public static MethodHandle real(Function<String, MemorySegment> resolver, String name,
                                    FunctionDescriptor descriptor) {
        FunctionDescriptor raw = raw(descriptor);
        MemorySegment address = resolver.apply(name);
        if (address == null || address.equals(MemorySegment.NULL)) {
            MethodType type = raw.toMethodType();
            return MethodHandles.dropArguments(MethodHandles.constant(int.class, CudaDriver.CUDA_ERROR_NOT_FOUND), 0,
                    type.parameterList());
        }
        return downcall(address, raw);
    }
}
