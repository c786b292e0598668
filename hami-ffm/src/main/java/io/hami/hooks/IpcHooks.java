package io.hami.hooks;

import static io.hami.bindings.cuda.CudaDriver.CUDA_SUCCESS;
import static io.hami.hooks.Accounting.NATIVE;

import io.hami.bindings.cuda.CudaDriver;
import io.hami.limits.AllocationTable;
import io.hami.log.Log;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Legacy IPC ({@code cudaIpcOpenMemHandle}: PyTorch's CUDA tensors shared between processes, NCCL's intra-node
 * buffers): an opened handle maps memory that stays charged to the process that allocated it, so it is neither charged
 * nor refused here; its size is shown as this process's imported bytes in {@code hami-run status}
 * ({@code SLOT_IMPORTED}, docs/region.md) until {@code cuIpcCloseMemHandle}.
 */
public final class IpcHooks {
    private static final MethodHandle OPEN =
            Accounting.typed(CudaDriver.cuIpcOpenMemHandle_v2.NAME, CudaDriver.cuIpcOpenMemHandle_v2.DESC);
    private static final Downcall CLOSE =
            Accounting.real(CudaDriver.cuIpcCloseMemHandle.NAME, CudaDriver.cuIpcCloseMemHandle.DESC);
    private static final AllocationTable OPENED = new AllocationTable();

    private IpcHooks() {}

    /** {@code CUresult cuIpcOpenMemHandle_v2(CUdeviceptr *pdptr, CUipcMemHandle handle, unsigned int Flags)} */
    public static int cuIpcOpenMemHandle_v2(long dptr, MemorySegment handle, int flags) {
        try {
            int result = (int) OPEN.invokeExact(dptr, handle, flags);
            if (result == CUDA_SUCCESS && dptr != 0 && !Accounting.detached()) {
                long pointer = NATIVE.get(ValueLayout.JAVA_LONG, dptr);
                long size = Accounting.reportedSize(pointer, 0);
                if (size > 0) {
                    OPENED.put(pointer, AllocationTable.pack(0, size));
                    Accounting.REGION.addSlotImported(Accounting.SLOT, size);
                    if (Log.enabled(Log.DEBUG)) {
                        Log.debug("opened an IPC handle of " + size + " bytes: shown as imported until closed");
                    }
                }
            }
            return result;
        } catch (Throwable t) {
            return Accounting.failure("cuIpcOpenMemHandle_v2", t);
        }
    }

    /** {@code CUresult cuIpcCloseMemHandle(CUdeviceptr dptr)} */
    public static int cuIpcCloseMemHandle(long pointer) {
        try {
            long entry = pointer == 0 ? AllocationTable.MISSING : OPENED.remove(pointer);
            int result = CLOSE.call(pointer);
            if (entry != AllocationTable.MISSING) {
                if (result != CUDA_SUCCESS) {
                    OPENED.put(pointer, entry);
                } else if (!Accounting.detached()) {
                    Accounting.REGION.addSlotImported(Accounting.SLOT, -AllocationTable.bytes(entry));
                }
            }
            return result;
        } catch (Throwable t) {
            return Accounting.failure("cuIpcCloseMemHandle", t);
        }
    }
}
