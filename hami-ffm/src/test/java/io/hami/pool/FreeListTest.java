package io.hami.pool;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class FreeListTest {
    private static FreeList list(int shift, int chunks, int blocksPerChunk) {
        FreeList free = new FreeList(shift, chunks);
        for (int c = 0; c < chunks; c++) {
            assertThat(free.prepare(c)).isTrue();
            free.addChunk(c, blocksPerChunk);
        }
        return free;
    }

    @Test
    void pops_every_block_once_then_reports_empty() {
        FreeList free = list(3, 2, 8);
        List<Integer> seen = new ArrayList<>();
        for (int b = free.pop(); b != FreeList.END; b = free.pop()) {
            seen.add(b);
            assertThat(free.state(b)).isEqualTo(FreeList.IN_USE);
        }
        assertThat(seen).containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        assertThat(free.isEmpty()).isTrue();
    }

    @Test
    void a_block_is_freed_once_and_only_when_handed_out() {
        FreeList free = list(2, 1, 4);
        int b = free.pop();
        assertThat(free.release(b)).isTrue();
        assertThat(free.release(b)).as("double free").isFalse();
        assertThat(b).isZero(); // a new chunk's first block is on top
        assertThat(free.release(3)).as("a block that is in the list").isFalse();
        assertThat(free.claim(-5)).isFalse();
        assertThat(free.claim(1 << 20)).isFalse();
    }

    @Test
    void chains_are_all_or_nothing() {
        FreeList free = list(3, 1, 5);
        assertThat(free.popChain(6)).isEqualTo(FreeList.END);
        int first = free.popChain(5);
        assertThat(first).isNotEqualTo(FreeList.END);
        List<Integer> chain = new ArrayList<>();
        for (int k = 0, b = first; k < 5; k++) {
            chain.add(b);
            b = free.take(b);
        }
        assertThat(chain).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
        assertThat(free.isEmpty()).isTrue();
        for (int b : chain) {
            assertThat(free.state(b)).isEqualTo(FreeList.IN_USE);
        }
        // give them back as one chain
        int last = FreeList.END;
        int head = FreeList.END;
        for (int b : chain) {
            assertThat(free.claim(b)).isTrue();
            if (head == FreeList.END) {
                head = b;
            } else {
                free.link(last, b);
            }
            last = b;
        }
        free.pushChain(head, last);
        assertThat(free.popChain(5)).isNotEqualTo(FreeList.END);
    }

    @Test
    void drained_blocks_can_be_marked_absent_and_no_longer_freed() {
        FreeList free = list(2, 2, 4);
        int kept = free.pop();
        int count = 0;
        for (int b = free.drain(); b != FreeList.END; ) {
            int next = free.next(b);
            free.markAbsent(b);
            count++;
            b = next;
        }
        assertThat(count).isEqualTo(7);
        assertThat(free.pop()).isEqualTo(FreeList.END);
        assertThat(free.release(kept)).isTrue();
        assertThat(free.pop()).isEqualTo(kept);
        for (int b = 0; b < 8; b++) {
            if (b != kept) {
                assertThat(free.release(b)).isFalse();
            }
        }
    }

    /**
     * Many threads pop, pop chains, free and free chains at random: no block is ever held by two threads at once
     * (the owner table would see it), and every block is in the list at the end.
     */
    @Test
    void concurrent_pops_and_pushes_never_hand_out_a_block_twice() throws Exception {
        int threads = 8;
        int blocks = 512;
        FreeList free = list(6, 8, 64);
        AtomicIntegerArray owner = new AtomicIntegerArray(blocks);
        AtomicLong violations = new AtomicLong();
        AtomicLong operations = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int t = 1; t <= threads; t++) {
            int me = t;
            workers.add(Thread.ofPlatform().start(() -> {
                ThreadLocalRandom random = ThreadLocalRandom.current();
                int[] held = new int[128];
                int n = 0;
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < 200_000; i++) {
                    if (n < 100 && random.nextBoolean()) {
                        int want = random.nextInt(4) == 0 ? 1 + random.nextInt(8) : 1;
                        if (want == 1) {
                            int b = free.pop();
                            if (b >= 0) {
                                if (!owner.compareAndSet(b, 0, me)) {
                                    violations.incrementAndGet();
                                }
                                held[n++] = b;
                            }
                        } else {
                            int b = free.popChain(want);
                            for (int k = 0; b >= 0 && k < want; k++) {
                                if (!owner.compareAndSet(b, 0, me)) {
                                    violations.incrementAndGet();
                                }
                                held[n++] = b;
                                b = free.take(b);
                            }
                        }
                    } else if (n > 0) {
                        int give = random.nextInt(3) == 0 ? n : 1;
                        int head = FreeList.END;
                        int last = FreeList.END;
                        for (int k = n - give; k < n; k++) {
                            int b = held[k];
                            if (!owner.compareAndSet(b, me, 0) || !free.claim(b)) {
                                violations.incrementAndGet();
                            }
                            if (head == FreeList.END) {
                                head = b;
                            } else {
                                free.link(last, b);
                            }
                            last = b;
                        }
                        free.pushChain(head, last);
                        n -= give;
                    }
                    operations.incrementAndGet();
                }
                for (int k = 0; k < n; k++) {
                    owner.set(held[k], 0);
                    if (!free.release(held[k])) {
                        violations.incrementAndGet();
                    }
                }
            }));
        }
        start.countDown();
        for (Thread t : workers) {
            t.join();
        }
        assertThat(violations.get()).isZero();
        assertThat(operations.get()).isEqualTo(threads * 200_000L);
        int count = 0;
        boolean[] seen = new boolean[blocks];
        for (int b = free.drain(); b != FreeList.END; b = free.next(b)) {
            assertThat(seen[b]).as("block %d twice in the list", b).isFalse();
            seen[b] = true;
            count++;
        }
        assertThat(count).isEqualTo(blocks);
    }
}
