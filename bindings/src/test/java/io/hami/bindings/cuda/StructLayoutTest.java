package io.hami.bindings.cuda;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.foreign.Arena;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;

/** The literal offset/size constants agree with the layouts (which the C check compares with cuda.h). */
class StructLayoutTest {

    private static long off(GroupLayout g, String field) {
        return g.byteOffset(groupElement(field));
    }

    @Test
    void cuuuid() {
        assertThat(CUuuid.sizeof()).isEqualTo(CUuuid.SIZEOF).isEqualTo(16);
        assertThat(CUuuid.bytes$OFFSET).isEqualTo(off(CUuuid.layout(), "bytes")).isEqualTo(CUuuid.bytes$offset());
        assertThat(CUuuid.bytes$dimensions()).containsExactly(16);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment u = CUuuid.allocate(arena);
            for (int i = 0; i < 16; i++) {
                CUuuid.bytes(u, i, (byte) (0xA0 + i));
            }
            assertThat(CUuuid.bytes(u, 15)).isEqualTo((byte) 0xAF);
            assertThat(CUuuid.bytes(u).toArray(CudaDriver.C_CHAR)).hasSize(16).startsWith((byte) 0xA0);
            assertThatThrownBy(() -> CUuuid.bytes(u, 16)).isInstanceOf(IndexOutOfBoundsException.class);
        }
    }

    @Test
    void cumemLocation() {
        GroupLayout g = CUmemLocation.layout();
        assertThat(CUmemLocation.sizeof()).isEqualTo(CUmemLocation.SIZEOF).isEqualTo(8);
        assertThat(CUmemLocation.type$OFFSET).isEqualTo(off(g, "type"));
        assertThat(CUmemLocation.id$OFFSET).isEqualTo(off(g, "id"));
    }

    @Test
    void cumemAccessDesc() {
        GroupLayout g = CUmemAccessDesc.layout();
        assertThat(CUmemAccessDesc.sizeof()).isEqualTo(CUmemAccessDesc.SIZEOF).isEqualTo(12);
        assertThat(g.byteAlignment()).isEqualTo(4);
        assertThat(CUmemAccessDesc.location$OFFSET).isEqualTo(off(g, "location"));
        assertThat(CUmemAccessDesc.flags$OFFSET).isEqualTo(off(g, "flags"));
    }

    @Test
    void cumemAllocationProp() {
        GroupLayout g = CUmemAllocationProp.layout();
        assertThat(CUmemAllocationProp.sizeof()).isEqualTo(CUmemAllocationProp.SIZEOF).isEqualTo(32);
        assertThat(g.byteAlignment()).isEqualTo(8);
        assertThat(CUmemAllocationProp.type$OFFSET).isEqualTo(off(g, "type"));
        assertThat(CUmemAllocationProp.requestedHandleTypes$OFFSET).isEqualTo(off(g, "requestedHandleTypes"));
        assertThat(CUmemAllocationProp.location$OFFSET).isEqualTo(off(g, "location"));
        assertThat(CUmemAllocationProp.win32HandleMetaData$OFFSET).isEqualTo(off(g, "win32HandleMetaData"));
        assertThat(CUmemAllocationProp.allocFlags$OFFSET).isEqualTo(off(g, "allocFlags"));

        GroupLayout f = CUmemAllocationProp.allocFlags.layout();
        assertThat(CUmemAllocationProp.allocFlags.sizeof()).isEqualTo(CUmemAllocationProp.allocFlags.SIZEOF).isEqualTo(8);
        assertThat(CUmemAllocationProp.allocFlags.compressionType$OFFSET).isEqualTo(off(f, "compressionType"));
        assertThat(CUmemAllocationProp.allocFlags.gpuDirectRDMACapable$OFFSET).isEqualTo(off(f, "gpuDirectRDMACapable"));
        assertThat(CUmemAllocationProp.allocFlags.usage$OFFSET).isEqualTo(off(f, "usage"));
        assertThat(CUmemAllocationProp.allocFlags.reserved$OFFSET).isEqualTo(off(f, "reserved"));
    }

    @Test
    void cumemAllocationPropAccessorsWriteWhereCExpects() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment p = CUmemAllocationProp.allocate(arena);
            CUmemAllocationProp.type(p, 1);
            CUmemAllocationProp.requestedHandleTypes(p, 0x2);
            MemorySegment loc = CUmemAllocationProp.location(p);
            CUmemLocation.type(loc, 1);
            CUmemLocation.id(loc, 7);
            CUmemAllocationProp.win32HandleMetaData(p, MemorySegment.ofAddress(0x1234));
            MemorySegment flags = CUmemAllocationProp.allocFlags(p);
            CUmemAllocationProp.allocFlags.compressionType(flags, (byte) 1);
            CUmemAllocationProp.allocFlags.gpuDirectRDMACapable(flags, (byte) 1);
            CUmemAllocationProp.allocFlags.usage(flags, (short) 0x0102);
            CUmemAllocationProp.allocFlags.reserved(flags, 3, (byte) 9);

            // raw reads at the C offsets (checked against cuda.h by CudaHeaderConformanceTest)
            assertThat(p.get(CudaDriver.C_INT, 0)).isEqualTo(1);
            assertThat(p.get(CudaDriver.C_INT, 4)).isEqualTo(2);
            assertThat(p.get(CudaDriver.C_INT, 8)).isEqualTo(1);
            assertThat(p.get(CudaDriver.C_INT, 12)).isEqualTo(7);
            assertThat(p.get(CudaDriver.C_POINTER, 16).address()).isEqualTo(0x1234);
            assertThat(p.get(CudaDriver.C_CHAR, 24)).isEqualTo((byte) 1);
            assertThat(p.get(CudaDriver.C_CHAR, 25)).isEqualTo((byte) 1);
            assertThat(p.get(CudaDriver.C_SHORT, 26)).isEqualTo((short) 0x0102);
            assertThat(p.get(CudaDriver.C_CHAR, 31)).isEqualTo((byte) 9);

            assertThat(CUmemLocation.id(CUmemAllocationProp.location(p))).isEqualTo(7);
            assertThat(CUmemAllocationProp.allocFlags.usage(CUmemAllocationProp.allocFlags(p))).isEqualTo((short) 0x0102);
        }
    }
}
