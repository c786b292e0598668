package io.hami.cli;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Optional;

/**
 * A shared library opened with dlopen(3) through FFM, for {@code hami-run doctor}: unlike
 * {@link java.lang.foreign.SymbolLookup#libraryLookup} it keeps the loader's own reason when a library cannot be
 * loaded, and says which file a symbol came from. Libraries stay loaded for the life of the process (doctor exits).
 */
final class NativeLibrary {
    private static final int RTLD_NOW = 2;
    private static final long DL_INFO_BYTES = 32; // dli_fname, dli_fbase, dli_sname, dli_saddr
    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle DLOPEN = libc("dlopen", FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_INT));
    private static final MethodHandle DLSYM = libc("dlsym", FunctionDescriptor.of(ADDRESS, ADDRESS, ADDRESS));
    private static final MethodHandle DLERROR = libc("dlerror", FunctionDescriptor.of(ADDRESS));
    private static final MethodHandle DLADDR = libc("dladdr", FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS));

    private final MemorySegment handle;

    private NativeLibrary(MemorySegment handle) {
        this.handle = handle;
    }

    private static MethodHandle libc(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name)
                .orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name)), descriptor);
    }

    /** Thrown with the loader's message (dlerror) when a library cannot be loaded. */
    static final class LoadException extends Exception {
        LoadException(String message) {
            super(message);
        }
    }

    /** dlopen(name, RTLD_NOW): a soname is searched on the loader path, a path is taken as it is. */
    static NativeLibrary open(String name) throws LoadException {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment handle = (MemorySegment) DLOPEN.invokeExact(arena.allocateFrom(name), RTLD_NOW);
            if (handle.equals(MemorySegment.NULL)) {
                throw new LoadException(lastError(name + " cannot be loaded"));
            }
            return new NativeLibrary(handle);
        } catch (LoadException e) {
            throw e;
        } catch (Throwable t) {
            throw new LoadException("dlopen(" + name + ") failed: " + t);
        }
    }

    /** The symbol's address in this library or the libraries it depends on. */
    Optional<MemorySegment> find(String name) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment address = (MemorySegment) DLSYM.invokeExact(handle, arena.allocateFrom(name));
            return address.equals(MemorySegment.NULL) ? Optional.empty() : Optional.of(address);
        } catch (Throwable t) {
            return Optional.empty();
        }
    }

    /** A downcall to {@code name}, or empty when the library lacks it. */
    Optional<MethodHandle> function(String name, FunctionDescriptor descriptor) {
        return find(name).map(address -> LINKER.downcallHandle(address, descriptor));
    }

    /** The file that defines {@code address} (dladdr), or null. */
    static String fileOf(MemorySegment address) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = arena.allocate(DL_INFO_BYTES, 8);
            int found = (int) DLADDR.invokeExact(address, info);
            MemorySegment name = info.get(ADDRESS, 0);
            return found == 0 || name.equals(MemorySegment.NULL) ? null : cString(name);
        } catch (Throwable t) {
            return null;
        }
    }

    /** A NUL-terminated string at {@code address}, or null for NULL. */
    static String cString(MemorySegment address) {
        return address.equals(MemorySegment.NULL) ? null : address.reinterpret(Long.MAX_VALUE).getString(0);
    }

    private static String lastError(String fallback) throws Throwable {
        String error = cString((MemorySegment) DLERROR.invokeExact());
        return error == null ? fallback : error;
    }
}
