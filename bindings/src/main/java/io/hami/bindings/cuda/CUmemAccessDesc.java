package io.hami.bindings.cuda;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.ValueLayout.OfInt;
import java.util.function.Consumer;

/**
 * {@snippet lang=c :
 * typedef struct CUmemAccessDesc_st {
 *     CUmemLocation location;
 *     CUmemAccess_flags flags;
 * } CUmemAccessDesc_v1;
 * typedef CUmemAccessDesc_v1 CUmemAccessDesc;
 * }
 */
public final class CUmemAccessDesc {

    private CUmemAccessDesc() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            CUmemLocation.layout().withName("location"),
            CudaDriver.C_INT.withName("flags")
    ).withName("CUmemAccessDesc_st");

    /** The layout of this struct. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static final long SIZEOF = 12;

    // ---- CUmemLocation location ----

    private static final GroupLayout location$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("location"));

    public static GroupLayout location$layout() {
        return location$LAYOUT;
    }

    public static final long location$OFFSET = 0;

    public static long location$offset() {
        return location$OFFSET;
    }

    /** A slice of {@code struct} covering {@code location}; use {@link CUmemLocation}'s accessors on it. */
    public static MemorySegment location(MemorySegment struct) {
        return struct.asSlice(location$OFFSET, location$LAYOUT.byteSize());
    }

    public static void location(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, location$OFFSET, location$LAYOUT.byteSize());
    }

    // ---- CUmemAccess_flags flags ----

    private static final OfInt flags$LAYOUT = (OfInt) $LAYOUT.select(groupElement("flags"));

    public static OfInt flags$layout() {
        return flags$LAYOUT;
    }

    public static final long flags$OFFSET = 8;

    public static long flags$offset() {
        return flags$OFFSET;
    }

    public static int flags(MemorySegment struct) {
        return struct.get(flags$LAYOUT, flags$OFFSET);
    }

    public static void flags(MemorySegment struct, int fieldValue) {
        struct.set(flags$LAYOUT, flags$OFFSET, fieldValue);
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
