package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;
import static io.hami.hooks.Accounting.NATIVE;

import io.hami.bindings.cuda.CudaDriver;
import java.lang.foreign.ValueLayout;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Virtual memory management (PyTorch's {@code expandable_segments}, the KV pools of inference servers): physical
 * memory is charged at {@code cuMemCreate} and released only when the handle's references ({@code cuMemCreate},
 * {@code cuMemRetainAllocationHandle}, {@code cuMemRelease}) and its mappings ({@code cuMemMap}, {@code cuMemUnmap})
 * both reach zero — "create, map, release the handle at once" and "retain, unmap, release" are both common. Handles
 * imported from another process ({@code cuMemImportFromShareableHandle}) were charged to their creator: tracked,
 * never charged. VMM calls are rare (growth steps, not per tensor), so one lock guards the books.
 */
public final class VmmHooks {
    private static final int LOCATION_TYPE_DEVICE = 1; // CU_MEM_LOCATION_TYPE_DEVICE
    private static final long PROP_LOCATION_TYPE_OFFSET = 8; // CUmemAllocationProp.location.type
    private static final long PROP_LOCATION_ID_OFFSET = 12; // CUmemAllocationProp.location.id

    private static final Downcall CREATE = Accounting.real(CudaDriver.cuMemCreate.NAME, CudaDriver.cuMemCreate.DESC);
    private static final Downcall RELEASE =
            Accounting.real(CudaDriver.cuMemRelease.NAME, CudaDriver.cuMemRelease.DESC);
    private static final Downcall RETAIN = Accounting.real(CudaDriver.cuMemRetainAllocationHandle.NAME,
            CudaDriver.cuMemRetainAllocationHandle.DESC);
    private static final Downcall MAP = Accounting.real(CudaDriver.cuMemMap.NAME, CudaDriver.cuMemMap.DESC);
    private static final Downcall UNMAP = Accounting.real(CudaDriver.cuMemUnmap.NAME, CudaDriver.cuMemUnmap.DESC);
    private static final Downcall IMPORT = Accounting.real(CudaDriver.cuMemImportFromShareableHandle.NAME,
            CudaDriver.cuMemImportFromShareableHandle.DESC);

    /** A physical allocation: charged bytes on a device (0 for imports), references and mappings. */
    private static final class Physical {
        final int device;
        final long charged;
        int references;
        int mappings;

        Physical(int device, long charged) {
            this.device = device;
            this.charged = charged;
        }
    }

    /** A handle value and how many acquisitions (create, import, retain) of it are not yet released. */
    private static final class Handle {
        final Physical physical;
        int count;

        Handle(Physical physical) {
            this.physical = physical;
        }
    }

    private static final Object BOOKS = new Object();
    private static final Map<Long, Handle> HANDLES = new HashMap<>();
    /**
     * Mapped virtual address → physical allocation: cuMemUnmap names addresses, and cuMemRetainAllocationHandle finds
     * the allocation behind an address; a handle value the driver reuses after a release cannot confuse either.
     */
    private static final TreeMap<Long, Mapping> MAPPINGS = new TreeMap<>();

    private record Mapping(Physical physical, long size) {}

    private VmmHooks() {}

    /** {@code CUresult cuMemCreate(CUmemGenericAllocationHandle *handle, size_t size, const CUmemAllocationProp *prop, unsigned long long flags)} */
    public static int cuMemCreate(long handle, long size, long prop, long flags) {
        try {
            boolean onDevice = prop != 0 && handle != 0 && size > 0
                    && NATIVE.get(ValueLayout.JAVA_INT, prop + PROP_LOCATION_TYPE_OFFSET) == LOCATION_TYPE_DEVICE;
            int ordinal = onDevice ? NATIVE.get(ValueLayout.JAVA_INT, prop + PROP_LOCATION_ID_OFFSET) : -1;
            int device = Accounting.DEVICES.regionDevice(ordinal); // the location is a CUDA ordinal
            if (device < 0) {
                return CREATE.call(handle, size, prop, flags); // host memory or a bad call
            }
            if (Accounting.detached() || !Accounting.tryReserve(device, size)) {
                return Accounting.refuse(device, size);
            }
            int result = CREATE.call(handle, size, prop, flags);
            if (result != CUDA_SUCCESS) {
                Accounting.release(device, size);
                return result;
            }
            synchronized (BOOKS) {
                acquire(NATIVE.get(ValueLayout.JAVA_LONG, handle), new Physical(device, size));
            }
            return CUDA_SUCCESS;
        } catch (Throwable t) {
            return Accounting.failure("cuMemCreate", t);
        }
    }

    /** {@code CUresult cuMemRelease(CUmemGenericAllocationHandle handle)} */
    public static int cuMemRelease(long handle) {
        try {
            int result = RELEASE.call(handle);
            if (result == CUDA_SUCCESS) {
                synchronized (BOOKS) {
                    Handle known = HANDLES.get(handle);
                    if (known != null) {
                        if (--known.count == 0) {
                            HANDLES.remove(handle);
                        }
                        known.physical.references--;
                        settle(known.physical);
                    }
                }
            }
            return result;
        } catch (Throwable t) {
            return Accounting.failure("cuMemRelease", t);
        }
    }

    /** {@code CUresult cuMemRetainAllocationHandle(CUmemGenericAllocationHandle *handle, void *addr)} */
    public static int cuMemRetainAllocationHandle(long handle, long address) {
        try {
            int result = RETAIN.call(handle, address);
            if (result == CUDA_SUCCESS) {
                synchronized (BOOKS) {
                    var mapping = MAPPINGS.floorEntry(address);
                    if (mapping != null && address - mapping.getKey() < mapping.getValue().size()) {
                        acquire(NATIVE.get(ValueLayout.JAVA_LONG, handle), mapping.getValue().physical());
                    }
                }
            }
            return result;
        } catch (Throwable t) {
            return Accounting.failure("cuMemRetainAllocationHandle", t);
        }
    }

    /** {@code CUresult cuMemMap(CUdeviceptr ptr, size_t size, size_t offset, CUmemGenericAllocationHandle handle, unsigned long long flags)} */
    public static int cuMemMap(long pointer, long size, long offset, long handle, long flags) {
        try {
            int result = MAP.call(pointer, size, offset, handle, flags);
            if (result == CUDA_SUCCESS) {
                synchronized (BOOKS) {
                    Handle known = HANDLES.get(handle);
                    if (known != null) {
                        known.physical.mappings++;
                        MAPPINGS.put(pointer, new Mapping(known.physical, size));
                        if (known.physical.device < 0 && !Accounting.detached()) { // an import: shown, not charged
                            Accounting.REGION.addSlotImported(Accounting.SLOT, size);
                        }
                    }
                }
            }
            return result;
        } catch (Throwable t) {
            return Accounting.failure("cuMemMap", t);
        }
    }

    /** {@code CUresult cuMemUnmap(CUdeviceptr ptr, size_t size)}: every mapping that starts inside the range goes. */
    public static int cuMemUnmap(long pointer, long size) {
        try {
            int result = UNMAP.call(pointer, size);
            if (result == CUDA_SUCCESS) {
                synchronized (BOOKS) {
                    var unmapped = MAPPINGS.subMap(pointer, true, pointer + size, false);
                    for (Mapping mapping : unmapped.values()) {
                        if (mapping.physical().device < 0 && !Accounting.detached()) {
                            Accounting.REGION.addSlotImported(Accounting.SLOT, -mapping.size());
                        }
                        mapping.physical().mappings--;
                        settle(mapping.physical());
                    }
                    unmapped.clear();
                }
            }
            return result;
        } catch (Throwable t) {
            return Accounting.failure("cuMemUnmap", t);
        }
    }

    /** {@code CUresult cuMemImportFromShareableHandle(CUmemGenericAllocationHandle *handle, void *osHandle, CUmemAllocationHandleType shHandleType)} */
    public static int cuMemImportFromShareableHandle(long handle, long osHandle, int type) {
        try {
            int result = IMPORT.call(handle, osHandle, type);
            if (result == CUDA_SUCCESS) {
                synchronized (BOOKS) { // charged to the process that created it: tracked so its references balance
                    acquire(NATIVE.get(ValueLayout.JAVA_LONG, handle), new Physical(-1, 0));
                }
            }
            return result;
        } catch (Throwable t) {
            return Accounting.failure("cuMemImportFromShareableHandle", t);
        }
    }

    /** One more acquisition of a handle value, naming {@code physical} if the value is new. */
    private static void acquire(long value, Physical physical) {
        Handle known = HANDLES.computeIfAbsent(value, v -> new Handle(physical));
        known.count++;
        known.physical.references++;
    }

    /** Releases the charge once nothing references or maps the allocation any more. */
    private static void settle(Physical physical) {
        if (physical.references <= 0 && physical.mappings <= 0) {
            if (physical.charged > 0 && !Accounting.detached()) {
                Accounting.release(physical.device, physical.charged);
            }
        }
    }
}
