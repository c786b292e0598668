package io.hami.boot;

import java.lang.foreign.MemorySegment;
import java.util.List;

/**
 * Upcall stubs of a list of hooks, made in order on a thread of their own from the start of the boot. Linking a stub
 * needs nothing but the bridge, and linking the memory hooks up to {@code cuMemAlloc_v2} was most of what stood
 * between joining the region and the first allocation's hook (~30 ms on an H200, docs/startup.md step 10); made
 * ahead, it overlaps with the configuration, the region and the devices, while the boot thread installs each stub
 * in the order the hooks must go in. A failure to make one is thrown where that one is taken.
 */
final class AheadStubs {
    private final MemorySegment[] stubs;
    private final Throwable[] failures;
    private int made; // guarded by this

    AheadStubs(Bridge bridge, List<Agent.Hook> hooks) {
        stubs = new MemorySegment[hooks.size()];
        failures = new Throwable[hooks.size()];
        Thread.ofPlatform().daemon().name("hami-stubs").start(() -> {
            for (int i = 0; i < hooks.size(); i++) {
                MemorySegment stub = null;
                Throwable failure = null;
                try {
                    stub = Agent.stub(bridge, hooks.get(i));
                } catch (Throwable t) {
                    failure = t;
                }
                synchronized (this) {
                    stubs[i] = stub;
                    failures[i] = failure;
                    made = i + 1;
                    notifyAll();
                }
            }
        });
    }

    /** The stub of hook {@code index}, once made; what making it threw, if it failed. */
    synchronized MemorySegment take(int index) throws Throwable {
        while (made <= index) {
            wait();
        }
        if (failures[index] != null) {
            throw failures[index];
        }
        return stubs[index];
    }
}
