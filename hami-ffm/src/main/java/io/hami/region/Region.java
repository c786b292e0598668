package io.hami.region;

import static io.hami.region.RegionLayout.*;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The shared region: one memory-mapped file that every process of every tenant maps. Layout in {@link RegionLayout}
 * and {@code docs/region.md}. Every shared field is accessed with {@link VarHandle} atomics on the mapped segment; no
 * lock is taken on any allocation path. File locks are used only for process liveness (see {@link #claimSlot}).
 */
public final class Region implements AutoCloseable {
    /** The default region of a plain host: all {@code hami-run} jobs share it. */
    public static final Path DEFAULT_PATH = Path.of("/dev/shm/hami-ffm.region");
    /** HAMi's variable for the region path (its "shared cache"), kept for Kubernetes drop-in. */
    public static final String PATH_VARIABLE = "CUDA_DEVICE_MEMORY_SHARED_CACHE";

    private static final VarHandle INT = ValueLayout.JAVA_INT.varHandle();
    private static final VarHandle LONG = ValueLayout.JAVA_LONG.varHandle();
    private static final Pattern TENANT_NAME = Pattern.compile("[A-Za-z0-9._:@-]{1,63}");
    private static final long OPEN_WAIT_MILLIS = 2_000;
    private static final long CREATION_WAIT_NANOS = 10_000_000_000L;

    private final Path path;
    private final FileChannel channel;
    private final Arena arena;
    private final MemorySegment segment;
    /** Opened by {@link #openReadOnly}: mapped read-only, liveness probed with shared locks. */
    private final boolean readOnly;

    private Region(Path path, FileChannel channel, Arena arena, MemorySegment segment) {
        this(path, channel, arena, segment, false);
    }

    private Region(Path path, FileChannel channel, Arena arena, MemorySegment segment, boolean readOnly) {
        this.path = path;
        this.channel = channel;
        this.arena = arena;
        this.segment = segment;
        this.readOnly = readOnly;
    }

    public static Path defaultPath(Map<String, String> env) {
        String configured = env.get(PATH_VARIABLE);
        return configured == null || configured.isBlank() ? DEFAULT_PATH : Path.of(configured);
    }

    /** Opens the region at {@code path}, creating it (mode 0666, see docs/region.md) if it does not exist. */
    public static Region openOrCreate(Path path) throws RegionException {
        try {
            FileChannel channel = createNew(path);
            if (channel != null) {
                return initialize(path, channel);
            }
        } catch (IOException e) {
            throw new RegionException("cannot create region " + path + ": " + e.getMessage()
                    + " (choose a writable path with --region or " + PATH_VARIABLE + ")", e);
        }
        return open(path);
    }

    /** Opens an existing region; refuses a file that is not ours, incomplete, truncated or of a newer major version. */
    public static Region open(Path path) throws RegionException {
        return open(path, false);
    }

    /**
     * Opens an existing region for reading only (a monitor on a read-only mount): same checks as {@link #open}; every
     * write throws, and {@link #slotAlive} probes with a shared lock, which needs no write permission. Enough for
     * {@link RegionSnapshot}.
     */
    public static Region openReadOnly(Path path) throws RegionException {
        return open(path, true);
    }

    private static Region open(Path path, boolean readOnly) throws RegionException {
        FileChannel.MapMode mode = readOnly ? FileChannel.MapMode.READ_ONLY : FileChannel.MapMode.READ_WRITE;
        FileChannel channel;
        try {
            channel = readOnly ? FileChannel.open(path, StandardOpenOption.READ)
                    : FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (NoSuchFileException e) {
            throw new RegionException("region " + path + " does not exist (start a job with hami-run to create it)");
        } catch (IOException e) {
            throw new RegionException("cannot open region " + path + ": " + e.getMessage()
                    + " (check its permissions, or choose another path with --region)", e);
        }
        try {
            long size = awaitLength(channel);
            if (size < HEADER_LENGTH) {
                throw new RegionException(describe(path) + " is too short to be a hami-ffm region (" + size
                        + " bytes): remove it or choose another path with --region");
            }
            Arena arena = Arena.ofShared();
            MemorySegment header = channel.map(mode, 0, HEADER_LENGTH, arena);
            awaitComplete(path, header);
            long length = header.get(ValueLayout.JAVA_LONG, FILE_LENGTH_OFFSET);
            if (length != FILE_LENGTH || size < length) {
                arena.close();
                throw new RegionException(describe(path) + " is truncated or of another layout (" + size
                        + " bytes, header says " + length + ", expected " + FILE_LENGTH
                        + "): remove it once no job uses it");
            }
            MemorySegment segment = channel.map(mode, 0, FILE_LENGTH, arena);
            return new Region(path, channel, arena, segment, readOnly);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new RegionException("cannot map region " + path + ": " + e.getMessage(), e);
        } catch (RegionException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    private static String describe(Path path) {
        return "region file " + path;
    }

    /**
     * The file's size once it holds at least a header: a file created a moment ago by another process (two jobs
     * starting at once) is empty until its creator extends it.
     */
    private static long awaitLength(FileChannel channel) throws IOException {
        long deadline = System.nanoTime() + OPEN_WAIT_MILLIS * 1_000_000;
        long size;
        while ((size = channel.size()) < HEADER_LENGTH && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            Thread.yield();
        }
        return size;
    }

    private static void awaitComplete(Path path, MemorySegment header) throws RegionException {
        long deadline = System.nanoTime() + OPEN_WAIT_MILLIS * 1_000_000;
        while (true) {
            long magic = (long) LONG.getVolatile(header, (long) MAGIC_OFFSET);
            int major = (int) INT.getAcquire(header, (long) MAJOR_VERSION_OFFSET);
            if (magic != 0 && magic != MAGIC) {
                throw new RegionException(describe(path) + " is not a hami-ffm region (magic 0x"
                        + Long.toHexString(magic) + "): remove it or choose another path with --region");
            }
            if (major != 0) {
                int minor = header.get(ValueLayout.JAVA_INT, MINOR_VERSION_OFFSET);
                if (major > MAJOR_VERSION) {
                    throw new RegionException(describe(path) + " has layout " + major + "." + minor
                            + ", newer than this hami-ffm reads (" + MAJOR_VERSION + ".x): use the newer hami-ffm, "
                            + "or another path with --region");
                }
                if (major < MAJOR_VERSION) {
                    throw new RegionException(describe(path) + " has layout " + major + "." + minor
                            + ", older than this hami-ffm reads (" + MAJOR_VERSION + ".x): remove it once no job of "
                            + "the older version uses it, or use another path with --region");
                }
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new RegionException(describe(path) + " was never completed (its creator may have died): "
                        + "remove it once no job uses it");
            }
            Thread.onSpinWait();
        }
    }

    private static FileChannel createNew(Path path) throws IOException {
        try {
            Files.createDirectories(path.toAbsolutePath().getParent());
            FileChannel channel = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.READ,
                    StandardOpenOption.WRITE);
            // chmod is not subject to the umask: every user's jobs on this host may join (docs/region.md)
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-rw-rw-"));
            return channel;
        } catch (FileAlreadyExistsException e) {
            return null;
        }
    }

    private static Region initialize(Path path, FileChannel channel) throws RegionException {
        try {
            channel.write(ByteBuffer.allocate(1), FILE_LENGTH - 1);
            Arena arena = Arena.ofShared();
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, FILE_LENGTH, arena);
            segment.set(ValueLayout.JAVA_LONG, FILE_LENGTH_OFFSET, FILE_LENGTH);
            segment.set(ValueLayout.JAVA_LONG, CREATED_MILLIS_OFFSET, System.currentTimeMillis());
            segment.set(ValueLayout.JAVA_INT, DEVICE_CAPACITY_OFFSET, DEVICE_CAPACITY);
            segment.set(ValueLayout.JAVA_INT, TENANT_CAPACITY_OFFSET, TENANT_CAPACITY);
            segment.set(ValueLayout.JAVA_INT, SLOT_CAPACITY_OFFSET, SLOT_CAPACITY);
            segment.set(ValueLayout.JAVA_INT, HEADER_LENGTH_OFFSET, HEADER_LENGTH);
            segment.set(ValueLayout.JAVA_INT, TENANT_LENGTH_OFFSET, TENANT_LENGTH);
            segment.set(ValueLayout.JAVA_INT, SLOT_LENGTH_OFFSET, SLOT_LENGTH);
            segment.set(ValueLayout.JAVA_LONG, TENANTS_OFFSET_OFFSET, TENANTS_OFFSET);
            segment.set(ValueLayout.JAVA_LONG, SLOTS_OFFSET_OFFSET, SLOTS_OFFSET);
            segment.set(ValueLayout.JAVA_LONG, DEVICES_OFFSET_OFFSET, DEVICES_OFFSET);
            segment.set(ValueLayout.JAVA_LONG, COMPUTE_OFFSET_OFFSET, COMPUTE_OFFSET);
            segment.set(ValueLayout.JAVA_INT, DEVICE_LENGTH_OFFSET, DEVICE_LENGTH);
            segment.set(ValueLayout.JAVA_INT, COMPUTE_LENGTH_OFFSET, COMPUTE_LENGTH);
            segment.set(ValueLayout.JAVA_INT, MINOR_VERSION_OFFSET, MINOR_VERSION);
            LONG.setRelease(segment, (long) MAGIC_OFFSET, MAGIC);
            INT.setRelease(segment, (long) MAJOR_VERSION_OFFSET, MAJOR_VERSION); // last: the file is complete
            return new Region(path, channel, arena, segment);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new RegionException("cannot initialize region " + path + ": " + e.getMessage(), e);
        }
    }

    public Path path() {
        return path;
    }

    public MemorySegment segment() {
        return segment;
    }

    // ---- tenants ------------------------------------------------------------------------------------------------

    /** Checks a tenant name; returns null when valid, else the message. */
    public static String checkTenantName(String name) {
        if (name == null || !TENANT_NAME.matcher(name).matches()) {
            return "tenant name '" + name + "' is invalid: use 1-63 of A-Z a-z 0-9 . _ : @ -";
        }
        return null;
    }

    /** Index of the active tenant called {@code name}, or -1. */
    public int findTenant(String name) {
        byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
        int found = -1;
        for (int t = 0; t < TENANT_CAPACITY && found < 0; t++) {
            if (tenantState(t) == STATE_ACTIVE && nameEquals(tenantOffset(t) + TENANT_NAME_OFFSET, wanted)) {
                found = t;
            }
        }
        return found;
    }

    /**
     * Finds the tenant called {@code name} or creates it with {@code limits} (bytes per device, 0 = no limit).
     * Joining takes no lock; creating serializes creators on the region's creation lock (docs/region.md), so two
     * processes creating one name at once end in one record.
     */
    public int findOrCreateTenant(String name, long[] limits, boolean ephemeral) throws RegionException {
        String invalid = checkTenantName(name);
        if (invalid != null) {
            throw new RegionException(invalid);
        }
        int existing = findTenant(name);
        if (existing >= 0) {
            return existing;
        }
        synchronized (creationMonitor) { // file locks are per process: threads of this one queue here
            FileLock lock = creationLock();
            try {
                existing = findTenant(name);
                return existing >= 0 ? existing : createTenant(name, limits, ephemeral);
            } finally {
                release(lock);
            }
        }
    }

    private final Object creationMonitor = new Object();

    private FileLock creationLock() throws RegionException {
        long deadline = System.nanoTime() + CREATION_WAIT_NANOS;
        try {
            while (true) {
                FileLock lock;
                try {
                    lock = channel.tryLock(CREATION_LOCK_OFFSET, Long.BYTES, false);
                } catch (OverlappingFileLockException e) {
                    lock = null; // another Region of this file in this JVM holds it
                }
                if (lock != null) {
                    return lock;
                }
                if (System.nanoTime() > deadline) {
                    throw new RegionException("another process has held the tenant-creation lock of " + path
                            + " for 10 s (is one stopped?); join an existing tenant with --tenant NAME, or retry");
                }
                Thread.sleep(1);
            }
        } catch (IOException e) {
            throw new RegionException("cannot lock " + path + " to create a tenant: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RegionException("interrupted while creating a tenant in " + path);
        }
    }

    private int createTenant(String name, long[] limits, boolean ephemeral) throws RegionException {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        reclaimIdleTenants();
        for (int t = 0; t < TENANT_CAPACITY; t++) {
            long base = tenantOffset(t);
            if (tenantState(t) == STATE_FREE
                    && INT.compareAndSet(segment, base + TENANT_STATE_OFFSET, STATE_FREE, STATE_CLAIMED)) {
                MemorySegment.copy(MemorySegment.ofArray(new byte[NAME_LENGTH]), 0, segment, base + TENANT_NAME_OFFSET,
                        NAME_LENGTH);
                MemorySegment.copy(MemorySegment.ofArray(bytes), 0, segment, base + TENANT_NAME_OFFSET, bytes.length);
                for (int d = 0; d < DEVICE_CAPACITY; d++) {
                    LONG.setVolatile(segment, tenantLimitOffset(t, d), d < limits.length ? limits[d] : 0L);
                    INT.setVolatile(segment, tenantSmShareOffset(t, d), 0);
                    LONG.setVolatile(segment, tenantUsedOffset(t, d), 0L);
                }
                LONG.setVolatile(segment, base + TENANT_REFUSALS_OFFSET, 0L);
                segment.asSlice(computeOffset(t, 0), (long) DEVICE_CAPACITY * COMPUTE_LENGTH).fill((byte) 0);
                segment.set(ValueLayout.JAVA_INT, base + TENANT_FLAGS_OFFSET, ephemeral ? TENANT_FLAG_EPHEMERAL : 0);
                INT.setVolatile(segment, base + TENANT_PRIORITY_OFFSET, PRIORITY_NORMAL);
                ProcessInfo owner = ephemeral ? ProcessInfo.current() : new ProcessInfo(0, 0, 0, "");
                segment.set(ValueLayout.JAVA_LONG, base + TENANT_OWNER_PID_OFFSET, owner.pid());
                segment.set(ValueLayout.JAVA_LONG, base + TENANT_OWNER_START_TIME_OFFSET, owner.startTime());
                segment.set(ValueLayout.JAVA_LONG, base + TENANT_OWNER_PID_NAMESPACE_OFFSET, owner.pidNamespace());
                segment.set(ValueLayout.JAVA_LONG, base + TENANT_CREATED_MILLIS_OFFSET, System.currentTimeMillis());
                INT.setRelease(segment, base + TENANT_STATE_OFFSET, STATE_ACTIVE);
                return t;
            }
        }
        throw new RegionException("region " + path + " is full: " + TENANT_CAPACITY + " tenants are active "
                + "(run 'hami-run status' to see them; join one with --tenant NAME)");
    }

    // ---- devices: one record per physical GPU, by UUID (docs/region.md, "Device records") ----------------------

    /** Index of the active device record whose UUID is {@code uuid} (16 bytes, CUuuid / NVML), or -1. */
    public int findDevice(byte[] uuid) {
        for (int d = 0; d < DEVICE_CAPACITY; d++) {
            if (deviceState(d) == STATE_ACTIVE && uuidEquals(d, uuid)) {
                return d;
            }
        }
        return -1;
    }

    /**
     * The device record of the GPU with this UUID, claimed on first use: every process of every tenant that uses
     * that GPU, whatever CUDA ordinal it sees it as, meets on this index. Claiming serializes on the creation lock
     * (rare: once per GPU per region), so one GPU never gets two records.
     */
    public int claimDevice(byte[] uuid) throws RegionException {
        if (uuid.length != UUID_LENGTH) {
            throw new IllegalArgumentException("a device UUID has " + UUID_LENGTH + " bytes, not " + uuid.length);
        }
        int existing = findDevice(uuid);
        if (existing >= 0) {
            return existing;
        }
        synchronized (creationMonitor) {
            FileLock lock = creationLock();
            try {
                existing = findDevice(uuid);
                if (existing >= 0) {
                    return existing;
                }
                for (int d = 0; d < DEVICE_CAPACITY; d++) {
                    long base = deviceOffset(d);
                    // claims are made only under this lock: a CLAIMED record is one whose claimer died mid-claim
                    if (deviceState(d) == STATE_CLAIMED
                            || INT.compareAndSet(segment, base + DEVICE_STATE_OFFSET, STATE_FREE, STATE_CLAIMED)) {
                        MemorySegment.copy(MemorySegment.ofArray(uuid), 0, segment, base + DEVICE_UUID_OFFSET,
                                UUID_LENGTH);
                        INT.setRelease(segment, base + DEVICE_STATE_OFFSET, STATE_ACTIVE);
                        return d;
                    }
                }
            } finally {
                release(lock);
            }
        }
        throw new RegionException("region " + path + " already knows " + DEVICE_CAPACITY + " GPUs and this one ("
                + uuidText(uuid) + ") is not among them: use a region per node (--region or " + PATH_VARIABLE + ")");
    }

    public int deviceState(int device) {
        return (int) INT.getAcquire(segment, deviceOffset(device) + DEVICE_STATE_OFFSET);
    }

    /** The UUID of an active device record (16 bytes), or null. */
    public byte[] deviceUuid(int device) {
        return deviceState(device) != STATE_ACTIVE ? null
                : segment.asSlice(deviceOffset(device) + DEVICE_UUID_OFFSET, UUID_LENGTH)
                        .toArray(ValueLayout.JAVA_BYTE);
    }

    private boolean uuidEquals(int device, byte[] uuid) {
        long base = deviceOffset(device) + DEVICE_UUID_OFFSET;
        for (int i = 0; i < UUID_LENGTH; i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, base + i) != uuid[i]) {
                return false;
            }
        }
        return true;
    }

    /** "GPU-xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx", as nvidia-smi and CUDA_VISIBLE_DEVICES write it. */
    public static String uuidText(byte[] uuid) {
        StringBuilder text = new StringBuilder("GPU-");
        for (int i = 0; i < uuid.length; i++) {
            if (i == 4 || i == 6 || i == 8 || i == 10) {
                text.append('-');
            }
            text.append(Character.forDigit((uuid[i] >> 4) & 0xf, 16)).append(Character.forDigit(uuid[i] & 0xf, 16));
        }
        return text.toString();
    }

    /** True while {@code tenant} is an active record called {@code name} (a joiner's check after claiming a slot). */
    public boolean isTenant(int tenant, String name) {
        return tenantState(tenant) == STATE_ACTIVE
                && nameEquals(tenantOffset(tenant) + TENANT_NAME_OFFSET, name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Frees ephemeral tenants that have no slot and whose launching process is gone (docs/region.md, "Ephemeral
     * tenants"). Returns the number freed.
     */
    public int reclaimIdleTenants() {
        long ourNamespace = ProcessInfo.current().pidNamespace();
        int freed = 0;
        for (int t = 0; t < TENANT_CAPACITY; t++) {
            long base = tenantOffset(t);
            if (tenantState(t) != STATE_ACTIVE || !tenantEphemeral(t) || hasSlots(t) || owner(t).aliveFrom(ourNamespace)) {
                continue;
            }
            if (!INT.compareAndSet(segment, base + TENANT_STATE_OFFSET, STATE_ACTIVE, STATE_CLAIMED)) {
                continue;
            }
            if (hasSlots(t)) { // a process joined between the check and the claim: it keeps its tenant
                INT.setRelease(segment, base + TENANT_STATE_OFFSET, STATE_ACTIVE);
                continue;
            }
            for (int d = 0; d < DEVICE_CAPACITY; d++) {
                LONG.setVolatile(segment, tenantUsedOffset(t, d), 0L);
            }
            INT.setRelease(segment, base + TENANT_STATE_OFFSET, STATE_FREE);
            freed++;
        }
        return freed;
    }

    private ProcessInfo owner(int tenant) {
        long base = tenantOffset(tenant);
        return new ProcessInfo(segment.get(ValueLayout.JAVA_LONG, base + TENANT_OWNER_PID_OFFSET),
                segment.get(ValueLayout.JAVA_LONG, base + TENANT_OWNER_START_TIME_OFFSET),
                segment.get(ValueLayout.JAVA_LONG, base + TENANT_OWNER_PID_NAMESPACE_OFFSET), "");
    }

    private boolean hasSlots(int tenant) {
        for (int s = 0; s < SLOT_CAPACITY; s++) {
            int state = slotState(s);
            if ((state == STATE_ACTIVE || state == STATE_CLAIMED) && slotTenant(s) == tenant) {
                return true;
            }
        }
        return false;
    }

    public int tenantState(int tenant) {
        return (int) INT.getAcquire(segment, tenantOffset(tenant) + TENANT_STATE_OFFSET);
    }

    public String tenantName(int tenant) {
        long base = tenantOffset(tenant) + TENANT_NAME_OFFSET;
        int length = 0;
        while (length < NAME_LENGTH && segment.get(ValueLayout.JAVA_BYTE, base + length) != 0) {
            length++;
        }
        return new String(segment.asSlice(base, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    public boolean tenantEphemeral(int tenant) {
        return (segment.get(ValueLayout.JAVA_INT, tenantOffset(tenant) + TENANT_FLAGS_OFFSET)
                & TENANT_FLAG_EPHEMERAL) != 0;
    }

    /** Memory limit of a tenant on a device in bytes; 0 means no limit. */
    public long limit(int tenant, int device) {
        return (long) LONG.getVolatile(segment, tenantLimitOffset(tenant, device));
    }

    public void setLimit(int tenant, int device, long bytes) {
        LONG.setVolatile(segment, tenantLimitOffset(tenant, device), bytes);
    }

    public long used(int tenant, int device) {
        return (long) LONG.getVolatile(segment, tenantUsedOffset(tenant, device));
    }

    /** Allocations this tenant's limit has refused, over all its processes. */
    public long refusals(int tenant) {
        return (long) LONG.getVolatile(segment, tenantOffset(tenant) + TENANT_REFUSALS_OFFSET);
    }

    public void countRefusal(int tenant) {
        LONG.getAndAdd(segment, tenantOffset(tenant) + TENANT_REFUSALS_OFFSET, 1L);
    }

    // ---- the memory protocol: reserve before the driver call, release on failure and on free --------------------

    /**
     * Reserves {@code bytes} on a tenant's device counter if the result stays within its limit (CAS loop: two
     * processes can never both pass the check and overshoot together), and records them on the process slot.
     */
    public boolean tryReserve(int tenant, int slot, int device, long bytes) {
        long counter = tenantUsedOffset(tenant, device);
        long limitOffset = tenantLimitOffset(tenant, device);
        while (true) {
            long used = (long) LONG.getVolatile(segment, counter);
            long limit = (long) LONG.getVolatile(segment, limitOffset);
            if (limit != 0 && (bytes > limit || used > limit - bytes)) {
                return false;
            }
            if (LONG.compareAndSet(segment, counter, used, used + bytes)) {
                break;
            }
        }
        LONG.getAndAdd(segment, slotUsedOffset(slot, device), bytes);
        return true;
    }

    /**
     * Adds bytes the driver already holds, past the limit if need be: a use nothing could check beforehand (a graph
     * launch growing its memory pool). Later reservations are refused until the tenant is back under its limit.
     */
    public void charge(int tenant, int slot, int device, long bytes) {
        LONG.getAndAdd(segment, tenantUsedOffset(tenant, device), bytes);
        LONG.getAndAdd(segment, slotUsedOffset(slot, device), bytes);
    }

    /** Device memory one CUDA context takes on {@code device}, as measured once (0: not yet known). */
    public long contextBytes(int device) {
        return (long) LONG.getVolatile(segment, deviceOffset(device) + DEVICE_CONTEXT_BYTES_OFFSET);
    }

    /** Records a measured context size; the first measurement stays. */
    public void recordContextBytes(int device, long bytes) {
        LONG.compareAndSet(segment, deviceOffset(device) + DEVICE_CONTEXT_BYTES_OFFSET, 0L, bytes);
    }

    /**
     * Claims the context measurement of {@code device} until {@code untilNanos} (CLOCK_MONOTONIC): false while another
     * process's claim runs. A burst of processes on a fresh region then creates one throwaway context per device, not
     * one each; a claim whose holder died expires.
     */
    public boolean claimContextMeasurement(int device, long nowNanos, long untilNanos) {
        long offset = deviceOffset(device) + DEVICE_CONTEXT_MEASURING_UNTIL_OFFSET;
        long held = (long) LONG.getVolatile(segment, offset);
        return (held == 0 || held - nowNanos <= 0) && LONG.compareAndSet(segment, offset, held, untilNanos);
    }

    /** Ends this process's claim (whether or not it recorded a size). */
    public void releaseContextMeasurement(int device, long untilNanos) {
        LONG.compareAndSet(segment, deviceOffset(device) + DEVICE_CONTEXT_MEASURING_UNTIL_OFFSET, untilNanos, 0L);
    }

    /** Bytes the process in {@code slot} maps from other processes' memory (charged to them, shown only). */
    public long slotImported(int slot) {
        return (long) LONG.getVolatile(segment, slotOffset(slot) + SLOT_IMPORTED_OFFSET);
    }

    public void addSlotImported(int slot, long bytes) {
        LONG.getAndAdd(segment, slotOffset(slot) + SLOT_IMPORTED_OFFSET, bytes);
    }

    /** Bytes the process in {@code slot} holds in host memory through oversubscription (charged to no device). */
    public long slotHostResident(int slot) {
        return (long) LONG.getVolatile(segment, slotOffset(slot) + SLOT_HOST_RESIDENT_OFFSET);
    }

    public void addSlotHostResident(int slot, long bytes) {
        LONG.getAndAdd(segment, slotOffset(slot) + SLOT_HOST_RESIDENT_OFFSET, bytes);
    }

    /** Gives back bytes reserved with {@link #tryReserve}. */
    public void release(int tenant, int slot, int device, long bytes) {
        LONG.getAndAdd(segment, slotUsedOffset(slot, device), -bytes);
        LONG.getAndAdd(segment, tenantUsedOffset(tenant, device), -bytes);
    }

    // ---- process slots ------------------------------------------------------------------------------------------

    /**
     * Claims a process slot for the calling process by CAS and holds a lock on the slot's byte range for the life of
     * the process. The kernel drops the lock when the process dies, even by SIGKILL, so any process can test liveness
     * with {@link #slotAlive} whatever PID namespace it lives in. Returns the slot index.
     */
    public int claimSlot(int tenant, long pid, long startTime, long pidNamespace, String command)
            throws RegionException {
        for (int s = 0; s < SLOT_CAPACITY; s++) {
            long base = slotOffset(s);
            if ((int) INT.getAcquire(segment, base + SLOT_STATE_OFFSET) == STATE_FREE
                    && INT.compareAndSet(segment, base + SLOT_STATE_OFFSET, STATE_FREE, STATE_CLAIMED)) {
                FileLock lock = tryLock(s);
                if (lock == null) { // a liveness check holds it for a moment: leave this slot, take another
                    INT.setRelease(segment, base + SLOT_STATE_OFFSET, STATE_FREE);
                    continue;
                }
                for (int d = 0; d < DEVICE_CAPACITY; d++) {
                    LONG.setVolatile(segment, slotUsedOffset(s, d), 0L);
                }
                LONG.setVolatile(segment, base + SLOT_IMPORTED_OFFSET, 0L);
                LONG.setVolatile(segment, base + SLOT_HOST_RESIDENT_OFFSET, 0L);
                segment.set(ValueLayout.JAVA_INT, base + SLOT_TENANT_OFFSET, tenant);
                segment.set(ValueLayout.JAVA_LONG, base + SLOT_PID_OFFSET, pid);
                segment.set(ValueLayout.JAVA_LONG, base + SLOT_START_TIME_OFFSET, startTime);
                segment.set(ValueLayout.JAVA_LONG, base + SLOT_PID_NAMESPACE_OFFSET, pidNamespace);
                LONG.setRelease(segment, base + SLOT_HEARTBEAT_MILLIS_OFFSET, System.currentTimeMillis());
                byte[] cmd = command.getBytes(StandardCharsets.UTF_8);
                MemorySegment.copy(MemorySegment.ofArray(new byte[COMMAND_LENGTH]), 0, segment,
                        base + SLOT_COMMAND_OFFSET, COMMAND_LENGTH);
                MemorySegment.copy(MemorySegment.ofArray(cmd), 0, segment, base + SLOT_COMMAND_OFFSET,
                        Math.min(cmd.length, COMMAND_LENGTH - 1));
                INT.setRelease(segment, base + SLOT_STATE_OFFSET, STATE_ACTIVE);
                return s;
            }
        }
        throw new RegionException("region " + path + " is full: all " + SLOT_CAPACITY + " process slots are in use "
                + "(run 'hami-run status'; slots of dead processes are reclaimed automatically)");
    }

    public int slotState(int slot) {
        return (int) INT.getAcquire(segment, slotOffset(slot) + SLOT_STATE_OFFSET);
    }

    public int slotTenant(int slot) {
        return segment.get(ValueLayout.JAVA_INT, slotOffset(slot) + SLOT_TENANT_OFFSET);
    }

    public long slotPid(int slot) {
        return segment.get(ValueLayout.JAVA_LONG, slotOffset(slot) + SLOT_PID_OFFSET);
    }

    public long slotUsed(int slot, int device) {
        return (long) LONG.getVolatile(segment, slotUsedOffset(slot, device));
    }

    /** Records a sign of life of the calling process's own slot (for display; liveness is the lock). */
    public void heartbeat(int slot) {
        LONG.setRelease(segment, slotOffset(slot) + SLOT_HEARTBEAT_MILLIS_OFFSET, System.currentTimeMillis());
    }

    /** True while the process that claimed the slot lives (it holds the slot's lock). */
    public boolean slotAlive(int slot) {
        FileLock probe = tryLock(slot);
        if (probe == null) {
            return true;
        }
        release(probe);
        return false;
    }

    /**
     * Returns the usage of every active slot whose process has died to its tenant and frees the slot. Whoever
     * notices first does it; the CAS from ACTIVE makes sure only one does. Returns the number reclaimed.
     */
    public int reclaimDeadSlots() {
        int reclaimed = 0;
        long ourNamespace = -1;
        for (int s = 0; s < SLOT_CAPACITY; s++) {
            long base = slotOffset(s);
            if (slotState(s) != STATE_ACTIVE) {
                continue;
            }
            FileLock probe = tryLock(s);
            if (probe == null) {
                continue;
            }
            if (ourNamespace < 0) {
                ourNamespace = ProcessInfo.current().pidNamespace();
            }
            if (lingering(s, ourNamespace)) {
                release(probe);
                continue;
            }
            try {
                if (INT.compareAndSet(segment, base + SLOT_STATE_OFFSET, STATE_ACTIVE, STATE_CLAIMED)) {
                    int tenant = slotTenant(s);
                    for (int d = 0; d < DEVICE_CAPACITY; d++) {
                        long bytes = (long) LONG.getAndSet(segment, slotUsedOffset(s, d), 0L);
                        if (bytes != 0) {
                            LONG.getAndAdd(segment, tenantUsedOffset(tenant, d), -bytes);
                        }
                    }
                    INT.setRelease(segment, base + SLOT_STATE_OFFSET, STATE_FREE);
                    reclaimed++;
                    settleOrphan(tenant);
                }
            } finally {
                release(probe);
            }
        }
        return reclaimed;
    }

    /**
     * A process killed between the tenant's CAS and its slot's add (nanoseconds, but SIGKILL lands anywhere) leaves
     * bytes on the tenant that no slot owns. Processes reserve only after claiming their slot, so a tenant without
     * slots has nothing in flight: what it still counts is such an orphan, and goes.
     */
    private void settleOrphan(int tenant) {
        if (!hasSlots(tenant)) {
            for (int d = 0; d < DEVICE_CAPACITY; d++) {
                LONG.setVolatile(segment, tenantUsedOffset(tenant, d), 0L);
            }
        }
    }

    /**
     * A process whose lock is gone but that is not yet reaped (a zombie, in our own PID namespace): the driver may not
     * have freed its device memory yet, so its usage stays counted until it is gone. In another namespace the lock
     * alone decides.
     */
    private boolean lingering(int slot, long ourNamespace) {
        long base = slotOffset(slot);
        long namespace = segment.get(ValueLayout.JAVA_LONG, base + SLOT_PID_NAMESPACE_OFFSET);
        long pid = segment.get(ValueLayout.JAVA_LONG, base + SLOT_PID_OFFSET);
        long startTime = segment.get(ValueLayout.JAVA_LONG, base + SLOT_START_TIME_OFFSET);
        return namespace != 0 && namespace == ourNamespace && pid > 0
                && ProcessInfo.startTimeOf(Long.toString(pid)) == startTime;
    }

    /** Frees the calling process's own slot at a normal exit, returning its usage to the tenant. */
    public void releaseSlot(int slot) {
        long base = slotOffset(slot);
        if (INT.compareAndSet(segment, base + SLOT_STATE_OFFSET, STATE_ACTIVE, STATE_CLAIMED)) {
            int tenant = slotTenant(slot);
            for (int d = 0; d < DEVICE_CAPACITY; d++) {
                long bytes = (long) LONG.getAndSet(segment, slotUsedOffset(slot, d), 0L);
                if (bytes != 0) {
                    LONG.getAndAdd(segment, tenantUsedOffset(tenant, d), -bytes);
                }
            }
            INT.setRelease(segment, base + SLOT_STATE_OFFSET, STATE_FREE);
        }
        FileLock held = heldLocks.remove(slot);
        if (held != null) {
            release(held);
        }
    }

    private final java.util.concurrent.ConcurrentHashMap<Integer, FileLock> heldLocks =
            new java.util.concurrent.ConcurrentHashMap<>();

    private FileLock tryLock(int slot) {
        try {
            // shared when read-only: it still conflicts with the owner's exclusive lock, which is all a probe asks
            FileLock lock = channel.tryLock(slotOffset(slot), SLOT_LENGTH, readOnly);
            if (lock != null) {
                heldLocks.put(slot, lock);
            }
            return lock;
        } catch (OverlappingFileLockException e) {
            return null; // held by this very process: alive
        } catch (IOException e) {
            return null; // cannot tell: treat as alive, never reclaim on doubt
        }
    }

    private void release(FileLock lock) {
        try {
            heldLocks.values().remove(lock);
            lock.release();
        } catch (IOException ignored) {
            // the lock goes with the channel at exit in any case
        }
    }

    private boolean nameEquals(long offset, byte[] wanted) {
        if (wanted.length >= NAME_LENGTH || segment.get(ValueLayout.JAVA_BYTE, offset + wanted.length) != 0) {
            return false;
        }
        for (int i = 0; i < wanted.length; i++) {
            if (segment.get(ValueLayout.JAVA_BYTE, offset + i) != wanted[i]) {
                return false;
            }
        }
        return true;
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // nothing more to do
        }
    }

    // ---- SM shares, priorities and what hami-run status shows (hami-run set / status / top) ------------------

    /** {@code TENANT_PRIORITY} values (docs/region.md); any other value is kept and shown as a number. */
    public static final int PRIORITY_LOW = -1;
    public static final int PRIORITY_NORMAL = 0;
    public static final int PRIORITY_HIGH = 1;

    /** SM share of a tenant on a device in percent; 0 means none. */
    public int smShare(int tenant, int device) {
        return (int) INT.getVolatile(segment, tenantSmShareOffset(tenant, device));
    }

    public void setSmShare(int tenant, int device, int percent) {
        INT.setVolatile(segment, tenantSmShareOffset(tenant, device), percent);
    }

    /** {@link #PRIORITY_LOW}, {@link #PRIORITY_NORMAL} or {@link #PRIORITY_HIGH}. */
    public int priority(int tenant) {
        return (int) INT.getVolatile(segment, tenantOffset(tenant) + TENANT_PRIORITY_OFFSET);
    }

    public void setPriority(int tenant, int priority) {
        INT.setVolatile(segment, tenantOffset(tenant) + TENANT_PRIORITY_OFFSET, priority);
    }

    public long tenantCreatedMillis(int tenant) {
        return segment.get(ValueLayout.JAVA_LONG, tenantOffset(tenant) + TENANT_CREATED_MILLIS_OFFSET);
    }

    /** The command recorded for humans (up to the first NUL; malformed UTF-8 shows as U+FFFD). */
    public String slotCommand(int slot) {
        long base = slotOffset(slot) + SLOT_COMMAND_OFFSET;
        int length = 0;
        while (length < COMMAND_LENGTH && segment.get(ValueLayout.JAVA_BYTE, base + length) != 0) {
            length++;
        }
        return new String(segment.asSlice(base, length).toArray(ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
    }

    /** Last sign of life the slot's process recorded, ms since the epoch (display only: liveness is the lock). */
    public long slotHeartbeat(int slot) {
        return (long) LONG.getAcquire(segment, slotOffset(slot) + SLOT_HEARTBEAT_MILLIS_OFFSET);
    }

    @Override
    public void close() {
        arena.close();
        closeQuietly(channel);
    }
}
