package io.hami.bindings.cuda;

import java.lang.foreign.AddressLayout;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.foreign.ValueLayout.OfBoolean;
import java.lang.foreign.ValueLayout.OfByte;
import java.lang.foreign.ValueLayout.OfDouble;
import java.lang.foreign.ValueLayout.OfFloat;
import java.lang.foreign.ValueLayout.OfInt;
import java.lang.foreign.ValueLayout.OfLong;
import java.lang.foreign.ValueLayout.OfShort;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Header class for the CUDA driver API ({@code cuda.h}), in the shape jextract generates
 * ({@code --header-class-name CudaDriver}), written by hand from {@code bindings/includes.txt}.
 *
 * <p>One deliberate difference from jextract: addresses come from a {@link Resolver} (the product's C
 * trampoline), never from {@code SymbolLookup}, so no code path can bind the real libcuda behind the
 * trampoline's back. Install it once with {@link #resolver(Resolver)} before calling any function.
 *
 * <p>Each function has a holder class named exactly as the exported C symbol (for example
 * {@link cuMemAlloc_v2}) carrying {@code NAME}, {@code PROTOTYPE} (as declared in {@code cuda.h}),
 * {@code DESC} and a lazily linked handle; {@link #functions()} lists them. The records are checked
 * against the real header by the module's tests.
 */
public final class CudaDriver {

    private CudaDriver() {}

    // ---- C layouts (Linux x86_64 / aarch64, LP64) ----

    public static final OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final OfInt C_INT = ValueLayout.JAVA_INT;
    public static final OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(Long.MAX_VALUE, ValueLayout.JAVA_BYTE));
    public static final OfLong C_LONG = ValueLayout.JAVA_LONG;

    // ---- typedefs ----

    /** {@snippet lang=c : typedef enum cudaError_enum { ... } CUresult; } */
    public static final OfInt CUresult = C_INT;
    /** {@snippet lang=c : typedef int CUdevice_v1; typedef CUdevice_v1 CUdevice; } */
    public static final OfInt CUdevice = C_INT;
    /** {@snippet lang=c : typedef enum CUdevice_attribute_enum { ... } CUdevice_attribute; } */
    public static final OfInt CUdevice_attribute = C_INT;
    /** {@snippet lang=c : typedef enum CUdriverProcAddress_flags_enum { ... } CUdriverProcAddress_flags; } */
    public static final OfInt CUdriverProcAddress_flags = C_INT;
    /** {@snippet lang=c : typedef enum CUdriverProcAddressQueryResult_enum { ... } CUdriverProcAddressQueryResult; } */
    public static final OfInt CUdriverProcAddressQueryResult = C_INT;
    /** {@snippet lang=c : typedef enum CUmemAllocationType_enum { ... } CUmemAllocationType; } */
    public static final OfInt CUmemAllocationType = C_INT;
    /** {@snippet lang=c : typedef enum CUmemAllocationHandleType_enum { ... } CUmemAllocationHandleType; } */
    public static final OfInt CUmemAllocationHandleType = C_INT;
    /** {@snippet lang=c : typedef enum CUmemLocationType_enum { ... } CUmemLocationType; } */
    public static final OfInt CUmemLocationType = C_INT;
    /** {@snippet lang=c : typedef unsigned long long CUmemGenericAllocationHandle_v1; typedef CUmemGenericAllocationHandle_v1 CUmemGenericAllocationHandle; } */
    public static final OfLong CUmemGenericAllocationHandle = C_LONG_LONG;
    /** {@snippet lang=c : typedef enum CUmemAccess_flags_enum { ... } CUmemAccess_flags; } */
    public static final OfInt CUmemAccess_flags = C_INT;
    /** {@snippet lang=c : typedef enum CUmemAllocationGranularity_flags_enum { ... } CUmemAllocationGranularity_flags; } */
    public static final OfInt CUmemAllocationGranularity_flags = C_INT;
    /** {@snippet lang=c : typedef unsigned long long CUdeviceptr_v2; typedef CUdeviceptr_v2 CUdeviceptr; } */
    public static final OfLong CUdeviceptr = C_LONG_LONG;
    /** {@snippet lang=c : typedef uint64_t cuuint64_t; } */
    public static final OfLong cuuint64_t = C_LONG;
    /** {@snippet lang=c : typedef unsigned long size_t; } */
    public static final OfLong size_t = C_LONG;
    /** {@snippet lang=c : typedef struct CUctx_st *CUcontext; } */
    public static final AddressLayout CUcontext = C_POINTER;
    /** {@snippet lang=c : typedef struct CUstream_st *CUstream; } */
    public static final AddressLayout CUstream = C_POINTER;
    /** {@snippet lang=c : typedef struct CUfunc_st *CUfunction; } */
    public static final AddressLayout CUfunction = C_POINTER;

    // ---- constants (fields for switch/case use, methods as jextract emits them) ----

    public static final int CUDA_SUCCESS = 0;
    public static final int CUDA_ERROR_INVALID_VALUE = 1;
    public static final int CUDA_ERROR_OUT_OF_MEMORY = 2;
    public static final int CUDA_ERROR_NOT_INITIALIZED = 3;
    public static final int CUDA_ERROR_DEINITIALIZED = 4;
    public static final int CUDA_ERROR_INVALID_DEVICE = 101;
    public static final int CUDA_ERROR_INVALID_CONTEXT = 201;
    public static final int CUDA_ERROR_NOT_FOUND = 500;
    public static final int CUDA_ERROR_NOT_PERMITTED = 800;
    public static final int CUDA_ERROR_NOT_SUPPORTED = 801;
    public static final int CUDA_ERROR_UNKNOWN = 999;
    public static final int CUDA_ERROR_NOT_READY = 600;
    public static final int CUDA_ERROR_STREAM_CAPTURE_IMPLICIT = 906;
    public static final int CU_EVENT_DEFAULT = 0;
    public static final int CU_STREAM_CAPTURE_STATUS_NONE = 0;
    public static final int CU_STREAM_CAPTURE_MODE_RELAXED = 2;

    public static final int CU_GET_PROC_ADDRESS_DEFAULT = 0;
    public static final int CU_GET_PROC_ADDRESS_LEGACY_STREAM = 1;
    public static final int CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM = 2;

    public static final int CU_GET_PROC_ADDRESS_SUCCESS = 0;
    public static final int CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND = 1;
    public static final int CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT = 2;

    public static final int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT = 16;
    public static final int CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED = 102;
    public static final int CU_MEM_HANDLE_TYPE_NONE = 0;
    public static final int CU_MEM_ALLOCATION_TYPE_PINNED = 1;
    public static final int CU_MEM_LOCATION_TYPE_DEVICE = 1;
    public static final int CU_MEM_ACCESS_FLAGS_PROT_READWRITE = 3;
    public static final int CU_MEM_ALLOC_GRANULARITY_MINIMUM = 0;
    public static final int CU_MEM_ALLOC_GRANULARITY_RECOMMENDED = 1;

    public static int CUDA_SUCCESS() {
        return CUDA_SUCCESS;
    }

    public static int CUDA_ERROR_INVALID_VALUE() {
        return CUDA_ERROR_INVALID_VALUE;
    }

    public static int CUDA_ERROR_OUT_OF_MEMORY() {
        return CUDA_ERROR_OUT_OF_MEMORY;
    }

    public static int CUDA_ERROR_NOT_INITIALIZED() {
        return CUDA_ERROR_NOT_INITIALIZED;
    }

    public static int CUDA_ERROR_DEINITIALIZED() {
        return CUDA_ERROR_DEINITIALIZED;
    }

    public static int CUDA_ERROR_INVALID_DEVICE() {
        return CUDA_ERROR_INVALID_DEVICE;
    }

    public static int CUDA_ERROR_INVALID_CONTEXT() {
        return CUDA_ERROR_INVALID_CONTEXT;
    }

    public static int CUDA_ERROR_NOT_FOUND() {
        return CUDA_ERROR_NOT_FOUND;
    }

    public static int CUDA_ERROR_NOT_PERMITTED() {
        return CUDA_ERROR_NOT_PERMITTED;
    }

    public static int CUDA_ERROR_NOT_SUPPORTED() {
        return CUDA_ERROR_NOT_SUPPORTED;
    }

    public static int CUDA_ERROR_UNKNOWN() {
        return CUDA_ERROR_UNKNOWN;
    }

    public static int CUDA_ERROR_NOT_READY() {
        return CUDA_ERROR_NOT_READY;
    }

    public static int CUDA_ERROR_STREAM_CAPTURE_IMPLICIT() {
        return CUDA_ERROR_STREAM_CAPTURE_IMPLICIT;
    }

    public static int CU_EVENT_DEFAULT() {
        return CU_EVENT_DEFAULT;
    }

    public static int CU_STREAM_CAPTURE_STATUS_NONE() {
        return CU_STREAM_CAPTURE_STATUS_NONE;
    }

    public static int CU_STREAM_CAPTURE_MODE_RELAXED() {
        return CU_STREAM_CAPTURE_MODE_RELAXED;
    }

    public static int CU_GET_PROC_ADDRESS_DEFAULT() {
        return CU_GET_PROC_ADDRESS_DEFAULT;
    }

    public static int CU_GET_PROC_ADDRESS_LEGACY_STREAM() {
        return CU_GET_PROC_ADDRESS_LEGACY_STREAM;
    }

    public static int CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM() {
        return CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM;
    }

    public static int CU_GET_PROC_ADDRESS_SUCCESS() {
        return CU_GET_PROC_ADDRESS_SUCCESS;
    }

    public static int CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND() {
        return CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND;
    }

    public static int CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT() {
        return CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT;
    }

    public static int CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT() {
        return CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT;
    }

    public static int CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED() {
        return CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED;
    }

    public static int CU_MEM_HANDLE_TYPE_NONE() {
        return CU_MEM_HANDLE_TYPE_NONE;
    }

    public static int CU_MEM_ALLOCATION_TYPE_PINNED() {
        return CU_MEM_ALLOCATION_TYPE_PINNED;
    }

    public static int CU_MEM_LOCATION_TYPE_DEVICE() {
        return CU_MEM_LOCATION_TYPE_DEVICE;
    }

    public static int CU_MEM_ACCESS_FLAGS_PROT_READWRITE() {
        return CU_MEM_ACCESS_FLAGS_PROT_READWRITE;
    }

    public static int CU_MEM_ALLOC_GRANULARITY_MINIMUM() {
        return CU_MEM_ALLOC_GRANULARITY_MINIMUM;
    }

    public static int CU_MEM_ALLOC_GRANULARITY_RECOMMENDED() {
        return CU_MEM_ALLOC_GRANULARITY_RECOMMENDED;
    }

    // ---- metadata ----

    /** A bound function: exported symbol, its {@code cuda.h} prototype, and the descriptor used to link it. */
    public record FunctionInfo(String name, String prototype, FunctionDescriptor descriptor) {}

    /** A bound struct: its C typedef name and the Java layout mirroring it. */
    public record StructInfo(String name, GroupLayout layout) {}

    /** A bound integer constant (enumerator or macro) and its value. */
    public record ConstantInfo(String name, long value) {}

    /** A bound C typedef and its layout. */
    public record TypedefInfo(String name, MemoryLayout layout) {}

    // Nested holder so that listing metadata never races CudaDriver's own static initialization.
    private static final class Registry {
        static final List<FunctionInfo> FUNCTIONS = List.of(
                cuInit.INFO,
                cuDriverGetVersion.INFO,
                cuDeviceGet.INFO,
                cuDeviceGetCount.INFO,
                cuDeviceGetName.INFO,
                cuDeviceGetUuid_v2.INFO,
                cuDeviceTotalMem_v2.INFO,
                cuDeviceGetAttribute.INFO,
                cuDevicePrimaryCtxRetain.INFO,
                cuDevicePrimaryCtxRelease_v2.INFO,
                cuCtxGetCurrent.INFO,
                cuCtxSetCurrent.INFO,
                cuCtxGetDevice.INFO,
                cuCtxSynchronize.INFO,
                cuMemAlloc_v2.INFO,
                cuMemFree_v2.INFO,
                cuMemGetInfo_v2.INFO,
                cuMemGetAddressRange_v2.INFO,
                cuLaunchKernel.INFO,
                cuLaunchKernel_ptsz.INFO,
                cuGetProcAddress_v2.INFO,
                cuGetErrorName.INFO,
                cuGetErrorString.INFO,
                cuMemAddressReserve.INFO,
                cuMemAddressFree.INFO,
                cuMemCreate.INFO,
                cuMemRelease.INFO,
                cuMemMap.INFO,
                cuMemUnmap.INFO,
                cuMemSetAccess.INFO,
                cuMemGetAllocationGranularity.INFO,
                cuMemAllocManaged.INFO,
                cuMemAllocPitch_v2.INFO,
                cuMemAllocAsync.INFO,
                cuMemAllocAsync_ptsz.INFO,
                cuMemAllocFromPoolAsync.INFO,
                cuMemAllocFromPoolAsync_ptsz.INFO,
                cuMemFreeAsync.INFO,
                cuMemFreeAsync_ptsz.INFO,
                cuMemRetainAllocationHandle.INFO,
                cuMemImportFromShareableHandle.INFO,
                // memory paths of issue 3 (arrays, external memory, contexts, graph memory)
                cuArrayCreate_v2.INFO,
                cuArray3DCreate_v2.INFO,
                cuMipmappedArrayCreate.INFO,
                cuArrayDestroy.INFO,
                cuMipmappedArrayDestroy.INFO,
                cuArrayGetMemoryRequirements.INFO,
                cuMipmappedArrayGetMemoryRequirements.INFO,
                cuImportExternalMemory.INFO,
                cuDestroyExternalMemory.INFO,
                cuCtxDestroy_v2.INFO,
                cuDeviceGetGraphMemAttribute.INFO,
                cuDeviceGraphMemTrim.INFO,
                cuMemAdvise_v2.INFO,
                cuIpcOpenMemHandle_v2.INFO,
                cuIpcCloseMemHandle.INFO,
                cuDevicePrimaryCtxGetState.INFO,
                cuCtxCreate_v4.INFO,
                cuCtxPushCurrent_v2.INFO,
                cuCtxPopCurrent_v2.INFO,
                cuLaunchKernelEx.INFO,
                cuLaunchKernelEx_ptsz.INFO,
                cuLaunchCooperativeKernel.INFO,
                cuLaunchCooperativeKernel_ptsz.INFO,
                cuGraphLaunch.INFO,
                cuGraphLaunch_ptsz.INFO,
                cuStreamIsCapturing.INFO,
                cuStreamIsCapturing_ptsz.INFO,
                cuThreadExchangeStreamCaptureMode.INFO,
                cuEventCreate.INFO,
                cuEventRecord.INFO,
                cuEventRecord_ptsz.INFO,
                cuEventQuery.INFO,
                cuEventElapsedTime_v2.INFO,
                cuEventDestroy_v2.INFO);

        static final List<StructInfo> STRUCTS = List.of(
                new StructInfo("CUuuid", CUuuid.layout()),
                new StructInfo("CUmemLocation", CUmemLocation.layout()),
                new StructInfo("CUmemAllocationProp", CUmemAllocationProp.layout()),
                new StructInfo("CUmemAccessDesc", CUmemAccessDesc.layout()));

        static final List<ConstantInfo> CONSTANTS = List.of(
                new ConstantInfo("CUDA_SUCCESS", CUDA_SUCCESS),
                new ConstantInfo("CUDA_ERROR_INVALID_VALUE", CUDA_ERROR_INVALID_VALUE),
                new ConstantInfo("CUDA_ERROR_OUT_OF_MEMORY", CUDA_ERROR_OUT_OF_MEMORY),
                new ConstantInfo("CUDA_ERROR_NOT_INITIALIZED", CUDA_ERROR_NOT_INITIALIZED),
                new ConstantInfo("CUDA_ERROR_DEINITIALIZED", CUDA_ERROR_DEINITIALIZED),
                new ConstantInfo("CUDA_ERROR_INVALID_DEVICE", CUDA_ERROR_INVALID_DEVICE),
                new ConstantInfo("CUDA_ERROR_INVALID_CONTEXT", CUDA_ERROR_INVALID_CONTEXT),
                new ConstantInfo("CUDA_ERROR_NOT_FOUND", CUDA_ERROR_NOT_FOUND),
                new ConstantInfo("CUDA_ERROR_NOT_PERMITTED", CUDA_ERROR_NOT_PERMITTED),
                new ConstantInfo("CUDA_ERROR_NOT_SUPPORTED", CUDA_ERROR_NOT_SUPPORTED),
                new ConstantInfo("CUDA_ERROR_UNKNOWN", CUDA_ERROR_UNKNOWN),
                new ConstantInfo("CU_GET_PROC_ADDRESS_DEFAULT", CU_GET_PROC_ADDRESS_DEFAULT),
                new ConstantInfo("CU_GET_PROC_ADDRESS_LEGACY_STREAM", CU_GET_PROC_ADDRESS_LEGACY_STREAM),
                new ConstantInfo("CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM", CU_GET_PROC_ADDRESS_PER_THREAD_DEFAULT_STREAM),
                new ConstantInfo("CU_GET_PROC_ADDRESS_SUCCESS", CU_GET_PROC_ADDRESS_SUCCESS),
                new ConstantInfo("CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND", CU_GET_PROC_ADDRESS_SYMBOL_NOT_FOUND),
                new ConstantInfo("CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT", CU_GET_PROC_ADDRESS_VERSION_NOT_SUFFICIENT),
                new ConstantInfo("CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT", CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT),
                new ConstantInfo("CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED", CU_DEVICE_ATTRIBUTE_VIRTUAL_MEMORY_MANAGEMENT_SUPPORTED),
                new ConstantInfo("CU_MEM_HANDLE_TYPE_NONE", CU_MEM_HANDLE_TYPE_NONE),
                new ConstantInfo("CU_MEM_ALLOCATION_TYPE_PINNED", CU_MEM_ALLOCATION_TYPE_PINNED),
                new ConstantInfo("CU_MEM_LOCATION_TYPE_DEVICE", CU_MEM_LOCATION_TYPE_DEVICE),
                new ConstantInfo("CU_MEM_ACCESS_FLAGS_PROT_READWRITE", CU_MEM_ACCESS_FLAGS_PROT_READWRITE),
                new ConstantInfo("CU_MEM_ALLOC_GRANULARITY_MINIMUM", CU_MEM_ALLOC_GRANULARITY_MINIMUM),
                new ConstantInfo("CU_MEM_ALLOC_GRANULARITY_RECOMMENDED", CU_MEM_ALLOC_GRANULARITY_RECOMMENDED),
                new ConstantInfo("CUDA_ERROR_NOT_READY", CUDA_ERROR_NOT_READY),
                new ConstantInfo("CUDA_ERROR_STREAM_CAPTURE_IMPLICIT", CUDA_ERROR_STREAM_CAPTURE_IMPLICIT),
                new ConstantInfo("CU_EVENT_DEFAULT", CU_EVENT_DEFAULT),
                new ConstantInfo("CU_STREAM_CAPTURE_STATUS_NONE", CU_STREAM_CAPTURE_STATUS_NONE),
                new ConstantInfo("CU_STREAM_CAPTURE_MODE_RELAXED", CU_STREAM_CAPTURE_MODE_RELAXED));

        static final List<TypedefInfo> TYPEDEFS = List.of(
                new TypedefInfo("CUresult", CUresult),
                new TypedefInfo("CUdevice", CUdevice),
                new TypedefInfo("CUdevice_attribute", CUdevice_attribute),
                new TypedefInfo("CUdriverProcAddress_flags", CUdriverProcAddress_flags),
                new TypedefInfo("CUdriverProcAddressQueryResult", CUdriverProcAddressQueryResult),
                new TypedefInfo("CUmemAllocationType", CUmemAllocationType),
                new TypedefInfo("CUmemAllocationHandleType", CUmemAllocationHandleType),
                new TypedefInfo("CUmemLocationType", CUmemLocationType),
                new TypedefInfo("CUmemGenericAllocationHandle", CUmemGenericAllocationHandle),
                new TypedefInfo("CUmemAccess_flags", CUmemAccess_flags),
                new TypedefInfo("CUmemAllocationGranularity_flags", CUmemAllocationGranularity_flags),
                new TypedefInfo("CUdeviceptr", CUdeviceptr),
                new TypedefInfo("cuuint64_t", cuuint64_t),
                new TypedefInfo("size_t", size_t),
                new TypedefInfo("CUcontext", CUcontext),
                new TypedefInfo("CUstream", CUstream),
                new TypedefInfo("CUfunction", CUfunction));
    }

    /** Every bound function, in declaration order. */
    public static List<FunctionInfo> functions() {
        return Registry.FUNCTIONS;
    }

    /** Every bound struct. */
    public static List<StructInfo> structs() {
        return Registry.STRUCTS;
    }

    /** Every bound constant. */
    public static List<ConstantInfo> constants() {
        return Registry.CONSTANTS;
    }

    /** Every bound typedef layout. */
    public static List<TypedefInfo> typedefs() {
        return Registry.TYPEDEFS;
    }

    // ---- symbol resolution ----

    /** Finds a driver symbol; returns {@link MemorySegment#NULL} (or null) when it is absent. */
    @FunctionalInterface
    public interface Resolver {
        MemorySegment find(String name);
    }

    private static volatile Resolver resolver;
    private static final Map<String, MemorySegment> RESOLVED = new ConcurrentHashMap<>();

    /**
     * Installs the resolver all functions link through. Call once, before the first function is used.
     *
     * @throws IllegalStateException if a resolver was already installed
     */
    public static void resolver(Resolver r) {
        Objects.requireNonNull(r, "resolver");
        synchronized (CudaDriver.class) {
            if (resolver != null) {
                throw new IllegalStateException("CudaDriver.resolver(...) was already set; it can be set only once");
            }
            resolver = r;
        }
    }

    /** Whether {@link #resolver(Resolver)} has been called. */
    public static boolean hasResolver() {
        return resolver != null;
    }

    // Cached so that a holder's Lazy initializer, which runs after a successful resolve, cannot fail:
    // a failed class initialization would make that function unusable for the life of the JVM.
    static MemorySegment resolve(String name) {
        MemorySegment cached = RESOLVED.get(name);
        if (cached != null) {
            return cached;
        }
        Resolver r = resolver;
        if (r == null) {
            throw new IllegalStateException("CUDA driver function " + name
                    + " used before CudaDriver.resolver(...) was set; install the trampoline's resolver first");
        }
        MemorySegment addr = r.find(name);
        if (addr == null || addr.address() == 0L) {
            throw new IllegalStateException("CUDA driver symbol " + name + " not found by the installed resolver");
        }
        RESOLVED.putIfAbsent(name, addr);
        return RESOLVED.get(name);
    }

    // ---- functions ----

    /**
     * {@snippet lang=c :
     * CUresult cuInit(unsigned int Flags)
     * }
     */
    public static final class cuInit {
        private cuInit() {}

        public static final String NAME = "cuInit";
        public static final String PROTOTYPE = "CUresult cuInit(unsigned int Flags)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuInit$descriptor() {
        return cuInit.DESC;
    }

    public static MethodHandle cuInit$handle() {
        return cuInit.handle();
    }

    public static MemorySegment cuInit$address() {
        return cuInit.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuInit(unsigned int Flags)
     * }
     */
    public static int cuInit(int Flags) {
        var mh$ = cuInit.handle();
        try {
            return (int) mh$.invokeExact(Flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDriverGetVersion(int *driverVersion)
     * }
     */
    public static final class cuDriverGetVersion {
        private cuDriverGetVersion() {}

        public static final String NAME = "cuDriverGetVersion";
        public static final String PROTOTYPE = "CUresult cuDriverGetVersion(int *driverVersion)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDriverGetVersion$descriptor() {
        return cuDriverGetVersion.DESC;
    }

    public static MethodHandle cuDriverGetVersion$handle() {
        return cuDriverGetVersion.handle();
    }

    public static MemorySegment cuDriverGetVersion$address() {
        return cuDriverGetVersion.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDriverGetVersion(int *driverVersion)
     * }
     */
    public static int cuDriverGetVersion(MemorySegment driverVersion) {
        var mh$ = cuDriverGetVersion.handle();
        try {
            return (int) mh$.invokeExact(driverVersion);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGet(CUdevice *device, int ordinal)
     * }
     */
    public static final class cuDeviceGet {
        private cuDeviceGet() {}

        public static final String NAME = "cuDeviceGet";
        public static final String PROTOTYPE = "CUresult cuDeviceGet(CUdevice *device, int ordinal)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDeviceGet$descriptor() {
        return cuDeviceGet.DESC;
    }

    public static MethodHandle cuDeviceGet$handle() {
        return cuDeviceGet.handle();
    }

    public static MemorySegment cuDeviceGet$address() {
        return cuDeviceGet.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGet(CUdevice *device, int ordinal)
     * }
     */
    public static int cuDeviceGet(MemorySegment device, int ordinal) {
        var mh$ = cuDeviceGet.handle();
        try {
            return (int) mh$.invokeExact(device, ordinal);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGetCount(int *count)
     * }
     */
    public static final class cuDeviceGetCount {
        private cuDeviceGetCount() {}

        public static final String NAME = "cuDeviceGetCount";
        public static final String PROTOTYPE = "CUresult cuDeviceGetCount(int *count)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDeviceGetCount$descriptor() {
        return cuDeviceGetCount.DESC;
    }

    public static MethodHandle cuDeviceGetCount$handle() {
        return cuDeviceGetCount.handle();
    }

    public static MemorySegment cuDeviceGetCount$address() {
        return cuDeviceGetCount.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGetCount(int *count)
     * }
     */
    public static int cuDeviceGetCount(MemorySegment count) {
        var mh$ = cuDeviceGetCount.handle();
        try {
            return (int) mh$.invokeExact(count);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGetName(char *name, int len, CUdevice dev)
     * }
     */
    public static final class cuDeviceGetName {
        private cuDeviceGetName() {}

        public static final String NAME = "cuDeviceGetName";
        public static final String PROTOTYPE = "CUresult cuDeviceGetName(char *name, int len, CUdevice dev)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDeviceGetName$descriptor() {
        return cuDeviceGetName.DESC;
    }

    public static MethodHandle cuDeviceGetName$handle() {
        return cuDeviceGetName.handle();
    }

    public static MemorySegment cuDeviceGetName$address() {
        return cuDeviceGetName.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGetName(char *name, int len, CUdevice dev)
     * }
     */
    public static int cuDeviceGetName(MemorySegment name, int len, int dev) {
        var mh$ = cuDeviceGetName.handle();
        try {
            return (int) mh$.invokeExact(name, len, dev);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGetUuid_v2(CUuuid *uuid, CUdevice dev)
     * }
     */
    public static final class cuDeviceGetUuid_v2 {
        private cuDeviceGetUuid_v2() {}

        public static final String NAME = "cuDeviceGetUuid_v2";
        public static final String PROTOTYPE = "CUresult cuDeviceGetUuid_v2(CUuuid *uuid, CUdevice dev)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDeviceGetUuid_v2$descriptor() {
        return cuDeviceGetUuid_v2.DESC;
    }

    public static MethodHandle cuDeviceGetUuid_v2$handle() {
        return cuDeviceGetUuid_v2.handle();
    }

    public static MemorySegment cuDeviceGetUuid_v2$address() {
        return cuDeviceGetUuid_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGetUuid_v2(CUuuid *uuid, CUdevice dev)
     * }
     */
    public static int cuDeviceGetUuid_v2(MemorySegment uuid, int dev) {
        var mh$ = cuDeviceGetUuid_v2.handle();
        try {
            return (int) mh$.invokeExact(uuid, dev);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
     * }
     */
    public static final class cuDeviceTotalMem_v2 {
        private cuDeviceTotalMem_v2() {}

        public static final String NAME = "cuDeviceTotalMem_v2";
        public static final String PROTOTYPE = "CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDeviceTotalMem_v2$descriptor() {
        return cuDeviceTotalMem_v2.DESC;
    }

    public static MethodHandle cuDeviceTotalMem_v2$handle() {
        return cuDeviceTotalMem_v2.handle();
    }

    public static MemorySegment cuDeviceTotalMem_v2$address() {
        return cuDeviceTotalMem_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceTotalMem_v2(size_t *bytes, CUdevice dev)
     * }
     */
    public static int cuDeviceTotalMem_v2(MemorySegment bytes, int dev) {
        var mh$ = cuDeviceTotalMem_v2.handle();
        try {
            return (int) mh$.invokeExact(bytes, dev);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev)
     * }
     */
    public static final class cuDeviceGetAttribute {
        private cuDeviceGetAttribute() {}

        public static final String NAME = "cuDeviceGetAttribute";
        public static final String PROTOTYPE = "CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDeviceGetAttribute$descriptor() {
        return cuDeviceGetAttribute.DESC;
    }

    public static MethodHandle cuDeviceGetAttribute$handle() {
        return cuDeviceGetAttribute.handle();
    }

    public static MemorySegment cuDeviceGetAttribute$address() {
        return cuDeviceGetAttribute.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGetAttribute(int *pi, CUdevice_attribute attrib, CUdevice dev)
     * }
     */
    public static int cuDeviceGetAttribute(MemorySegment pi, int attrib, int dev) {
        var mh$ = cuDeviceGetAttribute.handle();
        try {
            return (int) mh$.invokeExact(pi, attrib, dev);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)
     * }
     */
    public static final class cuDevicePrimaryCtxRetain {
        private cuDevicePrimaryCtxRetain() {}

        public static final String NAME = "cuDevicePrimaryCtxRetain";
        public static final String PROTOTYPE = "CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDevicePrimaryCtxRetain$descriptor() {
        return cuDevicePrimaryCtxRetain.DESC;
    }

    public static MethodHandle cuDevicePrimaryCtxRetain$handle() {
        return cuDevicePrimaryCtxRetain.handle();
    }

    public static MemorySegment cuDevicePrimaryCtxRetain$address() {
        return cuDevicePrimaryCtxRetain.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDevicePrimaryCtxRetain(CUcontext *pctx, CUdevice dev)
     * }
     */
    public static int cuDevicePrimaryCtxRetain(MemorySegment pctx, int dev) {
        var mh$ = cuDevicePrimaryCtxRetain.handle();
        try {
            return (int) mh$.invokeExact(pctx, dev);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)
     * }
     */
    public static final class cuDevicePrimaryCtxRelease_v2 {
        private cuDevicePrimaryCtxRelease_v2() {}

        public static final String NAME = "cuDevicePrimaryCtxRelease_v2";
        public static final String PROTOTYPE = "CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDevicePrimaryCtxRelease_v2$descriptor() {
        return cuDevicePrimaryCtxRelease_v2.DESC;
    }

    public static MethodHandle cuDevicePrimaryCtxRelease_v2$handle() {
        return cuDevicePrimaryCtxRelease_v2.handle();
    }

    public static MemorySegment cuDevicePrimaryCtxRelease_v2$address() {
        return cuDevicePrimaryCtxRelease_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDevicePrimaryCtxRelease_v2(CUdevice dev)
     * }
     */
    public static int cuDevicePrimaryCtxRelease_v2(int dev) {
        var mh$ = cuDevicePrimaryCtxRelease_v2.handle();
        try {
            return (int) mh$.invokeExact(dev);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuCtxGetCurrent(CUcontext *pctx)
     * }
     */
    public static final class cuCtxGetCurrent {
        private cuCtxGetCurrent() {}

        public static final String NAME = "cuCtxGetCurrent";
        public static final String PROTOTYPE = "CUresult cuCtxGetCurrent(CUcontext *pctx)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuCtxGetCurrent$descriptor() {
        return cuCtxGetCurrent.DESC;
    }

    public static MethodHandle cuCtxGetCurrent$handle() {
        return cuCtxGetCurrent.handle();
    }

    public static MemorySegment cuCtxGetCurrent$address() {
        return cuCtxGetCurrent.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuCtxGetCurrent(CUcontext *pctx)
     * }
     */
    public static int cuCtxGetCurrent(MemorySegment pctx) {
        var mh$ = cuCtxGetCurrent.handle();
        try {
            return (int) mh$.invokeExact(pctx);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuCtxSetCurrent(CUcontext ctx)
     * }
     */
    public static final class cuCtxSetCurrent {
        private cuCtxSetCurrent() {}

        public static final String NAME = "cuCtxSetCurrent";
        public static final String PROTOTYPE = "CUresult cuCtxSetCurrent(CUcontext ctx)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuCtxSetCurrent$descriptor() {
        return cuCtxSetCurrent.DESC;
    }

    public static MethodHandle cuCtxSetCurrent$handle() {
        return cuCtxSetCurrent.handle();
    }

    public static MemorySegment cuCtxSetCurrent$address() {
        return cuCtxSetCurrent.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuCtxSetCurrent(CUcontext ctx)
     * }
     */
    public static int cuCtxSetCurrent(MemorySegment ctx) {
        var mh$ = cuCtxSetCurrent.handle();
        try {
            return (int) mh$.invokeExact(ctx);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuCtxGetDevice(CUdevice *device)
     * }
     */
    public static final class cuCtxGetDevice {
        private cuCtxGetDevice() {}

        public static final String NAME = "cuCtxGetDevice";
        public static final String PROTOTYPE = "CUresult cuCtxGetDevice(CUdevice *device)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuCtxGetDevice$descriptor() {
        return cuCtxGetDevice.DESC;
    }

    public static MethodHandle cuCtxGetDevice$handle() {
        return cuCtxGetDevice.handle();
    }

    public static MemorySegment cuCtxGetDevice$address() {
        return cuCtxGetDevice.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuCtxGetDevice(CUdevice *device)
     * }
     */
    public static int cuCtxGetDevice(MemorySegment device) {
        var mh$ = cuCtxGetDevice.handle();
        try {
            return (int) mh$.invokeExact(device);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuCtxSynchronize(void)
     * }
     */
    public static final class cuCtxSynchronize {
        private cuCtxSynchronize() {}

        public static final String NAME = "cuCtxSynchronize";
        public static final String PROTOTYPE = "CUresult cuCtxSynchronize(void)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuCtxSynchronize$descriptor() {
        return cuCtxSynchronize.DESC;
    }

    public static MethodHandle cuCtxSynchronize$handle() {
        return cuCtxSynchronize.handle();
    }

    public static MemorySegment cuCtxSynchronize$address() {
        return cuCtxSynchronize.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuCtxSynchronize(void)
     * }
     */
    public static int cuCtxSynchronize() {
        var mh$ = cuCtxSynchronize.handle();
        try {
            return (int) mh$.invokeExact();
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)
     * }
     */
    public static final class cuMemAlloc_v2 {
        private cuMemAlloc_v2() {}

        public static final String NAME = "cuMemAlloc_v2";
        public static final String PROTOTYPE = "CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemAlloc_v2$descriptor() {
        return cuMemAlloc_v2.DESC;
    }

    public static MethodHandle cuMemAlloc_v2$handle() {
        return cuMemAlloc_v2.handle();
    }

    public static MemorySegment cuMemAlloc_v2$address() {
        return cuMemAlloc_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAlloc_v2(CUdeviceptr *dptr, size_t bytesize)
     * }
     */
    public static int cuMemAlloc_v2(MemorySegment dptr, long bytesize) {
        var mh$ = cuMemAlloc_v2.handle();
        try {
            return (int) mh$.invokeExact(dptr, bytesize);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemFree_v2(CUdeviceptr dptr)
     * }
     */
    public static final class cuMemFree_v2 {
        private cuMemFree_v2() {}

        public static final String NAME = "cuMemFree_v2";
        public static final String PROTOTYPE = "CUresult cuMemFree_v2(CUdeviceptr dptr)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemFree_v2$descriptor() {
        return cuMemFree_v2.DESC;
    }

    public static MethodHandle cuMemFree_v2$handle() {
        return cuMemFree_v2.handle();
    }

    public static MemorySegment cuMemFree_v2$address() {
        return cuMemFree_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemFree_v2(CUdeviceptr dptr)
     * }
     */
    public static int cuMemFree_v2(long dptr) {
        var mh$ = cuMemFree_v2.handle();
        try {
            return (int) mh$.invokeExact(dptr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemGetInfo_v2(size_t *free, size_t *total)
     * }
     */
    public static final class cuMemGetInfo_v2 {
        private cuMemGetInfo_v2() {}

        public static final String NAME = "cuMemGetInfo_v2";
        public static final String PROTOTYPE = "CUresult cuMemGetInfo_v2(size_t *free, size_t *total)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemGetInfo_v2$descriptor() {
        return cuMemGetInfo_v2.DESC;
    }

    public static MethodHandle cuMemGetInfo_v2$handle() {
        return cuMemGetInfo_v2.handle();
    }

    public static MemorySegment cuMemGetInfo_v2$address() {
        return cuMemGetInfo_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemGetInfo_v2(size_t *free, size_t *total)
     * }
     */
    public static int cuMemGetInfo_v2(MemorySegment free, MemorySegment total) {
        var mh$ = cuMemGetInfo_v2.handle();
        try {
            return (int) mh$.invokeExact(free, total);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemGetAddressRange_v2(CUdeviceptr *pbase, size_t *psize, CUdeviceptr dptr)
     * }
     */
    public static final class cuMemGetAddressRange_v2 {
        private cuMemGetAddressRange_v2() {}

        public static final String NAME = "cuMemGetAddressRange_v2";
        public static final String PROTOTYPE = "CUresult cuMemGetAddressRange_v2(CUdeviceptr *pbase, size_t *psize, CUdeviceptr dptr)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG_LONG);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemGetAddressRange_v2$descriptor() {
        return cuMemGetAddressRange_v2.DESC;
    }

    public static MethodHandle cuMemGetAddressRange_v2$handle() {
        return cuMemGetAddressRange_v2.handle();
    }

    public static MemorySegment cuMemGetAddressRange_v2$address() {
        return cuMemGetAddressRange_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemGetAddressRange_v2(CUdeviceptr *pbase, size_t *psize, CUdeviceptr dptr)
     * }
     */
    public static int cuMemGetAddressRange_v2(MemorySegment pbase, MemorySegment psize, long dptr) {
        var mh$ = cuMemGetAddressRange_v2.handle();
        try {
            return (int) mh$.invokeExact(pbase, psize, dptr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)
     * }
     */
    public static final class cuLaunchKernel {
        private cuLaunchKernel() {}

        public static final String NAME = "cuLaunchKernel";
        public static final String PROTOTYPE = "CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuLaunchKernel$descriptor() {
        return cuLaunchKernel.DESC;
    }

    public static MethodHandle cuLaunchKernel$handle() {
        return cuLaunchKernel.handle();
    }

    public static MemorySegment cuLaunchKernel$address() {
        return cuLaunchKernel.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuLaunchKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)
     * }
     */
    public static int cuLaunchKernel(MemorySegment f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX, int blockDimY, int blockDimZ, int sharedMemBytes, MemorySegment hStream, MemorySegment kernelParams, MemorySegment extra) {
        var mh$ = cuLaunchKernel.handle();
        try {
            return (int) mh$.invokeExact(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams, extra);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuLaunchKernel_ptsz(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)
     * }
     */
    public static final class cuLaunchKernel_ptsz {
        private cuLaunchKernel_ptsz() {}

        public static final String NAME = "cuLaunchKernel_ptsz";
        public static final String PROTOTYPE = "CUresult cuLaunchKernel_ptsz(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuLaunchKernel_ptsz$descriptor() {
        return cuLaunchKernel_ptsz.DESC;
    }

    public static MethodHandle cuLaunchKernel_ptsz$handle() {
        return cuLaunchKernel_ptsz.handle();
    }

    public static MemorySegment cuLaunchKernel_ptsz$address() {
        return cuLaunchKernel_ptsz.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuLaunchKernel_ptsz(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams, void **extra)
     * }
     */
    public static int cuLaunchKernel_ptsz(MemorySegment f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX, int blockDimY, int blockDimZ, int sharedMemBytes, MemorySegment hStream, MemorySegment kernelParams, MemorySegment extra) {
        var mh$ = cuLaunchKernel_ptsz.handle();
        try {
            return (int) mh$.invokeExact(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams, extra);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuGetProcAddress_v2(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags, CUdriverProcAddressQueryResult *symbolStatus)
     * }
     */
    public static final class cuGetProcAddress_v2 {
        private cuGetProcAddress_v2() {}

        public static final String NAME = "cuGetProcAddress_v2";
        public static final String PROTOTYPE = "CUresult cuGetProcAddress_v2(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags, CUdriverProcAddressQueryResult *symbolStatus)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_LONG, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuGetProcAddress_v2$descriptor() {
        return cuGetProcAddress_v2.DESC;
    }

    public static MethodHandle cuGetProcAddress_v2$handle() {
        return cuGetProcAddress_v2.handle();
    }

    public static MemorySegment cuGetProcAddress_v2$address() {
        return cuGetProcAddress_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuGetProcAddress_v2(const char *symbol, void **pfn, int cudaVersion, cuuint64_t flags, CUdriverProcAddressQueryResult *symbolStatus)
     * }
     */
    public static int cuGetProcAddress_v2(MemorySegment symbol, MemorySegment pfn, int cudaVersion, long flags, MemorySegment symbolStatus) {
        var mh$ = cuGetProcAddress_v2.handle();
        try {
            return (int) mh$.invokeExact(symbol, pfn, cudaVersion, flags, symbolStatus);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuGetErrorName(CUresult error, const char **pStr)
     * }
     */
    public static final class cuGetErrorName {
        private cuGetErrorName() {}

        public static final String NAME = "cuGetErrorName";
        public static final String PROTOTYPE = "CUresult cuGetErrorName(CUresult error, const char **pStr)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuGetErrorName$descriptor() {
        return cuGetErrorName.DESC;
    }

    public static MethodHandle cuGetErrorName$handle() {
        return cuGetErrorName.handle();
    }

    public static MemorySegment cuGetErrorName$address() {
        return cuGetErrorName.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuGetErrorName(CUresult error, const char **pStr)
     * }
     */
    public static int cuGetErrorName(int error, MemorySegment pStr) {
        var mh$ = cuGetErrorName.handle();
        try {
            return (int) mh$.invokeExact(error, pStr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuGetErrorString(CUresult error, const char **pStr)
     * }
     */
    public static final class cuGetErrorString {
        private cuGetErrorString() {}

        public static final String NAME = "cuGetErrorString";
        public static final String PROTOTYPE = "CUresult cuGetErrorString(CUresult error, const char **pStr)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuGetErrorString$descriptor() {
        return cuGetErrorString.DESC;
    }

    public static MethodHandle cuGetErrorString$handle() {
        return cuGetErrorString.handle();
    }

    public static MemorySegment cuGetErrorString$address() {
        return cuGetErrorString.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuGetErrorString(CUresult error, const char **pStr)
     * }
     */
    public static int cuGetErrorString(int error, MemorySegment pStr) {
        var mh$ = cuGetErrorString.handle();
        try {
            return (int) mh$.invokeExact(error, pStr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAddressReserve(CUdeviceptr *ptr, size_t size, size_t alignment, CUdeviceptr addr, unsigned long long flags)
     * }
     */
    public static final class cuMemAddressReserve {
        private cuMemAddressReserve() {}

        public static final String NAME = "cuMemAddressReserve";
        public static final String PROTOTYPE = "CUresult cuMemAddressReserve(CUdeviceptr *ptr, size_t size, size_t alignment, CUdeviceptr addr, unsigned long long flags)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_LONG, C_LONG_LONG, C_LONG_LONG);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemAddressReserve$descriptor() {
        return cuMemAddressReserve.DESC;
    }

    public static MethodHandle cuMemAddressReserve$handle() {
        return cuMemAddressReserve.handle();
    }

    public static MemorySegment cuMemAddressReserve$address() {
        return cuMemAddressReserve.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAddressReserve(CUdeviceptr *ptr, size_t size, size_t alignment, CUdeviceptr addr, unsigned long long flags)
     * }
     */
    public static int cuMemAddressReserve(MemorySegment ptr, long size, long alignment, long addr, long flags) {
        var mh$ = cuMemAddressReserve.handle();
        try {
            return (int) mh$.invokeExact(ptr, size, alignment, addr, flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAddressFree(CUdeviceptr ptr, size_t size)
     * }
     */
    public static final class cuMemAddressFree {
        private cuMemAddressFree() {}

        public static final String NAME = "cuMemAddressFree";
        public static final String PROTOTYPE = "CUresult cuMemAddressFree(CUdeviceptr ptr, size_t size)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_LONG);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemAddressFree$descriptor() {
        return cuMemAddressFree.DESC;
    }

    public static MethodHandle cuMemAddressFree$handle() {
        return cuMemAddressFree.handle();
    }

    public static MemorySegment cuMemAddressFree$address() {
        return cuMemAddressFree.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAddressFree(CUdeviceptr ptr, size_t size)
     * }
     */
    public static int cuMemAddressFree(long ptr, long size) {
        var mh$ = cuMemAddressFree.handle();
        try {
            return (int) mh$.invokeExact(ptr, size);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemCreate(CUmemGenericAllocationHandle *handle, size_t size, const CUmemAllocationProp *prop, unsigned long long flags)
     * }
     */
    public static final class cuMemCreate {
        private cuMemCreate() {}

        public static final String NAME = "cuMemCreate";
        public static final String PROTOTYPE = "CUresult cuMemCreate(CUmemGenericAllocationHandle *handle, size_t size, const CUmemAllocationProp *prop, unsigned long long flags)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_POINTER, C_LONG_LONG);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemCreate$descriptor() {
        return cuMemCreate.DESC;
    }

    public static MethodHandle cuMemCreate$handle() {
        return cuMemCreate.handle();
    }

    public static MemorySegment cuMemCreate$address() {
        return cuMemCreate.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemCreate(CUmemGenericAllocationHandle *handle, size_t size, const CUmemAllocationProp *prop, unsigned long long flags)
     * }
     */
    public static int cuMemCreate(MemorySegment handle, long size, MemorySegment prop, long flags) {
        var mh$ = cuMemCreate.handle();
        try {
            return (int) mh$.invokeExact(handle, size, prop, flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemRelease(CUmemGenericAllocationHandle handle)
     * }
     */
    public static final class cuMemRelease {
        private cuMemRelease() {}

        public static final String NAME = "cuMemRelease";
        public static final String PROTOTYPE = "CUresult cuMemRelease(CUmemGenericAllocationHandle handle)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemRelease$descriptor() {
        return cuMemRelease.DESC;
    }

    public static MethodHandle cuMemRelease$handle() {
        return cuMemRelease.handle();
    }

    public static MemorySegment cuMemRelease$address() {
        return cuMemRelease.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemRelease(CUmemGenericAllocationHandle handle)
     * }
     */
    public static int cuMemRelease(long handle) {
        var mh$ = cuMemRelease.handle();
        try {
            return (int) mh$.invokeExact(handle);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemMap(CUdeviceptr ptr, size_t size, size_t offset, CUmemGenericAllocationHandle handle, unsigned long long flags)
     * }
     */
    public static final class cuMemMap {
        private cuMemMap() {}

        public static final String NAME = "cuMemMap";
        public static final String PROTOTYPE = "CUresult cuMemMap(CUdeviceptr ptr, size_t size, size_t offset, CUmemGenericAllocationHandle handle, unsigned long long flags)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_LONG, C_LONG, C_LONG_LONG, C_LONG_LONG);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemMap$descriptor() {
        return cuMemMap.DESC;
    }

    public static MethodHandle cuMemMap$handle() {
        return cuMemMap.handle();
    }

    public static MemorySegment cuMemMap$address() {
        return cuMemMap.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemMap(CUdeviceptr ptr, size_t size, size_t offset, CUmemGenericAllocationHandle handle, unsigned long long flags)
     * }
     */
    public static int cuMemMap(long ptr, long size, long offset, long handle, long flags) {
        var mh$ = cuMemMap.handle();
        try {
            return (int) mh$.invokeExact(ptr, size, offset, handle, flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemUnmap(CUdeviceptr ptr, size_t size)
     * }
     */
    public static final class cuMemUnmap {
        private cuMemUnmap() {}

        public static final String NAME = "cuMemUnmap";
        public static final String PROTOTYPE = "CUresult cuMemUnmap(CUdeviceptr ptr, size_t size)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_LONG);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemUnmap$descriptor() {
        return cuMemUnmap.DESC;
    }

    public static MethodHandle cuMemUnmap$handle() {
        return cuMemUnmap.handle();
    }

    public static MemorySegment cuMemUnmap$address() {
        return cuMemUnmap.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemUnmap(CUdeviceptr ptr, size_t size)
     * }
     */
    public static int cuMemUnmap(long ptr, long size) {
        var mh$ = cuMemUnmap.handle();
        try {
            return (int) mh$.invokeExact(ptr, size);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemSetAccess(CUdeviceptr ptr, size_t size, const CUmemAccessDesc *desc, size_t count)
     * }
     */
    public static final class cuMemSetAccess {
        private cuMemSetAccess() {}

        public static final String NAME = "cuMemSetAccess";
        public static final String PROTOTYPE = "CUresult cuMemSetAccess(CUdeviceptr ptr, size_t size, const CUmemAccessDesc *desc, size_t count)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_LONG, C_POINTER, C_LONG);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemSetAccess$descriptor() {
        return cuMemSetAccess.DESC;
    }

    public static MethodHandle cuMemSetAccess$handle() {
        return cuMemSetAccess.handle();
    }

    public static MemorySegment cuMemSetAccess$address() {
        return cuMemSetAccess.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemSetAccess(CUdeviceptr ptr, size_t size, const CUmemAccessDesc *desc, size_t count)
     * }
     */
    public static int cuMemSetAccess(long ptr, long size, MemorySegment desc, long count) {
        var mh$ = cuMemSetAccess.handle();
        try {
            return (int) mh$.invokeExact(ptr, size, desc, count);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemGetAllocationGranularity(size_t *granularity, const CUmemAllocationProp *prop, CUmemAllocationGranularity_flags option)
     * }
     */
    public static final class cuMemGetAllocationGranularity {
        private cuMemGetAllocationGranularity() {}

        public static final String NAME = "cuMemGetAllocationGranularity";
        public static final String PROTOTYPE = "CUresult cuMemGetAllocationGranularity(size_t *granularity, const CUmemAllocationProp *prop, CUmemAllocationGranularity_flags option)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemGetAllocationGranularity$descriptor() {
        return cuMemGetAllocationGranularity.DESC;
    }

    public static MethodHandle cuMemGetAllocationGranularity$handle() {
        return cuMemGetAllocationGranularity.handle();
    }

    public static MemorySegment cuMemGetAllocationGranularity$address() {
        return cuMemGetAllocationGranularity.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemGetAllocationGranularity(size_t *granularity, const CUmemAllocationProp *prop, CUmemAllocationGranularity_flags option)
     * }
     */
    public static int cuMemGetAllocationGranularity(MemorySegment granularity, MemorySegment prop, int option) {
        var mh$ = cuMemGetAllocationGranularity.handle();
        try {
            return (int) mh$.invokeExact(granularity, prop, option);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAllocManaged(CUdeviceptr *dptr, size_t bytesize, unsigned int flags)
     * }
     */
    public static final class cuMemAllocManaged {
        private cuMemAllocManaged() {}

        public static final String NAME = "cuMemAllocManaged";
        public static final String PROTOTYPE = "CUresult cuMemAllocManaged(CUdeviceptr *dptr, size_t bytesize, unsigned int flags)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemAllocManaged$descriptor() {
        return cuMemAllocManaged.DESC;
    }

    public static MethodHandle cuMemAllocManaged$handle() {
        return cuMemAllocManaged.handle();
    }

    public static MemorySegment cuMemAllocManaged$address() {
        return cuMemAllocManaged.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAllocManaged(CUdeviceptr *dptr, size_t bytesize, unsigned int flags)
     * }
     */
    public static int cuMemAllocManaged(MemorySegment dptr, long bytesize, int flags) {
        var mh$ = cuMemAllocManaged.handle();
        try {
            return (int) mh$.invokeExact(dptr, bytesize, flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAllocPitch_v2(CUdeviceptr *dptr, size_t *pPitch, size_t WidthInBytes, size_t Height, unsigned int ElementSizeBytes)
     * }
     */
    public static final class cuMemAllocPitch_v2 {
        private cuMemAllocPitch_v2() {}

        public static final String NAME = "cuMemAllocPitch_v2";
        public static final String PROTOTYPE = "CUresult cuMemAllocPitch_v2(CUdeviceptr *dptr, size_t *pPitch, size_t WidthInBytes, size_t Height, unsigned int ElementSizeBytes)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_LONG, C_LONG, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemAllocPitch_v2$descriptor() {
        return cuMemAllocPitch_v2.DESC;
    }

    public static MethodHandle cuMemAllocPitch_v2$handle() {
        return cuMemAllocPitch_v2.handle();
    }

    public static MemorySegment cuMemAllocPitch_v2$address() {
        return cuMemAllocPitch_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAllocPitch_v2(CUdeviceptr *dptr, size_t *pPitch, size_t WidthInBytes, size_t Height, unsigned int ElementSizeBytes)
     * }
     */
    public static int cuMemAllocPitch_v2(MemorySegment dptr, MemorySegment pPitch, long WidthInBytes, long Height, int ElementSizeBytes) {
        var mh$ = cuMemAllocPitch_v2.handle();
        try {
            return (int) mh$.invokeExact(dptr, pPitch, WidthInBytes, Height, ElementSizeBytes);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAllocAsync(CUdeviceptr *dptr, size_t bytesize, CUstream hStream)
     * }
     */
    public static final class cuMemAllocAsync {
        private cuMemAllocAsync() {}

        public static final String NAME = "cuMemAllocAsync";
        public static final String PROTOTYPE = "CUresult cuMemAllocAsync(CUdeviceptr *dptr, size_t bytesize, CUstream hStream)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemAllocAsync$descriptor() {
        return cuMemAllocAsync.DESC;
    }

    public static MethodHandle cuMemAllocAsync$handle() {
        return cuMemAllocAsync.handle();
    }

    public static MemorySegment cuMemAllocAsync$address() {
        return cuMemAllocAsync.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAllocAsync(CUdeviceptr *dptr, size_t bytesize, CUstream hStream)
     * }
     */
    public static int cuMemAllocAsync(MemorySegment dptr, long bytesize, MemorySegment hStream) {
        var mh$ = cuMemAllocAsync.handle();
        try {
            return (int) mh$.invokeExact(dptr, bytesize, hStream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAllocAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUstream hStream)
     * }
     */
    public static final class cuMemAllocAsync_ptsz {
        private cuMemAllocAsync_ptsz() {}

        public static final String NAME = "cuMemAllocAsync_ptsz";
        public static final String PROTOTYPE = "CUresult cuMemAllocAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUstream hStream)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemAllocAsync_ptsz$descriptor() {
        return cuMemAllocAsync_ptsz.DESC;
    }

    public static MethodHandle cuMemAllocAsync_ptsz$handle() {
        return cuMemAllocAsync_ptsz.handle();
    }

    public static MemorySegment cuMemAllocAsync_ptsz$address() {
        return cuMemAllocAsync_ptsz.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAllocAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUstream hStream)
     * }
     */
    public static int cuMemAllocAsync_ptsz(MemorySegment dptr, long bytesize, MemorySegment hStream) {
        var mh$ = cuMemAllocAsync_ptsz.handle();
        try {
            return (int) mh$.invokeExact(dptr, bytesize, hStream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAllocFromPoolAsync(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool, CUstream hStream)
     * }
     */
    public static final class cuMemAllocFromPoolAsync {
        private cuMemAllocFromPoolAsync() {}

        public static final String NAME = "cuMemAllocFromPoolAsync";
        public static final String PROTOTYPE = "CUresult cuMemAllocFromPoolAsync(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool, CUstream hStream)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemAllocFromPoolAsync$descriptor() {
        return cuMemAllocFromPoolAsync.DESC;
    }

    public static MethodHandle cuMemAllocFromPoolAsync$handle() {
        return cuMemAllocFromPoolAsync.handle();
    }

    public static MemorySegment cuMemAllocFromPoolAsync$address() {
        return cuMemAllocFromPoolAsync.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAllocFromPoolAsync(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool, CUstream hStream)
     * }
     */
    public static int cuMemAllocFromPoolAsync(MemorySegment dptr, long bytesize, MemorySegment pool, MemorySegment hStream) {
        var mh$ = cuMemAllocFromPoolAsync.handle();
        try {
            return (int) mh$.invokeExact(dptr, bytesize, pool, hStream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAllocFromPoolAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool, CUstream hStream)
     * }
     */
    public static final class cuMemAllocFromPoolAsync_ptsz {
        private cuMemAllocFromPoolAsync_ptsz() {}

        public static final String NAME = "cuMemAllocFromPoolAsync_ptsz";
        public static final String PROTOTYPE = "CUresult cuMemAllocFromPoolAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool, CUstream hStream)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_LONG, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemAllocFromPoolAsync_ptsz$descriptor() {
        return cuMemAllocFromPoolAsync_ptsz.DESC;
    }

    public static MethodHandle cuMemAllocFromPoolAsync_ptsz$handle() {
        return cuMemAllocFromPoolAsync_ptsz.handle();
    }

    public static MemorySegment cuMemAllocFromPoolAsync_ptsz$address() {
        return cuMemAllocFromPoolAsync_ptsz.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAllocFromPoolAsync_ptsz(CUdeviceptr *dptr, size_t bytesize, CUmemoryPool pool, CUstream hStream)
     * }
     */
    public static int cuMemAllocFromPoolAsync_ptsz(MemorySegment dptr, long bytesize, MemorySegment pool, MemorySegment hStream) {
        var mh$ = cuMemAllocFromPoolAsync_ptsz.handle();
        try {
            return (int) mh$.invokeExact(dptr, bytesize, pool, hStream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemFreeAsync(CUdeviceptr dptr, CUstream hStream)
     * }
     */
    public static final class cuMemFreeAsync {
        private cuMemFreeAsync() {}

        public static final String NAME = "cuMemFreeAsync";
        public static final String PROTOTYPE = "CUresult cuMemFreeAsync(CUdeviceptr dptr, CUstream hStream)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemFreeAsync$descriptor() {
        return cuMemFreeAsync.DESC;
    }

    public static MethodHandle cuMemFreeAsync$handle() {
        return cuMemFreeAsync.handle();
    }

    public static MemorySegment cuMemFreeAsync$address() {
        return cuMemFreeAsync.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemFreeAsync(CUdeviceptr dptr, CUstream hStream)
     * }
     */
    public static int cuMemFreeAsync(long dptr, MemorySegment hStream) {
        var mh$ = cuMemFreeAsync.handle();
        try {
            return (int) mh$.invokeExact(dptr, hStream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemFreeAsync_ptsz(CUdeviceptr dptr, CUstream hStream)
     * }
     */
    public static final class cuMemFreeAsync_ptsz {
        private cuMemFreeAsync_ptsz() {}

        public static final String NAME = "cuMemFreeAsync_ptsz";
        public static final String PROTOTYPE = "CUresult cuMemFreeAsync_ptsz(CUdeviceptr dptr, CUstream hStream)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemFreeAsync_ptsz$descriptor() {
        return cuMemFreeAsync_ptsz.DESC;
    }

    public static MethodHandle cuMemFreeAsync_ptsz$handle() {
        return cuMemFreeAsync_ptsz.handle();
    }

    public static MemorySegment cuMemFreeAsync_ptsz$address() {
        return cuMemFreeAsync_ptsz.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemFreeAsync_ptsz(CUdeviceptr dptr, CUstream hStream)
     * }
     */
    public static int cuMemFreeAsync_ptsz(long dptr, MemorySegment hStream) {
        var mh$ = cuMemFreeAsync_ptsz.handle();
        try {
            return (int) mh$.invokeExact(dptr, hStream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemRetainAllocationHandle(CUmemGenericAllocationHandle *handle, void *addr)
     * }
     */
    public static final class cuMemRetainAllocationHandle {
        private cuMemRetainAllocationHandle() {}

        public static final String NAME = "cuMemRetainAllocationHandle";
        public static final String PROTOTYPE = "CUresult cuMemRetainAllocationHandle(CUmemGenericAllocationHandle *handle, void *addr)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemRetainAllocationHandle$descriptor() {
        return cuMemRetainAllocationHandle.DESC;
    }

    public static MethodHandle cuMemRetainAllocationHandle$handle() {
        return cuMemRetainAllocationHandle.handle();
    }

    public static MemorySegment cuMemRetainAllocationHandle$address() {
        return cuMemRetainAllocationHandle.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemRetainAllocationHandle(CUmemGenericAllocationHandle *handle, void *addr)
     * }
     */
    public static int cuMemRetainAllocationHandle(MemorySegment handle, MemorySegment addr) {
        var mh$ = cuMemRetainAllocationHandle.handle();
        try {
            return (int) mh$.invokeExact(handle, addr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemImportFromShareableHandle(CUmemGenericAllocationHandle *handle, void *osHandle, CUmemAllocationHandleType shHandleType)
     * }
     */
    public static final class cuMemImportFromShareableHandle {
        private cuMemImportFromShareableHandle() {}

        public static final String NAME = "cuMemImportFromShareableHandle";
        public static final String PROTOTYPE = "CUresult cuMemImportFromShareableHandle(CUmemGenericAllocationHandle *handle, void *osHandle, CUmemAllocationHandleType shHandleType)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemImportFromShareableHandle$descriptor() {
        return cuMemImportFromShareableHandle.DESC;
    }

    public static MethodHandle cuMemImportFromShareableHandle$handle() {
        return cuMemImportFromShareableHandle.handle();
    }

    public static MemorySegment cuMemImportFromShareableHandle$address() {
        return cuMemImportFromShareableHandle.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemImportFromShareableHandle(CUmemGenericAllocationHandle *handle, void *osHandle, CUmemAllocationHandleType shHandleType)
     * }
     */
    public static int cuMemImportFromShareableHandle(MemorySegment handle, MemorySegment osHandle, int shHandleType) {
        var mh$ = cuMemImportFromShareableHandle.handle();
        try {
            return (int) mh$.invokeExact(handle, osHandle, shHandleType);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuArrayCreate_v2(CUarray *pHandle, const CUDA_ARRAY_DESCRIPTOR *pAllocateArray)
     * }
     */
    public static final class cuArrayCreate_v2 {
        private cuArrayCreate_v2() {}

        public static final String NAME = "cuArrayCreate_v2";
        public static final String PROTOTYPE = "CUresult cuArrayCreate_v2(CUarray *pHandle, const CUDA_ARRAY_DESCRIPTOR *pAllocateArray)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuArrayCreate_v2$descriptor() {
        return cuArrayCreate_v2.DESC;
    }

    public static MethodHandle cuArrayCreate_v2$handle() {
        return cuArrayCreate_v2.handle();
    }

    public static MemorySegment cuArrayCreate_v2$address() {
        return cuArrayCreate_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuArrayCreate_v2(CUarray *pHandle, const CUDA_ARRAY_DESCRIPTOR *pAllocateArray)
     * }
     */
    public static int cuArrayCreate_v2(MemorySegment pHandle, MemorySegment pAllocateArray) {
        var mh$ = cuArrayCreate_v2.handle();
        try {
            return (int) mh$.invokeExact(pHandle, pAllocateArray);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuArray3DCreate_v2(CUarray *pHandle, const CUDA_ARRAY3D_DESCRIPTOR *pAllocateArray)
     * }
     */
    public static final class cuArray3DCreate_v2 {
        private cuArray3DCreate_v2() {}

        public static final String NAME = "cuArray3DCreate_v2";
        public static final String PROTOTYPE = "CUresult cuArray3DCreate_v2(CUarray *pHandle, const CUDA_ARRAY3D_DESCRIPTOR *pAllocateArray)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuArray3DCreate_v2$descriptor() {
        return cuArray3DCreate_v2.DESC;
    }

    public static MethodHandle cuArray3DCreate_v2$handle() {
        return cuArray3DCreate_v2.handle();
    }

    public static MemorySegment cuArray3DCreate_v2$address() {
        return cuArray3DCreate_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuArray3DCreate_v2(CUarray *pHandle, const CUDA_ARRAY3D_DESCRIPTOR *pAllocateArray)
     * }
     */
    public static int cuArray3DCreate_v2(MemorySegment pHandle, MemorySegment pAllocateArray) {
        var mh$ = cuArray3DCreate_v2.handle();
        try {
            return (int) mh$.invokeExact(pHandle, pAllocateArray);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuMipmappedArrayCreate(CUmipmappedArray *pHandle, const CUDA_ARRAY3D_DESCRIPTOR *pMipmappedArrayDesc, unsigned int numMipmapLevels)
     * }
     */
    public static final class cuMipmappedArrayCreate {
        private cuMipmappedArrayCreate() {}

        public static final String NAME = "cuMipmappedArrayCreate";
        public static final String PROTOTYPE = "CUresult cuMipmappedArrayCreate(CUmipmappedArray *pHandle, const CUDA_ARRAY3D_DESCRIPTOR *pMipmappedArrayDesc, unsigned int numMipmapLevels)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMipmappedArrayCreate$descriptor() {
        return cuMipmappedArrayCreate.DESC;
    }

    public static MethodHandle cuMipmappedArrayCreate$handle() {
        return cuMipmappedArrayCreate.handle();
    }

    public static MemorySegment cuMipmappedArrayCreate$address() {
        return cuMipmappedArrayCreate.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMipmappedArrayCreate(CUmipmappedArray *pHandle, const CUDA_ARRAY3D_DESCRIPTOR *pMipmappedArrayDesc, unsigned int numMipmapLevels)
     * }
     */
    public static int cuMipmappedArrayCreate(MemorySegment pHandle, MemorySegment pMipmappedArrayDesc, int numMipmapLevels) {
        var mh$ = cuMipmappedArrayCreate.handle();
        try {
            return (int) mh$.invokeExact(pHandle, pMipmappedArrayDesc, numMipmapLevels);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuArrayDestroy(CUarray hArray)
     * }
     */
    public static final class cuArrayDestroy {
        private cuArrayDestroy() {}

        public static final String NAME = "cuArrayDestroy";
        public static final String PROTOTYPE = "CUresult cuArrayDestroy(CUarray hArray)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuArrayDestroy$descriptor() {
        return cuArrayDestroy.DESC;
    }

    public static MethodHandle cuArrayDestroy$handle() {
        return cuArrayDestroy.handle();
    }

    public static MemorySegment cuArrayDestroy$address() {
        return cuArrayDestroy.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuArrayDestroy(CUarray hArray)
     * }
     */
    public static int cuArrayDestroy(MemorySegment hArray) {
        var mh$ = cuArrayDestroy.handle();
        try {
            return (int) mh$.invokeExact(hArray);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuMipmappedArrayDestroy(CUmipmappedArray hMipmappedArray)
     * }
     */
    public static final class cuMipmappedArrayDestroy {
        private cuMipmappedArrayDestroy() {}

        public static final String NAME = "cuMipmappedArrayDestroy";
        public static final String PROTOTYPE = "CUresult cuMipmappedArrayDestroy(CUmipmappedArray hMipmappedArray)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMipmappedArrayDestroy$descriptor() {
        return cuMipmappedArrayDestroy.DESC;
    }

    public static MethodHandle cuMipmappedArrayDestroy$handle() {
        return cuMipmappedArrayDestroy.handle();
    }

    public static MemorySegment cuMipmappedArrayDestroy$address() {
        return cuMipmappedArrayDestroy.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMipmappedArrayDestroy(CUmipmappedArray hMipmappedArray)
     * }
     */
    public static int cuMipmappedArrayDestroy(MemorySegment hMipmappedArray) {
        var mh$ = cuMipmappedArrayDestroy.handle();
        try {
            return (int) mh$.invokeExact(hMipmappedArray);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuArrayGetMemoryRequirements(CUDA_ARRAY_MEMORY_REQUIREMENTS *memoryRequirements, CUarray array, CUdevice device)
     * }
     */
    public static final class cuArrayGetMemoryRequirements {
        private cuArrayGetMemoryRequirements() {}

        public static final String NAME = "cuArrayGetMemoryRequirements";
        public static final String PROTOTYPE = "CUresult cuArrayGetMemoryRequirements(CUDA_ARRAY_MEMORY_REQUIREMENTS *memoryRequirements, CUarray array, CUdevice device)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuArrayGetMemoryRequirements$descriptor() {
        return cuArrayGetMemoryRequirements.DESC;
    }

    public static MethodHandle cuArrayGetMemoryRequirements$handle() {
        return cuArrayGetMemoryRequirements.handle();
    }

    public static MemorySegment cuArrayGetMemoryRequirements$address() {
        return cuArrayGetMemoryRequirements.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuArrayGetMemoryRequirements(CUDA_ARRAY_MEMORY_REQUIREMENTS *memoryRequirements, CUarray array, CUdevice device)
     * }
     */
    public static int cuArrayGetMemoryRequirements(MemorySegment memoryRequirements, MemorySegment array, int device) {
        var mh$ = cuArrayGetMemoryRequirements.handle();
        try {
            return (int) mh$.invokeExact(memoryRequirements, array, device);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuMipmappedArrayGetMemoryRequirements(CUDA_ARRAY_MEMORY_REQUIREMENTS *memoryRequirements, CUmipmappedArray mipmap, CUdevice device)
     * }
     */
    public static final class cuMipmappedArrayGetMemoryRequirements {
        private cuMipmappedArrayGetMemoryRequirements() {}

        public static final String NAME = "cuMipmappedArrayGetMemoryRequirements";
        public static final String PROTOTYPE = "CUresult cuMipmappedArrayGetMemoryRequirements(CUDA_ARRAY_MEMORY_REQUIREMENTS *memoryRequirements, CUmipmappedArray mipmap, CUdevice device)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMipmappedArrayGetMemoryRequirements$descriptor() {
        return cuMipmappedArrayGetMemoryRequirements.DESC;
    }

    public static MethodHandle cuMipmappedArrayGetMemoryRequirements$handle() {
        return cuMipmappedArrayGetMemoryRequirements.handle();
    }

    public static MemorySegment cuMipmappedArrayGetMemoryRequirements$address() {
        return cuMipmappedArrayGetMemoryRequirements.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMipmappedArrayGetMemoryRequirements(CUDA_ARRAY_MEMORY_REQUIREMENTS *memoryRequirements, CUmipmappedArray mipmap, CUdevice device)
     * }
     */
    public static int cuMipmappedArrayGetMemoryRequirements(MemorySegment memoryRequirements, MemorySegment mipmap, int device) {
        var mh$ = cuMipmappedArrayGetMemoryRequirements.handle();
        try {
            return (int) mh$.invokeExact(memoryRequirements, mipmap, device);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuImportExternalMemory(CUexternalMemory *extMem_out, const CUDA_EXTERNAL_MEMORY_HANDLE_DESC *memHandleDesc)
     * }
     */
    public static final class cuImportExternalMemory {
        private cuImportExternalMemory() {}

        public static final String NAME = "cuImportExternalMemory";
        public static final String PROTOTYPE = "CUresult cuImportExternalMemory(CUexternalMemory *extMem_out, const CUDA_EXTERNAL_MEMORY_HANDLE_DESC *memHandleDesc)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuImportExternalMemory$descriptor() {
        return cuImportExternalMemory.DESC;
    }

    public static MethodHandle cuImportExternalMemory$handle() {
        return cuImportExternalMemory.handle();
    }

    public static MemorySegment cuImportExternalMemory$address() {
        return cuImportExternalMemory.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuImportExternalMemory(CUexternalMemory *extMem_out, const CUDA_EXTERNAL_MEMORY_HANDLE_DESC *memHandleDesc)
     * }
     */
    public static int cuImportExternalMemory(MemorySegment extMem_out, MemorySegment memHandleDesc) {
        var mh$ = cuImportExternalMemory.handle();
        try {
            return (int) mh$.invokeExact(extMem_out, memHandleDesc);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuDestroyExternalMemory(CUexternalMemory extMem)
     * }
     */
    public static final class cuDestroyExternalMemory {
        private cuDestroyExternalMemory() {}

        public static final String NAME = "cuDestroyExternalMemory";
        public static final String PROTOTYPE = "CUresult cuDestroyExternalMemory(CUexternalMemory extMem)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDestroyExternalMemory$descriptor() {
        return cuDestroyExternalMemory.DESC;
    }

    public static MethodHandle cuDestroyExternalMemory$handle() {
        return cuDestroyExternalMemory.handle();
    }

    public static MemorySegment cuDestroyExternalMemory$address() {
        return cuDestroyExternalMemory.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDestroyExternalMemory(CUexternalMemory extMem)
     * }
     */
    public static int cuDestroyExternalMemory(MemorySegment extMem) {
        var mh$ = cuDestroyExternalMemory.handle();
        try {
            return (int) mh$.invokeExact(extMem);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuCtxDestroy_v2(CUcontext ctx)
     * }
     */
    public static final class cuCtxDestroy_v2 {
        private cuCtxDestroy_v2() {}

        public static final String NAME = "cuCtxDestroy_v2";
        public static final String PROTOTYPE = "CUresult cuCtxDestroy_v2(CUcontext ctx)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuCtxDestroy_v2$descriptor() {
        return cuCtxDestroy_v2.DESC;
    }

    public static MethodHandle cuCtxDestroy_v2$handle() {
        return cuCtxDestroy_v2.handle();
    }

    public static MemorySegment cuCtxDestroy_v2$address() {
        return cuCtxDestroy_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuCtxDestroy_v2(CUcontext ctx)
     * }
     */
    public static int cuCtxDestroy_v2(MemorySegment ctx) {
        var mh$ = cuCtxDestroy_v2.handle();
        try {
            return (int) mh$.invokeExact(ctx);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGetGraphMemAttribute(CUdevice device, CUgraphMem_attribute attr, void *value)
     * }
     */
    public static final class cuDeviceGetGraphMemAttribute {
        private cuDeviceGetGraphMemAttribute() {}

        public static final String NAME = "cuDeviceGetGraphMemAttribute";
        public static final String PROTOTYPE = "CUresult cuDeviceGetGraphMemAttribute(CUdevice device, CUgraphMem_attribute attr, void *value)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDeviceGetGraphMemAttribute$descriptor() {
        return cuDeviceGetGraphMemAttribute.DESC;
    }

    public static MethodHandle cuDeviceGetGraphMemAttribute$handle() {
        return cuDeviceGetGraphMemAttribute.handle();
    }

    public static MemorySegment cuDeviceGetGraphMemAttribute$address() {
        return cuDeviceGetGraphMemAttribute.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGetGraphMemAttribute(CUdevice device, CUgraphMem_attribute attr, void *value)
     * }
     */
    public static int cuDeviceGetGraphMemAttribute(int device, int attr, MemorySegment value) {
        var mh$ = cuDeviceGetGraphMemAttribute.handle();
        try {
            return (int) mh$.invokeExact(device, attr, value);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGraphMemTrim(CUdevice device)
     * }
     */
    public static final class cuDeviceGraphMemTrim {
        private cuDeviceGraphMemTrim() {}

        public static final String NAME = "cuDeviceGraphMemTrim";
        public static final String PROTOTYPE = "CUresult cuDeviceGraphMemTrim(CUdevice device)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDeviceGraphMemTrim$descriptor() {
        return cuDeviceGraphMemTrim.DESC;
    }

    public static MethodHandle cuDeviceGraphMemTrim$handle() {
        return cuDeviceGraphMemTrim.handle();
    }

    public static MemorySegment cuDeviceGraphMemTrim$address() {
        return cuDeviceGraphMemTrim.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDeviceGraphMemTrim(CUdevice device)
     * }
     */
    public static int cuDeviceGraphMemTrim(int device) {
        var mh$ = cuDeviceGraphMemTrim.handle();
        try {
            return (int) mh$.invokeExact(device);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAdvise_v2(CUdeviceptr devPtr, size_t count, CUmem_advise advice, CUmemLocation location)
     * }
     */
    public static final class cuMemAdvise_v2 {
        private cuMemAdvise_v2() {}

        public static final String NAME = "cuMemAdvise_v2";
        public static final String PROTOTYPE = "CUresult cuMemAdvise_v2(CUdeviceptr devPtr, size_t count, CUmem_advise advice, CUmemLocation location)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG, C_LONG, C_INT, CUmemLocation.layout());
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuMemAdvise_v2$descriptor() {
        return cuMemAdvise_v2.DESC;
    }

    public static MethodHandle cuMemAdvise_v2$handle() {
        return cuMemAdvise_v2.handle();
    }

    public static MemorySegment cuMemAdvise_v2$address() {
        return cuMemAdvise_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuMemAdvise_v2(CUdeviceptr devPtr, size_t count, CUmem_advise advice, CUmemLocation location)
     * }
     */
    public static int cuMemAdvise_v2(long devPtr, long count, int advice, MemorySegment location) {
        var mh$ = cuMemAdvise_v2.handle();
        try {
            return (int) mh$.invokeExact(devPtr, count, advice, location);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuIpcOpenMemHandle_v2(CUdeviceptr *pdptr, CUipcMemHandle handle, unsigned int Flags)
     * }
     */
    public static final class cuIpcOpenMemHandle_v2 {
        private cuIpcOpenMemHandle_v2() {}

        public static final String NAME = "cuIpcOpenMemHandle_v2";
        public static final String PROTOTYPE = "CUresult cuIpcOpenMemHandle_v2(CUdeviceptr *pdptr, CUipcMemHandle handle, unsigned int Flags)";
        /** {@code typedef struct CUipcMemHandle_st { char reserved[64]; } CUipcMemHandle}, passed by value. */
        public static final java.lang.foreign.GroupLayout HANDLE = java.lang.foreign.MemoryLayout.structLayout(
                java.lang.foreign.MemoryLayout.sequenceLayout(64, C_CHAR).withName("reserved")).withName("CUipcMemHandle_st");
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, HANDLE, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuIpcOpenMemHandle_v2$descriptor() {
        return cuIpcOpenMemHandle_v2.DESC;
    }

    public static MethodHandle cuIpcOpenMemHandle_v2$handle() {
        return cuIpcOpenMemHandle_v2.handle();
    }

    public static MemorySegment cuIpcOpenMemHandle_v2$address() {
        return cuIpcOpenMemHandle_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuIpcOpenMemHandle_v2(CUdeviceptr *pdptr, CUipcMemHandle handle, unsigned int Flags)
     * }
     */
    public static int cuIpcOpenMemHandle_v2(MemorySegment pdptr, MemorySegment handle, int Flags) {
        var mh$ = cuIpcOpenMemHandle_v2.handle();
        try {
            return (int) mh$.invokeExact(pdptr, handle, Flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuIpcCloseMemHandle(CUdeviceptr dptr)
     * }
     */
    public static final class cuIpcCloseMemHandle {
        private cuIpcCloseMemHandle() {}

        public static final String NAME = "cuIpcCloseMemHandle";
        public static final String PROTOTYPE = "CUresult cuIpcCloseMemHandle(CUdeviceptr dptr)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_LONG_LONG);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuIpcCloseMemHandle$descriptor() {
        return cuIpcCloseMemHandle.DESC;
    }

    public static MethodHandle cuIpcCloseMemHandle$handle() {
        return cuIpcCloseMemHandle.handle();
    }

    public static MemorySegment cuIpcCloseMemHandle$address() {
        return cuIpcCloseMemHandle.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuIpcCloseMemHandle(CUdeviceptr dptr)
     * }
     */
    public static int cuIpcCloseMemHandle(long dptr) {
        var mh$ = cuIpcCloseMemHandle.handle();
        try {
            return (int) mh$.invokeExact(dptr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int *flags, int *active)
     * }
     */
    public static final class cuDevicePrimaryCtxGetState {
        private cuDevicePrimaryCtxGetState() {}

        public static final String NAME = "cuDevicePrimaryCtxGetState";
        public static final String PROTOTYPE = "CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int *flags, int *active)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuDevicePrimaryCtxGetState$descriptor() {
        return cuDevicePrimaryCtxGetState.DESC;
    }

    public static MethodHandle cuDevicePrimaryCtxGetState$handle() {
        return cuDevicePrimaryCtxGetState.handle();
    }

    public static MemorySegment cuDevicePrimaryCtxGetState$address() {
        return cuDevicePrimaryCtxGetState.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuDevicePrimaryCtxGetState(CUdevice dev, unsigned int *flags, int *active)
     * }
     */
    public static int cuDevicePrimaryCtxGetState(int dev, MemorySegment flags, MemorySegment active) {
        var mh$ = cuDevicePrimaryCtxGetState.handle();
        try {
            return (int) mh$.invokeExact(dev, flags, active);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuCtxCreate_v4(CUcontext *pctx, CUctxCreateParams *ctxCreateParams, unsigned int flags, CUdevice dev)
     * }
     */
    public static final class cuCtxCreate_v4 {
        private cuCtxCreate_v4() {}

        public static final String NAME = "cuCtxCreate_v4";
        public static final String PROTOTYPE = "CUresult cuCtxCreate_v4(CUcontext *pctx, CUctxCreateParams *ctxCreateParams, unsigned int flags, CUdevice dev)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_INT, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuCtxCreate_v4$descriptor() {
        return cuCtxCreate_v4.DESC;
    }

    public static MethodHandle cuCtxCreate_v4$handle() {
        return cuCtxCreate_v4.handle();
    }

    public static MemorySegment cuCtxCreate_v4$address() {
        return cuCtxCreate_v4.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuCtxCreate_v4(CUcontext *pctx, CUctxCreateParams *ctxCreateParams, unsigned int flags, CUdevice dev)
     * }
     */
    public static int cuCtxCreate_v4(MemorySegment pctx, MemorySegment ctxCreateParams, int flags, int dev) {
        var mh$ = cuCtxCreate_v4.handle();
        try {
            return (int) mh$.invokeExact(pctx, ctxCreateParams, flags, dev);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuCtxPushCurrent_v2(CUcontext ctx)
     * }
     */
    public static final class cuCtxPushCurrent_v2 {
        private cuCtxPushCurrent_v2() {}

        public static final String NAME = "cuCtxPushCurrent_v2";
        public static final String PROTOTYPE = "CUresult cuCtxPushCurrent_v2(CUcontext ctx)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuCtxPushCurrent_v2$descriptor() {
        return cuCtxPushCurrent_v2.DESC;
    }

    public static MethodHandle cuCtxPushCurrent_v2$handle() {
        return cuCtxPushCurrent_v2.handle();
    }

    public static MemorySegment cuCtxPushCurrent_v2$address() {
        return cuCtxPushCurrent_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuCtxPushCurrent_v2(CUcontext ctx)
     * }
     */
    public static int cuCtxPushCurrent_v2(MemorySegment ctx) {
        var mh$ = cuCtxPushCurrent_v2.handle();
        try {
            return (int) mh$.invokeExact(ctx);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
    /**
     * {@snippet lang=c :
     * CUresult cuCtxPopCurrent_v2(CUcontext *pctx)
     * }
     */
    public static final class cuCtxPopCurrent_v2 {
        private cuCtxPopCurrent_v2() {}

        public static final String NAME = "cuCtxPopCurrent_v2";
        public static final String PROTOTYPE = "CUresult cuCtxPopCurrent_v2(CUcontext *pctx)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuCtxPopCurrent_v2$descriptor() {
        return cuCtxPopCurrent_v2.DESC;
    }

    public static MethodHandle cuCtxPopCurrent_v2$handle() {
        return cuCtxPopCurrent_v2.handle();
    }

    public static MemorySegment cuCtxPopCurrent_v2$address() {
        return cuCtxPopCurrent_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuCtxPopCurrent_v2(CUcontext *pctx)
     * }
     */
    public static int cuCtxPopCurrent_v2(MemorySegment pctx) {
        var mh$ = cuCtxPopCurrent_v2.handle();
        try {
            return (int) mh$.invokeExact(pctx);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuLaunchKernelEx(const CUlaunchConfig *config, CUfunction f, void **kernelParams, void **extra)
     * }
     */
    public static final class cuLaunchKernelEx {
        private cuLaunchKernelEx() {}

        public static final String NAME = "cuLaunchKernelEx";
        public static final String PROTOTYPE = "CUresult cuLaunchKernelEx(const CUlaunchConfig *config, CUfunction f, void **kernelParams, void **extra)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuLaunchKernelEx$descriptor() {
        return cuLaunchKernelEx.DESC;
    }

    public static MethodHandle cuLaunchKernelEx$handle() {
        return cuLaunchKernelEx.handle();
    }

    public static MemorySegment cuLaunchKernelEx$address() {
        return cuLaunchKernelEx.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuLaunchKernelEx(const CUlaunchConfig *config, CUfunction f, void **kernelParams, void **extra)
     * }
     */
    public static int cuLaunchKernelEx(MemorySegment config, MemorySegment f, MemorySegment kernelParams, MemorySegment extra) {
        var mh$ = cuLaunchKernelEx.handle();
        try {
            return (int) mh$.invokeExact(config, f, kernelParams, extra);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuLaunchKernelEx_ptsz(const CUlaunchConfig *config, CUfunction f, void **kernelParams, void **extra)
     * }
     */
    public static final class cuLaunchKernelEx_ptsz {
        private cuLaunchKernelEx_ptsz() {}

        public static final String NAME = "cuLaunchKernelEx_ptsz";
        public static final String PROTOTYPE = "CUresult cuLaunchKernelEx_ptsz(const CUlaunchConfig *config, CUfunction f, void **kernelParams, void **extra)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuLaunchKernelEx_ptsz$descriptor() {
        return cuLaunchKernelEx_ptsz.DESC;
    }

    public static MethodHandle cuLaunchKernelEx_ptsz$handle() {
        return cuLaunchKernelEx_ptsz.handle();
    }

    public static MemorySegment cuLaunchKernelEx_ptsz$address() {
        return cuLaunchKernelEx_ptsz.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuLaunchKernelEx_ptsz(const CUlaunchConfig *config, CUfunction f, void **kernelParams, void **extra)
     * }
     */
    public static int cuLaunchKernelEx_ptsz(MemorySegment config, MemorySegment f, MemorySegment kernelParams, MemorySegment extra) {
        var mh$ = cuLaunchKernelEx_ptsz.handle();
        try {
            return (int) mh$.invokeExact(config, f, kernelParams, extra);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuLaunchCooperativeKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams)
     * }
     */
    public static final class cuLaunchCooperativeKernel {
        private cuLaunchCooperativeKernel() {}

        public static final String NAME = "cuLaunchCooperativeKernel";
        public static final String PROTOTYPE = "CUresult cuLaunchCooperativeKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuLaunchCooperativeKernel$descriptor() {
        return cuLaunchCooperativeKernel.DESC;
    }

    public static MethodHandle cuLaunchCooperativeKernel$handle() {
        return cuLaunchCooperativeKernel.handle();
    }

    public static MemorySegment cuLaunchCooperativeKernel$address() {
        return cuLaunchCooperativeKernel.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuLaunchCooperativeKernel(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams)
     * }
     */
    public static int cuLaunchCooperativeKernel(MemorySegment f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX, int blockDimY, int blockDimZ, int sharedMemBytes, MemorySegment hStream, MemorySegment kernelParams) {
        var mh$ = cuLaunchCooperativeKernel.handle();
        try {
            return (int) mh$.invokeExact(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuLaunchCooperativeKernel_ptsz(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams)
     * }
     */
    public static final class cuLaunchCooperativeKernel_ptsz {
        private cuLaunchCooperativeKernel_ptsz() {}

        public static final String NAME = "cuLaunchCooperativeKernel_ptsz";
        public static final String PROTOTYPE = "CUresult cuLaunchCooperativeKernel_ptsz(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuLaunchCooperativeKernel_ptsz$descriptor() {
        return cuLaunchCooperativeKernel_ptsz.DESC;
    }

    public static MethodHandle cuLaunchCooperativeKernel_ptsz$handle() {
        return cuLaunchCooperativeKernel_ptsz.handle();
    }

    public static MemorySegment cuLaunchCooperativeKernel_ptsz$address() {
        return cuLaunchCooperativeKernel_ptsz.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuLaunchCooperativeKernel_ptsz(CUfunction f, unsigned int gridDimX, unsigned int gridDimY, unsigned int gridDimZ, unsigned int blockDimX, unsigned int blockDimY, unsigned int blockDimZ, unsigned int sharedMemBytes, CUstream hStream, void **kernelParams)
     * }
     */
    public static int cuLaunchCooperativeKernel_ptsz(MemorySegment f, int gridDimX, int gridDimY, int gridDimZ, int blockDimX, int blockDimY, int blockDimZ, int sharedMemBytes, MemorySegment hStream, MemorySegment kernelParams) {
        var mh$ = cuLaunchCooperativeKernel_ptsz.handle();
        try {
            return (int) mh$.invokeExact(f, gridDimX, gridDimY, gridDimZ, blockDimX, blockDimY, blockDimZ, sharedMemBytes, hStream, kernelParams);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuGraphLaunch(CUgraphExec hGraphExec, CUstream hStream)
     * }
     */
    public static final class cuGraphLaunch {
        private cuGraphLaunch() {}

        public static final String NAME = "cuGraphLaunch";
        public static final String PROTOTYPE = "CUresult cuGraphLaunch(CUgraphExec hGraphExec, CUstream hStream)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuGraphLaunch$descriptor() {
        return cuGraphLaunch.DESC;
    }

    public static MethodHandle cuGraphLaunch$handle() {
        return cuGraphLaunch.handle();
    }

    public static MemorySegment cuGraphLaunch$address() {
        return cuGraphLaunch.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuGraphLaunch(CUgraphExec hGraphExec, CUstream hStream)
     * }
     */
    public static int cuGraphLaunch(MemorySegment hGraphExec, MemorySegment hStream) {
        var mh$ = cuGraphLaunch.handle();
        try {
            return (int) mh$.invokeExact(hGraphExec, hStream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuGraphLaunch_ptsz(CUgraphExec hGraphExec, CUstream hStream)
     * }
     */
    public static final class cuGraphLaunch_ptsz {
        private cuGraphLaunch_ptsz() {}

        public static final String NAME = "cuGraphLaunch_ptsz";
        public static final String PROTOTYPE = "CUresult cuGraphLaunch_ptsz(CUgraphExec hGraphExec, CUstream hStream)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuGraphLaunch_ptsz$descriptor() {
        return cuGraphLaunch_ptsz.DESC;
    }

    public static MethodHandle cuGraphLaunch_ptsz$handle() {
        return cuGraphLaunch_ptsz.handle();
    }

    public static MemorySegment cuGraphLaunch_ptsz$address() {
        return cuGraphLaunch_ptsz.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuGraphLaunch_ptsz(CUgraphExec hGraphExec, CUstream hStream)
     * }
     */
    public static int cuGraphLaunch_ptsz(MemorySegment hGraphExec, MemorySegment hStream) {
        var mh$ = cuGraphLaunch_ptsz.handle();
        try {
            return (int) mh$.invokeExact(hGraphExec, hStream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuStreamIsCapturing(CUstream hStream, CUstreamCaptureStatus *captureStatus)
     * }
     */
    public static final class cuStreamIsCapturing {
        private cuStreamIsCapturing() {}

        public static final String NAME = "cuStreamIsCapturing";
        public static final String PROTOTYPE = "CUresult cuStreamIsCapturing(CUstream hStream, CUstreamCaptureStatus *captureStatus)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuStreamIsCapturing$descriptor() {
        return cuStreamIsCapturing.DESC;
    }

    public static MethodHandle cuStreamIsCapturing$handle() {
        return cuStreamIsCapturing.handle();
    }

    public static MemorySegment cuStreamIsCapturing$address() {
        return cuStreamIsCapturing.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuStreamIsCapturing(CUstream hStream, CUstreamCaptureStatus *captureStatus)
     * }
     */
    public static int cuStreamIsCapturing(MemorySegment hStream, MemorySegment captureStatus) {
        var mh$ = cuStreamIsCapturing.handle();
        try {
            return (int) mh$.invokeExact(hStream, captureStatus);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuStreamIsCapturing_ptsz(CUstream hStream, CUstreamCaptureStatus *captureStatus)
     * }
     */
    public static final class cuStreamIsCapturing_ptsz {
        private cuStreamIsCapturing_ptsz() {}

        public static final String NAME = "cuStreamIsCapturing_ptsz";
        public static final String PROTOTYPE = "CUresult cuStreamIsCapturing_ptsz(CUstream hStream, CUstreamCaptureStatus *captureStatus)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuStreamIsCapturing_ptsz$descriptor() {
        return cuStreamIsCapturing_ptsz.DESC;
    }

    public static MethodHandle cuStreamIsCapturing_ptsz$handle() {
        return cuStreamIsCapturing_ptsz.handle();
    }

    public static MemorySegment cuStreamIsCapturing_ptsz$address() {
        return cuStreamIsCapturing_ptsz.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuStreamIsCapturing_ptsz(CUstream hStream, CUstreamCaptureStatus *captureStatus)
     * }
     */
    public static int cuStreamIsCapturing_ptsz(MemorySegment hStream, MemorySegment captureStatus) {
        var mh$ = cuStreamIsCapturing_ptsz.handle();
        try {
            return (int) mh$.invokeExact(hStream, captureStatus);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuThreadExchangeStreamCaptureMode(CUstreamCaptureMode *mode)
     * }
     */
    public static final class cuThreadExchangeStreamCaptureMode {
        private cuThreadExchangeStreamCaptureMode() {}

        public static final String NAME = "cuThreadExchangeStreamCaptureMode";
        public static final String PROTOTYPE = "CUresult cuThreadExchangeStreamCaptureMode(CUstreamCaptureMode *mode)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuThreadExchangeStreamCaptureMode$descriptor() {
        return cuThreadExchangeStreamCaptureMode.DESC;
    }

    public static MethodHandle cuThreadExchangeStreamCaptureMode$handle() {
        return cuThreadExchangeStreamCaptureMode.handle();
    }

    public static MemorySegment cuThreadExchangeStreamCaptureMode$address() {
        return cuThreadExchangeStreamCaptureMode.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuThreadExchangeStreamCaptureMode(CUstreamCaptureMode *mode)
     * }
     */
    public static int cuThreadExchangeStreamCaptureMode(MemorySegment mode) {
        var mh$ = cuThreadExchangeStreamCaptureMode.handle();
        try {
            return (int) mh$.invokeExact(mode);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuEventCreate(CUevent *phEvent, unsigned int Flags)
     * }
     */
    public static final class cuEventCreate {
        private cuEventCreate() {}

        public static final String NAME = "cuEventCreate";
        public static final String PROTOTYPE = "CUresult cuEventCreate(CUevent *phEvent, unsigned int Flags)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_INT);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuEventCreate$descriptor() {
        return cuEventCreate.DESC;
    }

    public static MethodHandle cuEventCreate$handle() {
        return cuEventCreate.handle();
    }

    public static MemorySegment cuEventCreate$address() {
        return cuEventCreate.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuEventCreate(CUevent *phEvent, unsigned int Flags)
     * }
     */
    public static int cuEventCreate(MemorySegment phEvent, int Flags) {
        var mh$ = cuEventCreate.handle();
        try {
            return (int) mh$.invokeExact(phEvent, Flags);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuEventRecord(CUevent hEvent, CUstream hStream)
     * }
     */
    public static final class cuEventRecord {
        private cuEventRecord() {}

        public static final String NAME = "cuEventRecord";
        public static final String PROTOTYPE = "CUresult cuEventRecord(CUevent hEvent, CUstream hStream)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuEventRecord$descriptor() {
        return cuEventRecord.DESC;
    }

    public static MethodHandle cuEventRecord$handle() {
        return cuEventRecord.handle();
    }

    public static MemorySegment cuEventRecord$address() {
        return cuEventRecord.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuEventRecord(CUevent hEvent, CUstream hStream)
     * }
     */
    public static int cuEventRecord(MemorySegment hEvent, MemorySegment hStream) {
        var mh$ = cuEventRecord.handle();
        try {
            return (int) mh$.invokeExact(hEvent, hStream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuEventRecord_ptsz(CUevent hEvent, CUstream hStream)
     * }
     */
    public static final class cuEventRecord_ptsz {
        private cuEventRecord_ptsz() {}

        public static final String NAME = "cuEventRecord_ptsz";
        public static final String PROTOTYPE = "CUresult cuEventRecord_ptsz(CUevent hEvent, CUstream hStream)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuEventRecord_ptsz$descriptor() {
        return cuEventRecord_ptsz.DESC;
    }

    public static MethodHandle cuEventRecord_ptsz$handle() {
        return cuEventRecord_ptsz.handle();
    }

    public static MemorySegment cuEventRecord_ptsz$address() {
        return cuEventRecord_ptsz.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuEventRecord_ptsz(CUevent hEvent, CUstream hStream)
     * }
     */
    public static int cuEventRecord_ptsz(MemorySegment hEvent, MemorySegment hStream) {
        var mh$ = cuEventRecord_ptsz.handle();
        try {
            return (int) mh$.invokeExact(hEvent, hStream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuEventQuery(CUevent hEvent)
     * }
     */
    public static final class cuEventQuery {
        private cuEventQuery() {}

        public static final String NAME = "cuEventQuery";
        public static final String PROTOTYPE = "CUresult cuEventQuery(CUevent hEvent)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuEventQuery$descriptor() {
        return cuEventQuery.DESC;
    }

    public static MethodHandle cuEventQuery$handle() {
        return cuEventQuery.handle();
    }

    public static MemorySegment cuEventQuery$address() {
        return cuEventQuery.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuEventQuery(CUevent hEvent)
     * }
     */
    public static int cuEventQuery(MemorySegment hEvent) {
        var mh$ = cuEventQuery.handle();
        try {
            return (int) mh$.invokeExact(hEvent);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuEventElapsedTime_v2(float *pMilliseconds, CUevent hStart, CUevent hEnd)
     * }
     */
    public static final class cuEventElapsedTime_v2 {
        private cuEventElapsedTime_v2() {}

        public static final String NAME = "cuEventElapsedTime_v2";
        public static final String PROTOTYPE = "CUresult cuEventElapsedTime_v2(float *pMilliseconds, CUevent hStart, CUevent hEnd)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER, C_POINTER, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuEventElapsedTime_v2$descriptor() {
        return cuEventElapsedTime_v2.DESC;
    }

    public static MethodHandle cuEventElapsedTime_v2$handle() {
        return cuEventElapsedTime_v2.handle();
    }

    public static MemorySegment cuEventElapsedTime_v2$address() {
        return cuEventElapsedTime_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuEventElapsedTime_v2(float *pMilliseconds, CUevent hStart, CUevent hEnd)
     * }
     */
    public static int cuEventElapsedTime_v2(MemorySegment pMilliseconds, MemorySegment hStart, MemorySegment hEnd) {
        var mh$ = cuEventElapsedTime_v2.handle();
        try {
            return (int) mh$.invokeExact(pMilliseconds, hStart, hEnd);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    /**
     * {@snippet lang=c :
     * CUresult cuEventDestroy_v2(CUevent hEvent)
     * }
     */
    public static final class cuEventDestroy_v2 {
        private cuEventDestroy_v2() {}

        public static final String NAME = "cuEventDestroy_v2";
        public static final String PROTOTYPE = "CUresult cuEventDestroy_v2(CUevent hEvent)";
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(C_INT, C_POINTER);
        public static final FunctionInfo INFO = new FunctionInfo(NAME, PROTOTYPE, DESC);

        private static final class Lazy {
            static final MemorySegment ADDR = resolve(NAME);
            static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
        }

        private static boolean resolved;

        /** The downcall handle, linked on first use. */
        public static MethodHandle handle() {
            if (!resolved) {
                resolve(NAME);
                resolved = true;
            }
            return Lazy.HANDLE;
        }

        /** The driver address the resolver gave for {@link #NAME}. */
        public static MemorySegment address() {
            handle();
            return Lazy.ADDR;
        }
    }

    public static FunctionDescriptor cuEventDestroy_v2$descriptor() {
        return cuEventDestroy_v2.DESC;
    }

    public static MethodHandle cuEventDestroy_v2$handle() {
        return cuEventDestroy_v2.handle();
    }

    public static MemorySegment cuEventDestroy_v2$address() {
        return cuEventDestroy_v2.address();
    }

    /**
     * {@snippet lang=c :
     * CUresult cuEventDestroy_v2(CUevent hEvent)
     * }
     */
    public static int cuEventDestroy_v2(MemorySegment hEvent) {
        var mh$ = cuEventDestroy_v2.handle();
        try {
            return (int) mh$.invokeExact(hEvent);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}
