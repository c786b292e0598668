package io.hami.limits;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class AllocationTableTest {
    @Test
    void behaves_like_a_map_under_random_inserts_and_removals() {
        AllocationTable table = new AllocationTable();
        Map<Long, Long> model = new HashMap<>();
        Random random = new Random(42);
        for (int i = 0; i < 200_000; i++) {
            long pointer = 0x7f0000000000L + (random.nextInt(5000) + 1) * 512L; // aligned, clustered like real ones
            if (random.nextBoolean()) {
                long entry = AllocationTable.pack(random.nextInt(16), random.nextInt(1 << 30));
                table.put(pointer, entry);
                model.put(pointer, entry);
            } else if (random.nextInt(4) == 0) {
                Long expected = model.get(pointer);
                assertThat(table.get(pointer)).isEqualTo(expected == null ? AllocationTable.MISSING : expected);
            } else {
                Long expected = model.remove(pointer);
                assertThat(table.remove(pointer)).isEqualTo(expected == null ? AllocationTable.MISSING : expected);
            }
        }
        assertThat(table.size()).isEqualTo(model.size());
        model.forEach((pointer, entry) -> assertThat(table.remove(pointer)).isEqualTo(entry));
        assertThat(table.size()).isZero();
    }

    @Test
    void packs_device_and_size() {
        long entry = AllocationTable.pack(15, (1L << 50) + 3);
        assertThat(AllocationTable.device(entry)).isEqualTo(15);
        assertThat(AllocationTable.bytes(entry)).isEqualTo((1L << 50) + 3);
    }

    @Test
    void threads_never_lose_or_steal_entries() throws Exception {
        AllocationTable table = new AllocationTable();
        Map<Long, Long> failures = new ConcurrentHashMap<>();
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            long base = (t + 1L) << 40;
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int round = 0; round < 20; round++) {
                    for (long i = 1; i <= 5000; i++) {
                        table.put(base + i * 256, i);
                    }
                    for (long i = 1; i <= 5000; i++) {
                        long got = table.remove(base + i * 256);
                        if (got != i) {
                            failures.put(base + i * 256, got);
                        }
                    }
                }
            });
        }
        for (Thread thread : threads) {
            thread.join();
        }
        assertThat(failures).isEmpty();
        assertThat(table.size()).isZero();
    }
}
