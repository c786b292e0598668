package io.hami.pool;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/** Cache-line padding before the head, so that it shares its line with nothing that other threads write. */
abstract class FreeListPadBefore {
    long p00, p01, p02, p03, p04, p05, p06, p07;
}

/** The head: block index in the low 32 bits (-1: empty), ABA tag in the high 32 bits. */
abstract class FreeListHead extends FreeListPadBefore {
    volatile long head = FreeList.pack(FreeList.END, 0);
}

abstract class FreeListPadAfter extends FreeListHead {
    long p10, p11, p12, p13, p14, p15, p16, p17;
}

/**
 * The pool's free blocks: a Treiber stack of block indices, lock-free, O(1) per block. The head packs the top index
 * with a tag that every successful push or pop increments, so a thread that was preempted between reading the head
 * and its compare-and-set can never succeed against a head that was popped and pushed back meanwhile (ABA).
 *
 * <p>Each block has one {@code int} word, in per-chunk arrays that are allocated when a chunk is first backed and
 * never dropped (a racing reader may still read a word of a chunk that was given back): a free block's word is the
 * index of the next free block ({@link #END} at the bottom), a block handed out holds {@link #IN_USE}, a block whose
 * chunk holds no device memory holds {@link #ABSENT}. A free is a compare-and-set {@code IN_USE → END} on that word
 * before the push, so a second free of the same block, or a free of a block that is not handed out, fails and
 * changes nothing.
 *
 * <p>Public for benchmarks and tests; a pool's only user is {@link BlockPool}.
 *
 * <p>Memory-order contract: a word is written plainly by the one thread that owns the block (after popping it, or
 * after winning its {@code IN_USE → END} compare-and-set) and published by the compare-and-set of the head that
 * pushes it; a popper reads the head with a volatile load before it reads the word.
 */
public final class FreeList extends FreeListPadAfter {
    /** Bottom of the stack; also "empty" in the head. */
    public static final int END = -1;
    /** The word of a block that is handed out. */
    public static final int IN_USE = -2;
    /** The word of a block whose chunk has no device memory. */
    public static final int ABSENT = -3;

    private static final VarHandle HEAD;
    private static final VarHandle WORD = MethodHandles.arrayElementVarHandle(int[].class);

    static {
        try {
            HEAD = MethodHandles.lookup().findVarHandle(FreeListHead.class, "head", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final int shift;
    private final int mask;
    private final int[][] words;

    /**
     * @param chunkShift log2 of the blocks per chunk
     * @param chunks how many chunks the pool may ever have
     */
    public FreeList(int chunkShift, int chunks) {
        this.shift = chunkShift;
        this.mask = (1 << chunkShift) - 1;
        this.words = new int[chunks][];
    }

    static long pack(int index, int tag) {
        return ((long) tag << 32) | (index & 0xFFFF_FFFFL);
    }

    private static int index(long head) {
        return (int) head;
    }

    private static int tag(long head) {
        return (int) (head >>> 32);
    }

    private int word(int block) {
        return words[block >>> shift][block & mask];
    }

    private void setWord(int block, int value) {
        words[block >>> shift][block & mask] = value;
    }

    /** The word of a block (its next free block, {@link #END}, {@link #IN_USE} or {@link #ABSENT}); any block. */
    public int state(int block) {
        int[] chunk = words[block >>> shift];
        return chunk == null ? ABSENT : (int) WORD.getVolatile(chunk, block & mask);
    }

    /** Allocates the words of {@code chunk} if it never had any; false when the heap has no room. */
    public boolean prepare(int chunk) {
        if (words[chunk] == null) {
            try {
                int[] chunkWords = new int[1 << shift];
                java.util.Arrays.fill(chunkWords, ABSENT);
                words[chunk] = chunkWords; // published by the push of addChunk
            } catch (OutOfMemoryError e) {
                return false;
            }
        }
        return true;
    }

    /**
     * Links the {@code blocks} blocks of a {@link #prepare prepared} {@code chunk} and pushes them, first block on
     * top. The caller owns the chunk (it holds the pool's growth lock and the chunk has no block in the list).
     */
    public void addChunk(int chunk, int blocks) {
        int[] chunkWords = words[chunk];
        for (int i = 0; i < blocks - 1; i++) {
            chunkWords[i] = (chunk << shift) + i + 1;
        }
        int first = chunk << shift;
        pushChain(first, first + blocks - 1);
    }

    /** Pops one block and marks it in use; {@link #END} when none is free. */
    public int pop() {
        while (true) {
            long h = head;
            int top = index(h);
            if (top == END) {
                return END;
            }
            int next = word(top);
            if (next < END) {
                continue; // top was taken since we read the head: read it again
            }
            if (HEAD.compareAndSet(this, h, pack(next, tag(h) + 1))) {
                WORD.setRelease(words[top >>> shift], top & mask, IN_USE);
                return top;
            }
        }
    }

    /**
     * Detaches the top {@code n} blocks (n &ge; 1) as a chain, or returns {@link #END} and takes nothing when fewer
     * are free. The caller walks the chain with {@link #take}, which marks each block in use.
     */
    public int popChain(int n) {
        while (true) {
            long h = head;
            int first = index(h);
            if (first == END) {
                return END;
            }
            int last = first;
            for (int k = 1; k < n && last >= 0; k++) {
                last = word(last);
            }
            int next = last < 0 ? last : word(last);
            if (last < 0 || next < END) {
                VarHandle.loadLoadFence(); // the walk's reads happen before we decide the head did not move
                if (last == END && head == h) {
                    return END; // an unchanged head: the list really holds fewer than n
                }
                continue; // raced with another pop or push: walk again
            }
            if (HEAD.compareAndSet(this, h, pack(next, tag(h) + 1))) {
                return first;
            }
        }
    }

    /** Marks a block of a detached chain in use and returns the next block of the chain. */
    public int take(int block) {
        int next = word(block);
        WORD.setRelease(words[block >>> shift], block & mask, IN_USE);
        return next;
    }

    /** Frees a block: false, and nothing changes, unless it was handed out. */
    public boolean release(int block) {
        if (!claim(block)) {
            return false;
        }
        push(block);
        return true;
    }

    /** Takes ownership of a handed-out block for freeing ({@code IN_USE → END}); false when it is not in use. */
    public boolean claim(int block) {
        int chunk = block >>> shift;
        if (block < 0 || chunk >= words.length) {
            return false;
        }
        int[] chunkWords = words[chunk];
        return chunkWords != null && WORD.compareAndSet(chunkWords, block & mask, IN_USE, END);
    }

    /** Links two claimed blocks: {@code to} follows {@code from} in a chain being built. */
    public void link(int from, int to) {
        setWord(from, to);
    }

    /** Pushes one owned block. */
    public void push(int block) {
        pushChain(block, block);
    }

    /** Pushes an owned chain {@code first … last} (linked with {@link #link}) with one compare-and-set. */
    public void pushChain(int first, int last) {
        while (true) {
            long h = head;
            setWord(last, index(h));
            if (HEAD.compareAndSet(this, h, pack(first, tag(h) + 1))) {
                return;
            }
        }
    }

    /** Detaches every free block; returns the first of the chain (walk it with {@link #next}), or {@link #END}. */
    public int drain() {
        while (true) {
            long h = head;
            if (index(h) == END) {
                return END;
            }
            if (HEAD.compareAndSet(this, h, pack(END, tag(h) + 1))) {
                return index(h);
            }
        }
    }

    /** The next block of a chain this thread owns. */
    public int next(int block) {
        return word(block);
    }

    /** Marks an owned free block as having no device memory (its chunk is being given back). */
    public void markAbsent(int block) {
        WORD.setRelease(words[block >>> shift], block & mask, ABSENT);
    }

    /** True when the list holds no block (a snapshot). */
    public boolean isEmpty() {
        return index(head) == END;
    }
}
