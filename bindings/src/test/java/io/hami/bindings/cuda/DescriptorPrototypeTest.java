package io.hami.bindings.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import io.hami.bindings.cuda.CudaDriver.FunctionInfo;
import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodType;
import java.lang.reflect.Modifier;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Each DESC must be what the recorded PROTOTYPE implies on LP64 Linux, and the wrappers must match DESC. */
class DescriptorPrototypeTest {

    // Independent of CudaDriver's own mapping on purpose. An unknown type fails the test: extend this deliberately.
    static final Map<String, MemoryLayout> C_TYPES = Map.ofEntries(
            entry("char", JAVA_BYTE),
            entry("unsigned char", JAVA_BYTE),
            entry("short", JAVA_SHORT),
            entry("unsigned short", JAVA_SHORT),
            entry("int", JAVA_INT),
            entry("unsigned int", JAVA_INT),
            entry("CUresult", JAVA_INT),
            entry("CUdevice", JAVA_INT),
            entry("CUdevice_attribute", JAVA_INT),
            entry("CUdriverProcAddress_flags", JAVA_INT),
            entry("CUdriverProcAddressQueryResult", JAVA_INT),
            entry("CUmemAllocationType", JAVA_INT),
            entry("CUmemAllocationHandleType", JAVA_INT),
            entry("CUmemLocationType", JAVA_INT),
            entry("CUmemAccess_flags", JAVA_INT),
            entry("CUmemAllocationGranularity_flags", JAVA_INT),
            entry("long", JAVA_LONG),
            entry("unsigned long", JAVA_LONG),
            entry("unsigned long long", JAVA_LONG),
            entry("CUmemGenericAllocationHandle", JAVA_LONG),
            entry("size_t", JAVA_LONG),
            entry("CUdeviceptr", JAVA_LONG),
            entry("cuuint64_t", JAVA_LONG),
            entry("CUcontext", ADDRESS),
            entry("CUstream", ADDRESS),
            entry("CUfunction", ADDRESS),
            entry("CUmemoryPool", ADDRESS),
            entry("CUarray", ADDRESS),
            entry("CUmipmappedArray", ADDRESS),
            entry("CUexternalMemory", ADDRESS),
            entry("CUgraphMem_attribute", JAVA_INT),
            entry("CUmem_advise", JAVA_INT),
            entry("CUgraphExec", ADDRESS),
            entry("CUevent", ADDRESS),
            entry("CUstreamCaptureStatus", JAVA_INT),
            entry("CUstreamCaptureMode", JAVA_INT),
            entry("CUmemLocation", MemoryLayout.structLayout(JAVA_INT.withName("type"), JAVA_INT.withName("id"))),
            entry("CUipcMemHandle", MemoryLayout.structLayout(MemoryLayout.sequenceLayout(64, JAVA_BYTE).withName("reserved"))));

    static MemoryLayout layoutOf(String baseType, int pointerDepth, String where) {
        if (pointerDepth > 0) {
            return ADDRESS;
        }
        MemoryLayout l = C_TYPES.get(baseType);
        assertThat(l).as("C type '%s' in %s has no mapping in the test; add one", baseType, where).isNotNull();
        return l;
    }

    /** Layout identity ignoring names and pointer target layouts. */
    static MemoryLayout shape(MemoryLayout l) {
        return (l instanceof AddressLayout a ? a.withoutTargetLayout() : l).withoutName();
    }

    static FunctionDescriptor expected(String prototype) {
        Prototype p = Prototype.parse(prototype);
        MemoryLayout[] args = p.params().stream()
                .map(x -> layoutOf(x.baseType(), x.pointerDepth(), prototype))
                .toArray(MemoryLayout[]::new);
        if (p.returnType().equals("void")) {
            return FunctionDescriptor.ofVoid(args);
        }
        String ret = p.returnType().replace("const ", "");
        int depth = (int) ret.chars().filter(ch -> ch == '*').count();
        return FunctionDescriptor.of(layoutOf(ret.replace("*", "").trim(), depth, prototype), args);
    }

    @Test
    void parserHandlesTheShapesWeRecord() {
        Prototype p = Prototype.parse(CudaDriver.cuGetProcAddress_v2.PROTOTYPE);
        assertThat(p.name()).isEqualTo("cuGetProcAddress_v2");
        assertThat(p.returnType()).isEqualTo("CUresult");
        assertThat(p.params()).containsExactly(
                new Prototype.Param("char", 1, "symbol"),
                new Prototype.Param("void", 2, "pfn"),
                new Prototype.Param("int", 0, "cudaVersion"),
                new Prototype.Param("cuuint64_t", 0, "flags"),
                new Prototype.Param("CUdriverProcAddressQueryResult", 1, "symbolStatus"));
        assertThat(Prototype.parse(CudaDriver.cuCtxSynchronize.PROTOTYPE).params()).isEmpty();
        assertThat(Prototype.parse("CUresult cuInit(unsigned int Flags)").params())
                .containsExactly(new Prototype.Param("unsigned int", 0, "Flags"));
    }

    @Test
    void descriptorsMatchRecordedPrototypes() {
        // how many there are is RepositoryFilesTest's business (includes.txt); here: each is bound once
        assertThat(CudaDriver.functions()).extracting(FunctionInfo::name).doesNotHaveDuplicates().isNotEmpty();
        for (FunctionInfo f : CudaDriver.functions()) {
            FunctionDescriptor want = expected(f.prototype());
            FunctionDescriptor got = f.descriptor();
            assertThat(got.returnLayout().map(DescriptorPrototypeTest::shape))
                    .as("return layout of %s", f.prototype())
                    .isEqualTo(want.returnLayout().map(DescriptorPrototypeTest::shape));
            assertThat(got.argumentLayouts().stream().map(DescriptorPrototypeTest::shape).toList())
                    .as("argument layouts of %s", f.prototype())
                    .containsExactlyElementsOf(want.argumentLayouts().stream().map(DescriptorPrototypeTest::shape).toList());
        }
    }

    @Test
    void namesAreUniqueAndMatchHolderClasses() throws Exception {
        List<String> names = CudaDriver.functions().stream().map(FunctionInfo::name).toList();
        assertThat(names).doesNotHaveDuplicates();
        for (FunctionInfo f : CudaDriver.functions()) {
            Class<?> holder = Class.forName(CudaDriver.class.getName() + "$" + f.name());
            assertThat(holder.getField("NAME").get(null)).isEqualTo(f.name());
            assertThat(holder.getField("PROTOTYPE").get(null)).isEqualTo(f.prototype());
            assertThat(holder.getField("DESC").get(null)).isSameAs(f.descriptor());
        }
    }

    @Test
    void wrapperSignaturesFollowDescriptors() throws Exception {
        for (FunctionInfo f : CudaDriver.functions()) {
            MethodType mt = f.descriptor().toMethodType();
            var m = CudaDriver.class.getMethod(f.name(), mt.parameterArray());
            assertThat(Modifier.isStatic(m.getModifiers())).as(f.name()).isTrue();
            assertThat(m.getReturnType()).as(f.name()).isEqualTo(mt.returnType());
            assertThat(CudaDriver.class.getMethod(f.name() + "$descriptor").invoke(null)).isSameAs(f.descriptor());
            assertThat(CudaDriver.class.getMethod(f.name() + "$handle").getReturnType())
                    .isEqualTo(java.lang.invoke.MethodHandle.class);
            assertThat(CudaDriver.class.getMethod(f.name() + "$address").getReturnType()).isEqualTo(MemorySegment.class);
        }
    }

    @Test
    void typedefLayoutsMatchTheMapping() {
        for (var t : CudaDriver.typedefs()) {
            assertThat(shape(t.layout())).as(t.name()).isEqualTo(shape(layoutOf(t.name(), 0, "typedefs()")));
        }
    }

    @Test
    void everyPublicConstantIsRecorded() throws Exception {
        List<String> fields = Arrays.stream(CudaDriver.class.getFields())
                .filter(f -> f.getType() == int.class && Modifier.isStatic(f.getModifiers()))
                .map(java.lang.reflect.Field::getName)
                .toList();
        assertThat(CudaDriver.constants().stream().map(CudaDriver.ConstantInfo::name).toList())
                .containsExactlyInAnyOrderElementsOf(fields);
        for (var k : CudaDriver.constants()) {
            assertThat((long) (int) CudaDriver.class.getMethod(k.name()).invoke(null)).as(k.name()).isEqualTo(k.value());
        }
    }

    @Test
    void requestedValuesAreRecorded() {
        assertThat(CudaDriver.CUDA_SUCCESS).isZero();
        assertThat(CudaDriver.CUDA_ERROR_INVALID_VALUE).isEqualTo(1);
        assertThat(CudaDriver.CUDA_ERROR_OUT_OF_MEMORY).isEqualTo(2);
        assertThat(CudaDriver.CUDA_ERROR_NOT_INITIALIZED).isEqualTo(3);
        assertThat(CudaDriver.CUDA_ERROR_DEINITIALIZED).isEqualTo(4);
        assertThat(CudaDriver.CUDA_ERROR_INVALID_DEVICE).isEqualTo(101);
        assertThat(CudaDriver.CUDA_ERROR_INVALID_CONTEXT).isEqualTo(201);
        assertThat(CudaDriver.CUDA_ERROR_NOT_FOUND).isEqualTo(500);
        assertThat(CudaDriver.CUDA_ERROR_NOT_PERMITTED).isEqualTo(800);
        assertThat(CudaDriver.CUDA_ERROR_NOT_SUPPORTED).isEqualTo(801);
        assertThat(CudaDriver.CUDA_ERROR_UNKNOWN).isEqualTo(999);
        assertThat(CudaDriver.CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT).isEqualTo(16);
        assertThat(CudaDriver.cuMemAlloc_v2.PROTOTYPE).isEqualTo("CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)");
    }
}
