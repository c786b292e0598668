package io.hami.hooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hami.bindings.cuda.CudaDriver;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * The shared shape (docs/startup.md, step 11) against real C code: libc functions called with fewer arguments than
 * the shape's six, and an upcall that C calls with fewer arguments than its entry reads.
 */
class DowncallsTest {
    private static final Linker LINKER = Linker.nativeLinker();

    private static MemorySegment libc(String name) {
        return LINKER.defaultLookup().find(name).orElseThrow();
    }

    @Test
    void integer_calls_of_up_to_six_arguments_returning_int_share_the_shape_and_no_others() {
        assertThat(Downcalls.shared(CudaDriver.cuMemAlloc_v2.DESC)).isTrue(); // pointer, size_t
        assertThat(Downcalls.shared(CudaDriver.cuDevicePrimaryCtxRetain.DESC)).isTrue(); // pointer, int
        assertThat(Downcalls.shared(CudaDriver.cuCtxSynchronize.DESC)).isTrue(); // no arguments
        assertThat(Downcalls.shared(CudaDriver.cuLaunchKernel.DESC)).isFalse(); // eleven
        assertThat(Downcalls.shared(CudaDriver.cuIpcOpenMemHandle_v2.DESC)).isFalse(); // a struct by value
        assertThat(Downcalls.shared(FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG))).isFalse();
        assertThat(Downcalls.shared(FunctionDescriptor.ofVoid(ValueLayout.JAVA_LONG))).isFalse();
        assertThat(Downcalls.shared(FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_DOUBLE))).isFalse();
        assertThat(Downcalls.SHARED.argumentLayouts()).hasSize(Downcalls.SHARED_ARITY)
                .allMatch(ValueLayout.JAVA_LONG::equals);
    }

    @Test
    void a_downcall_passes_ints_and_pointers_and_leaves_the_rest_unread() throws Throwable {
        Downcall abs = Downcalls.link(libc("abs"));
        assertThat(abs.call(-123456)).isEqualTo(123456);
        assertThat(abs.call(Integer.MIN_VALUE + 1)).isEqualTo(Integer.MAX_VALUE);
        assertThat(Downcalls.link(libc("getpid")).call()).isEqualTo((int) ProcessHandle.current().pid());
        Downcall strncmp = Downcalls.link(libc("strncmp"));
        try (Arena arena = Arena.ofConfined()) {
            long hello = arena.allocateFrom("hello").address();
            long help = arena.allocateFrom("help").address();
            assertThat(strncmp.call(hello, help, 3)).isZero();
            assertThat(strncmp.call(hello, help, 4)).isNegative(); // 'l' < 'p'
        }
    }

    @Test
    void a_missing_driver_function_answers_not_found_and_each_shape_has_its_one_way() throws Throwable {
        Function<String, MemorySegment> resolver = name -> MemorySegment.NULL; // a driver that has none of them
        assertThat(Downcalls.real(resolver, "cuMemAlloc_v2", CudaDriver.cuMemAlloc_v2.DESC).call(1, 2))
                .isEqualTo(CudaDriver.CUDA_ERROR_NOT_FOUND);
        MethodHandle launch = Downcalls.typed(resolver, "cuLaunchKernel", CudaDriver.cuLaunchKernel.DESC);
        assertThat((int) launch.invokeExact(0L, 1, 1, 1, 1, 1, 1, 0, 0L, 0L, 0L))
                .isEqualTo(CudaDriver.CUDA_ERROR_NOT_FOUND);
        assertThatThrownBy(() -> Downcalls.real(resolver, "cuLaunchKernel", CudaDriver.cuLaunchKernel.DESC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("typed()");
        assertThatThrownBy(() -> Downcalls.typed(resolver, "cuMemAlloc_v2", CudaDriver.cuMemAlloc_v2.DESC))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("real()");
    }

    /** A comparator entry: qsort calls it with two pointers and never sets the other four registers. */
    static int compare(long a, long b, long unused2, long unused3, long unused4, long unused5) {
        int x = MemorySegment.ofAddress(a).reinterpret(4).get(ValueLayout.JAVA_INT, 0);
        int y = MemorySegment.ofAddress(b).reinterpret(4).get(ValueLayout.JAVA_INT, 0);
        return Integer.compare(x, y);
    }

    @Test
    void an_upcall_that_c_calls_with_two_arguments_reads_them_and_ignores_the_rest() throws Throwable {
        MemorySegment stub = Downcalls.upcall(MethodHandles.lookup().findStatic(DowncallsTest.class, "compare",
                Downcalls.SHARED.toMethodType()));
        MethodHandle qsort = LINKER.downcallHandle(libc("qsort"), FunctionDescriptor.ofVoid(ValueLayout.ADDRESS,
                ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG, ValueLayout.ADDRESS));
        try (Arena arena = Arena.ofConfined()) {
            int[] values = {42, -7, 1_000_000, 0, -7, Integer.MIN_VALUE, Integer.MAX_VALUE, 3};
            MemorySegment array = arena.allocateFrom(ValueLayout.JAVA_INT, values);
            qsort.invokeExact(array, (long) values.length, 4L, stub);
            assertThat(array.toArray(ValueLayout.JAVA_INT))
                    .containsExactly(Integer.MIN_VALUE, -7, -7, 0, 3, 42, 1_000_000, Integer.MAX_VALUE);
        }
        FunctionDescriptor comparator = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.ADDRESS,
                ValueLayout.ADDRESS);
        assertThatThrownBy(() -> Downcalls.upcall(MethodHandles.zero(int.class), comparator))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void a_struct_by_value_keeps_its_own_shape() {
        FunctionDescriptor struct = FunctionDescriptor.of(ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG,
                MemoryLayout.structLayout(ValueLayout.JAVA_LONG, ValueLayout.JAVA_LONG));
        assertThat(Downcalls.shared(struct)).isFalse();
        assertThat(Downcalls.raw(struct)).isEqualTo(struct);
    }
}
