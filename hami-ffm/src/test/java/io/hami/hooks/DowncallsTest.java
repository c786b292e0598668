package io.hami.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.junit.jupiter.api.Test;

/**
 * The padded linkage (docs/startup.md, step 6) against real C code: libc functions called with fewer arguments than
 * the linked shape, and an upcall that C calls with fewer arguments than the stub reads.
 */
class DowncallsTest {
    private static final Linker LINKER = Linker.nativeLinker();

    private static MemorySegment libc(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow();
    }

    @Test
    void integer_calls_of_up_to_six_arguments_share_one_shape_and_others_keep_theirs() {
        FunctionDescriptor twoArgs = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_INT);
        FunctionDescriptor oneArg = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG);
        assertThat(Downcalls.linked(twoArgs)).isEqualTo(Downcalls.linked(oneArg));
        assertThat(Downcalls.linked(twoArgs).argumentLayouts()).hasSize(Downcalls.PADDED_ARITY)
                .allMatch(ValueLayout.JAVA_LONG::equals);
        FunctionDescriptor seven = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG);
        assertThat(Downcalls.linked(seven)).isSameAs(seven);
        FunctionDescriptor none = FunctionDescriptor.of(ValueLayout.JAVA_INT);
        assertThat(Downcalls.linked(none)).isSameAs(none);
        FunctionDescriptor struct = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                java.lang.foreign.MemoryLayout.structLayout(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        assertThat(Downcalls.linked(struct)).isSameAs(struct);
    }

    @Test
    void a_downcall_passes_ints_and_longs_through_the_padding() throws Throwable {
        MethodHandle abs = Downcalls.downcall(libc("abs"), FunctionDescriptor.of(ValueLayout.JAVA_INT,
                ValueLayout.JAVA_INT));
        assertThat((int) abs.invokeExact(-123456)).isEqualTo(123456);
        assertThat((int) abs.invokeExact(Integer.MIN_VALUE + 1)).isEqualTo(Integer.MAX_VALUE);
        MethodHandle strtol = Downcalls.downcall(libc("strtol"), FunctionDescriptor.of(ValueLayout.JAVA_LONG,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.JAVA_INT));
        try (Arena arena = Arena.ofConfined()) {
            long text = arena.allocateFrom("-7fffffffff").address();
            assertThat((long) strtol.invokeExact(text, 0L, 16)).isEqualTo(-0x7fffffffffL);
        }
    }

    static int compare(long a, long b) {
        int x = MemorySegment.ofAddress(a).reinterpret(4).get(ValueLayout.JAVA_INT, 0);
        int y = MemorySegment.ofAddress(b).reinterpret(4).get(ValueLayout.JAVA_INT, 0);
        return Integer.compare(x, y);
    }

    @Test
    void an_upcall_that_c_calls_with_two_arguments_reads_them_and_drops_the_rest() throws Throwable {
        FunctionDescriptor comparator = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS);
        MethodHandle target = MethodHandles.lookup().findStatic(DowncallsTest.class, "compare",
                MethodType.methodType(int.class, long.class, long.class));
        MemorySegment stub = Downcalls.upcall(target, comparator);
        MethodHandle qsort = LINKER.downcallHandle(libc("qsort"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            int[] values = {42, -7, 1_000_000, 0, -7, Integer.MIN_VALUE, Integer.MAX_VALUE, 3};
            MemorySegment array = arena.allocateFrom(ValueLayout.JAVA_INT, values);
            qsort.invokeExact(array, (long) values.length, 4L, stub);
            assertThat(array.toArray(ValueLayout.JAVA_INT))
                    .containsExactly(Integer.MIN_VALUE, -7, -7, 0, 3, 42, 1_000_000, Integer.MAX_VALUE);
        }
    }
}
