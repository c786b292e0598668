package io.hami.boot;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.hooks.ContextHooks;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A call that needs a decision goes on as soon as its own hook is installed (docs/startup.md), so the order of
 * {@link Agent#MEMORY_HOOKS} is part of the contract: contexts first, and in every group what gives back before what
 * takes.
 */
class HookOrderTest {
    private static List<String> names() {
        List<String> names = new ArrayList<>();
        for (Agent.Hook hook : Agent.MEMORY_HOOKS) {
            names.add(hook.function().name());
        }
        return names;
    }

    @Test
    void context_hooks_come_first_and_only_there() {
        for (int i = 0; i < Agent.MEMORY_HOOKS.size(); i++) {
            assertThat(Agent.MEMORY_HOOKS.get(i).owner() == ContextHooks.class)
                    .as("hook %d, %s", i, Agent.MEMORY_HOOKS.get(i).function().name())
                    .isEqualTo(i < Agent.CONTEXT_HOOK_COUNT);
        }
    }

    @Test
    void what_gives_back_is_installed_before_what_takes() {
        List<String> names = names();
        String[][] pairs = {
            {"cuMemFree_v2", "cuMemAlloc_v2"}, {"cuMemFree_v2", "cuMemAllocManaged"},
            {"cuMemFree_v2", "cuMemAllocPitch_v2"}, {"cuMemFreeAsync", "cuMemAllocAsync"},
            {"cuMemFreeAsync_ptsz", "cuMemAllocAsync_ptsz"}, {"cuMemFreeAsync", "cuMemAllocFromPoolAsync"},
            {"cuMemRelease", "cuMemCreate"}, {"cuMemUnmap", "cuMemMap"}, {"cuArrayDestroy", "cuArrayCreate_v2"},
            {"cuArrayDestroy", "cuArray3DCreate_v2"}, {"cuMipmappedArrayDestroy", "cuMipmappedArrayCreate"},
            {"cuDestroyExternalMemory", "cuImportExternalMemory"}, {"cuIpcCloseMemHandle", "cuIpcOpenMemHandle_v2"},
            {"cuCtxDestroy_v2", "cuMemAlloc_v2"}, {"cuDevicePrimaryCtxRelease_v2", "cuMemAlloc_v2"},
        };
        for (String[] pair : pairs) {
            assertThat(names.indexOf(pair[0])).as("%s before %s", pair[0], pair[1])
                    .isNotNegative().isLessThan(names.indexOf(pair[1]));
        }
    }
}
