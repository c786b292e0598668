package io.hami.hooks;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import io.hami.bindings.cuda.CudaDriver;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
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
        return LINKER.downcallHandle(address, raw);
    }
}
