package io.hami.bindings.cuda;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.PathElement.sequenceElement;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SequenceLayout;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * {@snippet lang=c :
 * typedef struct CUuuid_st {
 *     char bytes[16];
 * } CUuuid;
 * }
 */
public final class CUuuid {

    private CUuuid() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            MemoryLayout.sequenceLayout(16, CudaDriver.C_CHAR).withName("bytes")
    ).withName("CUuuid_st");

    /** The layout of this struct. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static final long SIZEOF = 16;

    // ---- char bytes[16] ----

    private static final SequenceLayout bytes$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("bytes"));

    public static SequenceLayout bytes$layout() {
        return bytes$LAYOUT;
    }

    public static final long bytes$OFFSET = 0;

    public static long bytes$offset() {
        return bytes$OFFSET;
    }

    /** A slice of {@code struct} covering {@code bytes}. */
    public static MemorySegment bytes(MemorySegment struct) {
        return struct.asSlice(bytes$OFFSET, bytes$LAYOUT.byteSize());
    }

    public static void bytes(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, bytes$OFFSET, bytes$LAYOUT.byteSize());
    }

    private static final long[] bytes$DIMS = {16};

    public static long[] bytes$dimensions() {
        return bytes$DIMS.clone();
    }

    private static final VarHandle bytes$ELEM_HANDLE = $LAYOUT.varHandle(groupElement("bytes"), sequenceElement());

    public static byte bytes(MemorySegment struct, long index0) {
        return (byte) bytes$ELEM_HANDLE.get(struct, 0L, index0);
    }

    public static void bytes(MemorySegment struct, long index0, byte fieldValue) {
        bytes$ELEM_HANDLE.set(struct, 0L, index0, fieldValue);
    }

    // ---- helpers ----

    public static MemorySegment asSlice(MemorySegment array, long index) {
        return array.asSlice(layout().byteSize() * index);
    }

    public static long sizeof() {
        return layout().byteSize();
    }

    public static MemorySegment allocate(SegmentAllocator allocator) {
        return allocator.allocate(layout());
    }

    public static MemorySegment allocateArray(long elementCount, SegmentAllocator allocator) {
        return allocator.allocate(MemoryLayout.sequenceLayout(elementCount, layout()));
    }

    public static MemorySegment reinterpret(MemorySegment addr, Arena arena, Consumer<MemorySegment> cleanup) {
        return reinterpret(addr, 1, arena, cleanup);
    }

    public static MemorySegment reinterpret(MemorySegment addr, long elementCount, Arena arena,
                                            Consumer<MemorySegment> cleanup) {
        return addr.reinterpret(layout().byteSize() * elementCount, arena, cleanup);
    }
}
