package io.hami.cli;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.VarHandle;
import java.util.List;

/**
 * The libc calls hami-run makes before it becomes the command, through FFM. Safe here because the launcher JVM does
 * not run under the preloaded trampoline (bin/hami-run unsets LD_PRELOAD for it).
 */
final class Posix {
    static final int F_GETFD = 1;
    static final int F_SETFD = 2;
    static final int FD_CLOEXEC = 1;
    static final int SIG_SETMASK = 2;
    /** glibc's and musl's sigset_t: 1024 bits. */
    static final int SIGSET_BYTES = 128;

    static final int ENOENT = 2;
    static final int ENOEXEC = 8;
    static final int EACCES = 13;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final SymbolLookup LIBC = LINKER.defaultLookup();
    private static final StructLayout CAPTURED = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO =
            CAPTURED.varHandle(MemoryLayout.PathElement.groupElement("errno")).withInvokeExactBehavior();

    private static final MethodHandle EXECVE = LINKER.downcallHandle(symbol("execve"),
            FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, ADDRESS), Linker.Option.captureCallState("errno"));
    private static final MethodHandle FCNTL = LINKER.downcallHandle(symbol("fcntl"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT), Linker.Option.firstVariadicArg(2));
    private static final MethodHandle PTHREAD_SIGMASK = LINKER.downcallHandle(symbol("pthread_sigmask"),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS));
    private static final MethodHandle STRERROR = LINKER.downcallHandle(symbol("strerror"),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));

    private Posix() {}

    private static MemorySegment symbol(String name) {
        return LIBC.find(name).orElseThrow(() -> new UnsatisfiedLinkError("libc has no " + name));
    }

    /** Sets FD_CLOEXEC on {@code fd}; false if it is not open. */
    static boolean closeOnExec(int fd) {
        try {
            int flags = (int) FCNTL.invokeExact(fd, F_GETFD, 0);
            if (flags < 0) {
                return false;
            }
            return (flags & FD_CLOEXEC) != 0 || (int) FCNTL.invokeExact(fd, F_SETFD, flags | FD_CLOEXEC) == 0;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** True if {@code fd} is open and marked close-on-exec. */
    static boolean isCloseOnExec(int fd) {
        try {
            int flags = (int) FCNTL.invokeExact(fd, F_GETFD, 0);
            return flags >= 0 && (flags & FD_CLOEXEC) != 0;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /** Unblocks every signal in the calling thread (the mask survives execve; the JVM blocks some in its threads). */
    static void unblockAllSignals() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment empty = arena.allocate(SIGSET_BYTES); // zeroed: sigemptyset
            int error = (int) PTHREAD_SIGMASK.invokeExact(SIG_SETMASK, empty, MemorySegment.NULL);
            if (error != 0) {
                throw new IllegalStateException("pthread_sigmask failed: " + strerror(error));
            }
        } catch (RuntimeException e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * execve(2) with C strings made of the bytes of native strings (one char per byte). Returns errno: it only
     * returns when the call failed.
     */
    static int execve(String path, List<String> argv, List<String> environment) {
        Arena arena = Arena.ofConfined(); // on success the process image goes; on failure it is closed
        try {
            MemorySegment state = arena.allocate(CAPTURED);
            int result = (int) EXECVE.invokeExact(state, cString(arena, path), cArray(arena, argv),
                    cArray(arena, environment));
            return result == 0 ? 0 : (int) ERRNO.get(state, 0L);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            arena.close();
        }
    }

    static String strerror(int errno) {
        try {
            MemorySegment text = (MemorySegment) STRERROR.invokeExact(errno);
            return text.equals(MemorySegment.NULL) ? "errno " + errno : text.reinterpret(1024).getString(0);
        } catch (Throwable e) {
            return "errno " + errno;
        }
    }

    private static MemorySegment cString(Arena arena, String nativeString) {
        MemorySegment bytes = arena.allocate(nativeString.length() + 1L); // zeroed: the terminator is there
        for (int i = 0; i < nativeString.length(); i++) {
            char c = nativeString.charAt(i);
            if (c == 0 || c > 0xFF) {
                throw new IllegalArgumentException("not a native string: " + nativeString);
            }
            bytes.set(JAVA_BYTE, i, (byte) c);
        }
        return bytes;
    }

    private static MemorySegment cArray(Arena arena, List<String> strings) {
        MemorySegment array = arena.allocate(ADDRESS, strings.size() + 1L); // zeroed: ends with NULL
        for (int i = 0; i < strings.size(); i++) {
            array.setAtIndex(ADDRESS, i, cString(arena, strings.get(i)));
        }
        return array;
    }
}
