package io.hami.hooks;

import io.hami.bindings.cuda.CudaDriver;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.Collections;
import java.util.function.Function;

/**
 * Hot-path linkage, in one shape. Hooks see and pass C pointers as {@code long}: the bindings' descriptors with every
 * pointer turned into {@code JAVA_LONG}, so no {@link MemorySegment} is made per call.
 *
 * <p>Every driver function of at most {@link #SHARED_ARITY} arguments that are all integers or pointers, returning a
 * {@code CUresult}, is linked at {@link #SHARED}: six {@code long}s in, an {@code int} out, both ways. The boot runs
 * interpreted, and every distinct call shape costs it spun classes (the linker's stub, and the method-handle forms of
 * each adaptation and of each call site's type, ~0.7 ms each on the build machine): one shape for nearly everything
 * took the first call 133 → 99 ms there (docs/startup.md, step 11). Sound on the 64-bit Linux ABIs (x86-64, AArch64),
 * where these arguments travel in registers: an {@code int} in the low half of one (a callee ignores the upper half,
 * and a hook casts it back), and a callee ignores registers beyond its own arguments, as an upcall ignores those its
 * caller did not set. Downcalls at the shared shape are {@link Downcall}s; upcalls enter through
 * {@link HookEntries}. The few functions of another shape (kernel launches, structs by value) keep their own.
 */
public final class Downcalls {
    private static final Linker LINKER = Linker.nativeLinker();

    /** The register arguments of x86-64 (AArch64 has eight). */
    public static final int SHARED_ARITY = 6;

    /** The shared shape: {@code int f(long, long, long, long, long, long)}. */
    public static final FunctionDescriptor SHARED = FunctionDescriptor.of(ValueLayout.JAVA_INT,
            Collections.nCopies(SHARED_ARITY, ValueLayout.JAVA_LONG).toArray(MemoryLayout[]::new));

    /** The shape's one handle, the function's address its first argument: {@link Downcall}s share it. */
    private static final MethodHandle LINKED = LINKER.downcallHandle(SHARED);

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

    /** Whether a C function of {@code descriptor} is linked at {@link #SHARED}. */
    public static boolean shared(FunctionDescriptor descriptor) {
        FunctionDescriptor raw = raw(descriptor);
        return raw.returnLayout().filter(ValueLayout.JAVA_INT::equals).isPresent()
                && raw.argumentLayouts().size() <= SHARED_ARITY
                && raw.argumentLayouts().stream().allMatch(a -> a.equals(ValueLayout.JAVA_INT)
                        || a.equals(ValueLayout.JAVA_LONG));
    }

    /** The C function at {@code address}, of a {@link #shared} shape. */
    public static Downcall link(MemorySegment address) {
        return new Downcall(LINKED, address);
    }

    /**
     * The real driver function {@code name} of a {@link #shared} {@code descriptor}, found through {@code resolver};
     * where this driver has no such function, one that answers {@code CUDA_ERROR_NOT_FOUND} (its hook is then never
     * installed).
     */
    public static Downcall real(Function<String, MemorySegment> resolver, String name, FunctionDescriptor descriptor) {
        if (!shared(descriptor)) {
            throw new IllegalArgumentException(name + " " + descriptor + " is not of the shared shape: use typed()");
        }
        MemorySegment address = resolver.apply(name);
        return address == null || address.equals(MemorySegment.NULL)
                ? new Downcall(notFound(LINKED.type()), MemorySegment.NULL) : link(address);
    }

    /**
     * The real driver function {@code name} of any other shape, as a handle of its raw type (pointers as long); where
     * this driver has no such function, one that answers {@code CUDA_ERROR_NOT_FOUND}.
     */
    public static MethodHandle typed(Function<String, MemorySegment> resolver, String name,
                                     FunctionDescriptor descriptor) {
        if (shared(descriptor)) {
            throw new IllegalArgumentException(name + " is of the shared shape: use real()");
        }
        FunctionDescriptor raw = raw(descriptor);
        MemorySegment address = resolver.apply(name);
        return address == null || address.equals(MemorySegment.NULL) ? notFound(raw.toMethodType())
                : LINKER.downcallHandle(address, raw);
    }

    /** A handle of {@code type} (an int result) that answers {@code CUDA_ERROR_NOT_FOUND} whatever its arguments. */
    private static MethodHandle notFound(MethodType type) {
        return MethodHandles.dropArguments(MethodHandles.constant(int.class, CudaDriver.CUDA_ERROR_NOT_FOUND), 0,
                type.parameterList());
    }

    /** An upcall stub at the shared shape for {@code entry}, whose type is {@code SHARED}'s (a {@link HookEntries}). */
    public static MemorySegment upcall(MethodHandle entry) {
        return LINKER.upcallStub(entry, SHARED, Arena.global());
    }

    /** An upcall stub for {@code target} of another shape, whose type is {@code raw(descriptor)}'s. */
    public static MemorySegment upcall(MethodHandle target, FunctionDescriptor descriptor) {
        if (shared(descriptor)) {
            throw new IllegalArgumentException(descriptor + " is the shared shape: enter through upcall(entry)");
        }
        return LINKER.upcallStub(target, raw(descriptor), Arena.global());
    }
}
