package io.hami.bindings.cuda;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.MemoryLayout.PathElement.sequenceElement;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SegmentAllocator;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.ValueLayout.OfByte;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfShort;
import java.lang.invoke.VarHandle;
import java.util.function.Consumer;

/**
 * {@snippet lang=c :
 * typedef struct CUmemAllocationProp_st {
 *     CUmemAllocationType type;
 *     CUmemAllocationHandleType requestedHandleTypes;
 *     CUmemLocation location;
 *     void *win32HandleMetaData;
 *     struct {
 *         unsigned char compressionType;
 *         unsigned char gpuDirectRDMACapable;
 *         unsigned short usage;
 *         unsigned char reserved[4];
 *     } allocFlags;
 * } CUmemAllocationProp_v1;
 * typedef CUmemAllocationProp_v1 CUmemAllocationProp;
 * }
 */
public final class CUmemAllocationProp {

    private CUmemAllocationProp() {}

    private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
            CudaDriver.C_INT.withName("type"),
            CudaDriver.C_INT.withName("requestedHandleTypes"),
            CUmemLocation.layout().withName("location"),
            CudaDriver.C_POINTER.withName("win32HandleMetaData"),
            allocFlags.layout().withName("allocFlags")
    ).withName("CUmemAllocationProp_st");

    /** The layout of this struct. */
    public static GroupLayout layout() {
        return $LAYOUT;
    }

    public static final long SIZEOF = 32;

    // ---- CUmemAllocationType type ----

    private static final OfInt type$LAYOUT = (OfInt) $LAYOUT.select(groupElement("type"));

    public static OfInt type$layout() {
        return type$LAYOUT;
    }

    public static final long type$OFFSET = 0;

    public static long type$offset() {
        return type$OFFSET;
    }

    public static int type(MemorySegment struct) {
        return struct.get(type$LAYOUT, type$OFFSET);
    }

    public static void type(MemorySegment struct, int fieldValue) {
        struct.set(type$LAYOUT, type$OFFSET, fieldValue);
    }

    // ---- CUmemAllocationHandleType requestedHandleTypes ----

    private static final OfInt requestedHandleTypes$LAYOUT =
            (OfInt) $LAYOUT.select(groupElement("requestedHandleTypes"));

    public static OfInt requestedHandleTypes$layout() {
        return requestedHandleTypes$LAYOUT;
    }

    public static final long requestedHandleTypes$OFFSET = 4;

    public static long requestedHandleTypes$offset() {
        return requestedHandleTypes$OFFSET;
    }

    public static int requestedHandleTypes(MemorySegment struct) {
        return struct.get(requestedHandleTypes$LAYOUT, requestedHandleTypes$OFFSET);
    }

    public static void requestedHandleTypes(MemorySegment struct, int fieldValue) {
        struct.set(requestedHandleTypes$LAYOUT, requestedHandleTypes$OFFSET, fieldValue);
    }

    // ---- CUmemLocation location ----

    private static final GroupLayout location$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("location"));

    public static GroupLayout location$layout() {
        return location$LAYOUT;
    }

    public static final long location$OFFSET = 8;

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

    // ---- void *win32HandleMetaData ----

    private static final AddressLayout win32HandleMetaData$LAYOUT =
            (AddressLayout) $LAYOUT.select(groupElement("win32HandleMetaData"));

    public static AddressLayout win32HandleMetaData$layout() {
        return win32HandleMetaData$LAYOUT;
    }

    public static final long win32HandleMetaData$OFFSET = 16;

    public static long win32HandleMetaData$offset() {
        return win32HandleMetaData$OFFSET;
    }

    public static MemorySegment win32HandleMetaData(MemorySegment struct) {
        return struct.get(win32HandleMetaData$LAYOUT, win32HandleMetaData$OFFSET);
    }

    public static void win32HandleMetaData(MemorySegment struct, MemorySegment fieldValue) {
        struct.set(win32HandleMetaData$LAYOUT, win32HandleMetaData$OFFSET, fieldValue);
    }

    // ---- struct { ... } allocFlags ----

    /**
     * {@snippet lang=c :
     * struct {
     *     unsigned char compressionType;
     *     unsigned char gpuDirectRDMACapable;
     *     unsigned short usage;
     *     unsigned char reserved[4];
     * }
     * }
     */
    public static final class allocFlags {

        private allocFlags() {}

        private static final GroupLayout $LAYOUT = MemoryLayout.structLayout(
                CudaDriver.C_CHAR.withName("compressionType"),
                CudaDriver.C_CHAR.withName("gpuDirectRDMACapable"),
                CudaDriver.C_SHORT.withName("usage"),
                MemoryLayout.sequenceLayout(4, CudaDriver.C_CHAR).withName("reserved")
        ).withName("$anon$allocFlags");

        public static GroupLayout layout() {
            return $LAYOUT;
        }

        public static final long SIZEOF = 8;

        private static final OfByte compressionType$LAYOUT = (OfByte) $LAYOUT.select(groupElement("compressionType"));

        public static OfByte compressionType$layout() {
            return compressionType$LAYOUT;
        }

        public static final long compressionType$OFFSET = 0;

        public static long compressionType$offset() {
            return compressionType$OFFSET;
        }

        public static byte compressionType(MemorySegment struct) {
            return struct.get(compressionType$LAYOUT, compressionType$OFFSET);
        }

        public static void compressionType(MemorySegment struct, byte fieldValue) {
            struct.set(compressionType$LAYOUT, compressionType$OFFSET, fieldValue);
        }

        private static final OfByte gpuDirectRDMACapable$LAYOUT =
                (OfByte) $LAYOUT.select(groupElement("gpuDirectRDMACapable"));

        public static OfByte gpuDirectRDMACapable$layout() {
            return gpuDirectRDMACapable$LAYOUT;
        }

        public static final long gpuDirectRDMACapable$OFFSET = 1;

        public static long gpuDirectRDMACapable$offset() {
            return gpuDirectRDMACapable$OFFSET;
        }

        public static byte gpuDirectRDMACapable(MemorySegment struct) {
            return struct.get(gpuDirectRDMACapable$LAYOUT, gpuDirectRDMACapable$OFFSET);
        }

        public static void gpuDirectRDMACapable(MemorySegment struct, byte fieldValue) {
            struct.set(gpuDirectRDMACapable$LAYOUT, gpuDirectRDMACapable$OFFSET, fieldValue);
        }

        private static final OfShort usage$LAYOUT = (OfShort) $LAYOUT.select(groupElement("usage"));

        public static OfShort usage$layout() {
            return usage$LAYOUT;
        }

        public static final long usage$OFFSET = 2;

        public static long usage$offset() {
            return usage$OFFSET;
        }

        public static short usage(MemorySegment struct) {
            return struct.get(usage$LAYOUT, usage$OFFSET);
        }

        public static void usage(MemorySegment struct, short fieldValue) {
            struct.set(usage$LAYOUT, usage$OFFSET, fieldValue);
        }

        private static final SequenceLayout reserved$LAYOUT = (SequenceLayout) $LAYOUT.select(groupElement("reserved"));

        public static SequenceLayout reserved$layout() {
            return reserved$LAYOUT;
        }

        public static final long reserved$OFFSET = 4;

        public static long reserved$offset() {
            return reserved$OFFSET;
        }

        public static MemorySegment reserved(MemorySegment struct) {
            return struct.asSlice(reserved$OFFSET, reserved$LAYOUT.byteSize());
        }

        public static void reserved(MemorySegment struct, MemorySegment fieldValue) {
            MemorySegment.copy(fieldValue, 0L, struct, reserved$OFFSET, reserved$LAYOUT.byteSize());
        }

        private static final long[] reserved$DIMS = {4};

        public static long[] reserved$dimensions() {
            return reserved$DIMS.clone();
        }

        private static final VarHandle reserved$ELEM_HANDLE =
                $LAYOUT.varHandle(groupElement("reserved"), sequenceElement());

        public static byte reserved(MemorySegment struct, long index0) {
            return (byte) reserved$ELEM_HANDLE.get(struct, 0L, index0);
        }

        public static void reserved(MemorySegment struct, long index0, byte fieldValue) {
            reserved$ELEM_HANDLE.set(struct, 0L, index0, fieldValue);
        }

        public static long sizeof() {
            return layout().byteSize();
        }
    }

    private static final GroupLayout allocFlags$LAYOUT = (GroupLayout) $LAYOUT.select(groupElement("allocFlags"));

    public static GroupLayout allocFlags$layout() {
        return allocFlags$LAYOUT;
    }

    public static final long allocFlags$OFFSET = 24;

    public static long allocFlags$offset() {
        return allocFlags$OFFSET;
    }

    /** A slice of {@code struct} covering {@code allocFlags}; use {@link allocFlags}'s accessors on it. */
    public static MemorySegment allocFlags(MemorySegment struct) {
        return struct.asSlice(allocFlags$OFFSET, allocFlags$LAYOUT.byteSize());
    }

    public static void allocFlags(MemorySegment struct, MemorySegment fieldValue) {
        MemorySegment.copy(fieldValue, 0L, struct, allocFlags$OFFSET, allocFlags$LAYOUT.byteSize());
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
