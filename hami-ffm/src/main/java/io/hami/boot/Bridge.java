package io.hami.boot;

import io.hami.hooks.Downcall;
import io.hami.hooks.Downcalls;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The trampoline's side of the boot, handed over by address in the system property {@code hami.bridge}: real driver
 * addresses, the hook table, and the verdict channel. Java never finds the driver through a {@code SymbolLookup}
 * (the trampoline's {@code dlsym} override would answer with our own exports). Layout: {@code struct hami_bridge} in
 * {@code hami-ffm/src/main/c/hami.h}, drawn in {@code docs/trampoline.md}.
 */
public final class Bridge {
    public static final String PROPERTY = "hami.bridge";
    /** The soname of the trampoline, as preloaded; dlopen by soname finds the loaded copy. */
    static final String TRAMPOLINE = "libhami.so";
    /** {@code const struct hami_bridge *hami_agent_bridge(void)}: the bridge for a JVM the trampoline did not boot. */
    static final String AGENT_ENTRY = "hami_agent_bridge";
    static final int MAGIC = 0x48414d42;
    static final int VERSION = 2;
    static final long SIZE = 40;

    private static final Linker LINKER = Linker.nativeLinker();

    private final Downcall realSymbol;
    private final Downcall install;
    private final Downcall report;
    private final String dist;

    private Bridge(MemorySegment bridge) {
        int magic = bridge.get(ValueLayout.JAVA_INT, 0);
        int version = bridge.get(ValueLayout.JAVA_INT, 4);
        if (magic != MAGIC || version != VERSION) {
            throw new IllegalStateException("the trampoline's bridge is not the one this agent speaks (magic 0x"
                    + Integer.toHexString(magic) + ", version " + version + "): libhami.so and hami-ffm.jar must "
                    + "come from the same distribution");
        }
        // all three at the hooks' shared shape (Downcalls): the boot links no other
        realSymbol = Downcalls.link(bridge.get(ValueLayout.ADDRESS, 8));
        install = Downcalls.link(bridge.get(ValueLayout.ADDRESS, 16));
        report = Downcalls.link(bridge.get(ValueLayout.ADDRESS, 24));
        dist = bridge.get(ValueLayout.ADDRESS, 32).reinterpret(4096).getString(0);
    }

    /** The bridge of the trampoline that booted this JVM, or null when this JVM was not booted by one. */
    public static Bridge fromSystemProperty() {
        String text = System.getProperty(PROPERTY);
        if (text == null) {
            return null;
        }
        long address = Long.parseUnsignedLong(text.startsWith("0x") ? text.substring(2) : text, 16);
        return new Bridge(MemorySegment.ofAddress(address).reinterpret(SIZE));
    }

    /** Whether this JVM has the trampoline loaded, and what it has for an agent started with the JVM. */
    public sealed interface Hosted {
        /** libhami.so is not loaded: the JVM was not started under the preload. */
        record NotPreloaded() implements Hosted {}

        /** The trampoline has nothing to install: no limit set, or its boot was decided before the agent came. */
        record NothingToDo() implements Hosted {}

        /** The trampoline waits for this agent's hooks and verdict. */
        record Waiting(Bridge bridge) implements Hosted {}
    }

    /**
     * The bridge of a trampoline preloaded into a JVM that it did not boot (the host started {@code java} itself):
     * asked from the loaded libhami.so's one entry for that case, since no {@code -Dhami.bridge} was set.
     */
    public static Hosted fromLoadedTrampoline() {
        if (!trampolineLoaded()) {
            return new Hosted.NotPreloaded(); // and never load it now: a copy nobody calls would enforce nothing
        }
        SymbolLookup trampoline;
        try {
            // dlopen by soname finds the loaded copy
            trampoline = SymbolLookup.libraryLookup(TRAMPOLINE, Arena.global());
        } catch (IllegalArgumentException e) {
            return new Hosted.NotPreloaded();
        }
        MemorySegment entry = trampoline.find(AGENT_ENTRY).orElse(MemorySegment.NULL);
        if (entry.equals(MemorySegment.NULL)) {
            return new Hosted.NotPreloaded();
        }
        MemorySegment address;
        try {
            address = (MemorySegment) LINKER.downcallHandle(entry, FunctionDescriptor.of(ValueLayout.ADDRESS))
                    .invokeExact();
        } catch (Throwable t) {
            throw new IllegalStateException("cannot ask libhami.so for its bridge: " + t, t);
        }
        return address.equals(MemorySegment.NULL) ? new Hosted.NothingToDo()
                : new Hosted.Waiting(new Bridge(address.reinterpret(SIZE)));
    }

    /** Whether libhami.so is mapped into this process (preloaded, as every hooked process has it). */
    public static boolean trampolineLoaded() {
        try {
            return Files.readString(Path.of("/proc/self/maps")).contains("/" + TRAMPOLINE);
        } catch (IOException e) {
            return false;
        }
    }

    public String dist() {
        return dist;
    }

    /** The real driver's function called {@code name}, or {@link MemorySegment#NULL}. */
    public MemorySegment realSymbol(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = arena.allocate(ValueLayout.JAVA_LONG);
            int ignored = realSymbol.call(arena.allocateFrom(name).address(), address.address());
            return MemorySegment.ofAddress(address.get(ValueLayout.JAVA_LONG, 0));
        } catch (Throwable t) {
            throw new IllegalStateException("cannot resolve " + name, t);
        }
    }

    /** Routes the trampoline's export {@code name} through {@code hook} from now on. */
    public void install(String name, MemorySegment hook) {
        int result;
        try (Arena arena = Arena.ofConfined()) {
            result = install.call(arena.allocateFrom(name).address(), hook.address());
        } catch (Throwable t) {
            throw new IllegalStateException("cannot install " + name, t);
        }
        if (result != 0) {
            throw new IllegalStateException("the trampoline does not export " + name);
        }
    }

    /** Tells the waiting trampoline whether limits are enforced; a refusal's message is shown to the user. */
    public void report(boolean ok, String message) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment text = message == null ? MemorySegment.NULL : arena.allocateFrom(message);
            int ignored = report.call(ok ? 1 : 0, text.address());
        } catch (Throwable t) {
            throw new IllegalStateException("cannot report to the trampoline: " + t, t);
        }
    }
}
