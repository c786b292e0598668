package io.hami.cli;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The terminal {@code hami-run top} draws on: the alternate screen with the cursor hidden, and keys read one at a
 * time without echo (termios through FFM: canonical mode, echo and signal keys off, so Ctrl-C arrives as a key and
 * quits like {@code q}). {@link #close} and a shutdown hook (SIGTERM, SIGHUP) put everything back.
 */
final class Terminal implements TopCommand.Screen {
    static final String ENTER = "\033[?1049h\033[?25l"; // alternate screen, hide the cursor
    static final String LEAVE = "\033[?25h\033[?1049l";

    private static final int STDIN = 0;
    private static final int STDOUT = 1;
    private static final int TCSANOW = 0;
    /** glibc x86-64 struct termios: 60 bytes; c_lflag at 12, c_cc at 17 (VTIME 5, VMIN 6). */
    private static final int TERMIOS_BYTES = 64;
    private static final long C_LFLAG = 12;
    private static final long C_CC = 17;
    private static final int VTIME = 5;
    private static final int VMIN = 6;
    private static final int ISIG = 0x1;
    private static final int ICANON = 0x2;
    private static final int ECHO = 0x8;
    private static final long TIOCGWINSZ = 0x5413;

    private static final Linker LINKER = Linker.nativeLinker();
    private static final MethodHandle TCGETATTR = downcall("tcgetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
            ADDRESS));
    private static final MethodHandle TCSETATTR = downcall("tcsetattr", FunctionDescriptor.of(JAVA_INT, JAVA_INT,
            JAVA_INT, ADDRESS));
    private static final MethodHandle ISATTY = downcall("isatty", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle IOCTL = LINKER.downcallHandle(
            LINKER.defaultLookup().find("ioctl").orElseThrow(),
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS), Linker.Option.firstVariadicArg(2));

    private final PrintWriter out;
    private final Arena arena = Arena.ofAuto(); // the saved settings live until the shutdown hook is done
    private final MemorySegment saved; // the caller's termios, null when stdin is no terminal
    private final BlockingQueue<Integer> keys = new LinkedBlockingQueue<>();
    private final Thread restoreAtExit = new Thread(this::restore, "hami-top-restore");
    private boolean restored;

    private Terminal(PrintWriter out) {
        this.out = out;
        this.saved = rawKeys();
        out.print(ENTER);
        out.flush();
        Runtime.getRuntime().addShutdownHook(restoreAtExit);
        Thread reader = new Thread(this::readKeys, "hami-top-keys");
        reader.setDaemon(true);
        reader.start();
    }

    /** Takes over the terminal: {@code out} writes to it, keys come from {@code System.in}. */
    static Terminal open(PrintWriter out) {
        return new Terminal(out);
    }

    private static MethodHandle downcall(String name, FunctionDescriptor descriptor) {
        return LINKER.downcallHandle(LINKER.defaultLookup().find(name).orElseThrow(), descriptor);
    }

    /** Keys one by one, unechoed; returns the settings to restore, or null when stdin is not a terminal. */
    private MemorySegment rawKeys() {
        try {
            if ((int) ISATTY.invokeExact(STDIN) != 1) {
                return null;
            }
            MemorySegment original = arena.allocate(TERMIOS_BYTES);
            if ((int) TCGETATTR.invokeExact(STDIN, original) != 0) {
                return null;
            }
            MemorySegment raw = arena.allocate(TERMIOS_BYTES);
            raw.copyFrom(original);
            raw.set(JAVA_INT, C_LFLAG, raw.get(JAVA_INT, C_LFLAG) & ~(ICANON | ECHO | ISIG));
            raw.set(JAVA_BYTE, C_CC + VMIN, (byte) 1);
            raw.set(JAVA_BYTE, C_CC + VTIME, (byte) 0);
            return (int) TCSETATTR.invokeExact(STDIN, TCSANOW, raw) == 0 ? original : null;
        } catch (Throwable e) {
            return null; // no raw keys: q needs Enter, Ctrl-C still ends top
        }
    }

    private void readKeys() {
        InputStream in = System.in;
        try {
            for (int key = in.read(); key >= 0; key = in.read()) {
                keys.add(key);
            }
        } catch (IOException e) {
            // no more keys; top still ends on a signal
        }
    }

    @Override
    public int nextKey(long timeoutMillis) throws InterruptedException {
        Integer key = keys.poll(timeoutMillis, TimeUnit.MILLISECONDS);
        return key == null ? -1 : key;
    }

    @Override
    public int rows() {
        return windowSize(0);
    }

    @Override
    public int columns() {
        return windowSize(2);
    }

    /** A field of struct winsize (rows at 0, columns at 2), 0 when unknown. */
    private static int windowSize(long offset) {
        try (Arena call = Arena.ofConfined()) {
            MemorySegment size = call.allocate(8);
            if ((int) IOCTL.invokeExact(STDOUT, TIOCGWINSZ, size) != 0) {
                return 0;
            }
            return Short.toUnsignedInt(size.get(JAVA_SHORT, offset));
        } catch (Throwable e) {
            return 0;
        }
    }

    private synchronized void restore() {
        if (restored) {
            return;
        }
        restored = true;
        out.print(LEAVE);
        out.flush();
        if (saved != null) {
            try {
                int ignored = (int) TCSETATTR.invokeExact(STDIN, TCSANOW, saved);
            } catch (Throwable e) {
                // the shell resets the terminal on its next prompt in any case
            }
        }
    }

    @Override
    public void close() {
        restore();
        try {
            Runtime.getRuntime().removeShutdownHook(restoreAtExit);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs, and restore is idempotent
        }
    }
}
