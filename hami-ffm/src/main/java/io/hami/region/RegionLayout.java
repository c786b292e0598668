package io.hami.region;

/**
 * Named offsets of the shared region, version 2.0. The drawing and the rules live in {@code docs/region.md}; this class
 * is the one place the numbers are written, and {@code RegionLayoutTest} checks that the two agree.
 *
 * <pre>
 *  0              HEADER_LENGTH          SLOTS_OFFSET                 DEVICES_OFFSET       COMPUTE_OFFSET
 *  +--------------+----------------------+----------------------------+--------------------+-------------------------+
 *  | header 256 B | tenants (64 x 1344 B)| process slots (1024 x 256) | devices (16 x 128) | compute (64 x 16 x 64)  |
 *  +--------------+----------------------+----------------------------+--------------------+-------------------------+
 * </pre>
 *
 * All fields are little-endian, naturally aligned; every field another process writes concurrently is read and written
 * with {@link java.lang.invoke.VarHandle} atomics. Counters written by many processes sit on cache lines of their own.
 */
public final class RegionLayout {
    private RegionLayout() {}

    public static final int CACHE_LINE = 64;

    /** "HAMIFFM\0" read as a little-endian long. */
    public static final long MAGIC = 0x004D46464D494D48L;
    public static final int MAJOR_VERSION = 2;
    public static final int MINOR_VERSION = 4;

    public static final int DEVICE_CAPACITY = 16;
    public static final int TENANT_CAPACITY = 64;
    public static final int SLOT_CAPACITY = 1024;
    public static final int NAME_LENGTH = 64;
    public static final int COMMAND_LENGTH = 64;

    // ---- header -------------------------------------------------------------------------------------------------
    public static final int MAGIC_OFFSET = 0;
    /** Written last with a release store: a reader that sees a non-zero major version sees a complete file. */
    public static final int MAJOR_VERSION_OFFSET = 8;
    public static final int MINOR_VERSION_OFFSET = 12;
    public static final int FILE_LENGTH_OFFSET = 16;
    public static final int CREATED_MILLIS_OFFSET = 24;
    public static final int DEVICE_CAPACITY_OFFSET = 32;
    public static final int TENANT_CAPACITY_OFFSET = 36;
    public static final int SLOT_CAPACITY_OFFSET = 40;
    public static final int HEADER_LENGTH_OFFSET = 44;
    public static final int TENANT_LENGTH_OFFSET = 48;
    public static final int SLOT_LENGTH_OFFSET = 52;
    public static final int TENANTS_OFFSET_OFFSET = 56;
    public static final int SLOTS_OFFSET_OFFSET = 64;
    /** Never read or written: its 8 bytes are the range of the file lock that serializes tenant creation. */
    public static final int CREATION_LOCK_OFFSET = 72;
    public static final int DEVICES_OFFSET_OFFSET = 80;
    public static final int COMPUTE_OFFSET_OFFSET = 88;
    public static final int DEVICE_LENGTH_OFFSET = 96;
    public static final int COMPUTE_LENGTH_OFFSET = 100;
    public static final int HEADER_LENGTH = 256;

    // ---- record states (tenants and slots) ----------------------------------------------------------------------
    public static final int STATE_FREE = 0;
    /** Claimed by CAS, being filled in by its claimer; not yet visible as a tenant or process. */
    public static final int STATE_CLAIMED = 1;
    public static final int STATE_ACTIVE = 2;

    // ---- tenant record ------------------------------------------------------------------------------------------
    public static final int TENANT_STATE_OFFSET = 0;
    public static final int TENANT_FLAGS_OFFSET = 4;
    public static final int TENANT_CREATED_MILLIS_OFFSET = 8;
    public static final int TENANT_PRIORITY_OFFSET = 16;
    /** The launching process of an ephemeral tenant: the tenant is reclaimed once it and every slot are gone. */
    public static final int TENANT_OWNER_PID_OFFSET = 24;
    public static final int TENANT_OWNER_START_TIME_OFFSET = 32;
    public static final int TENANT_OWNER_PID_NAMESPACE_OFFSET = 40;
    /** Allocations refused by the tenant's limit, a counter every process of the tenant adds to. */
    public static final int TENANT_REFUSALS_OFFSET = 48;
    public static final int TENANT_NAME_OFFSET = CACHE_LINE;
    public static final int TENANT_LIMITS_OFFSET = TENANT_NAME_OFFSET + NAME_LENGTH;
    public static final int TENANT_SM_SHARES_OFFSET = TENANT_LIMITS_OFFSET + DEVICE_CAPACITY * Long.BYTES;
    /** One cache line per device: every process of the tenant adds to these. */
    public static final int TENANT_USED_OFFSET = align(TENANT_SM_SHARES_OFFSET + DEVICE_CAPACITY * Integer.BYTES);
    public static final int TENANT_LENGTH = TENANT_USED_OFFSET + DEVICE_CAPACITY * CACHE_LINE;

    /** Tenant flag: created by a launch with no {@code --tenant}; may be reclaimed once it has no live process. */
    public static final int TENANT_FLAG_EPHEMERAL = 1;

    // ---- process slot -------------------------------------------------------------------------------------------
    public static final int SLOT_STATE_OFFSET = 0;
    public static final int SLOT_TENANT_OFFSET = 4;
    public static final int SLOT_PID_OFFSET = 8;
    public static final int SLOT_START_TIME_OFFSET = 16;
    public static final int SLOT_PID_NAMESPACE_OFFSET = 24;
    public static final int SLOT_HEARTBEAT_MILLIS_OFFSET = 32;
    /** 2.1: bytes mapped from other processes' memory (IPC, imported VMM handles), charged to their owners. */
    public static final int SLOT_IMPORTED_OFFSET = 40;
    /** 2.1: bytes held in host memory through oversubscription, charged to no device. */
    public static final int SLOT_HOST_RESIDENT_OFFSET = 48;
    public static final int SLOT_USED_OFFSET = CACHE_LINE;
    public static final int SLOT_COMMAND_OFFSET = SLOT_USED_OFFSET + DEVICE_CAPACITY * Long.BYTES;
    public static final int SLOT_LENGTH = align(SLOT_COMMAND_OFFSET + COMMAND_LENGTH);

    // ---- device record: one physical GPU, found by UUID ---------------------------------------------------------
    public static final int DEVICE_STATE_OFFSET = 0;
    public static final int DEVICE_UUID_OFFSET = 16;
    public static final int UUID_LENGTH = 16;
    /** Device memory one context takes on this device, measured once by the first process that can. */
    public static final int DEVICE_CONTEXT_BYTES_OFFSET = 32;
    /** 2.2: until when (CLOCK_MONOTONIC ns) one process measures the context size; the others do not meanwhile. */
    public static final int DEVICE_CONTEXT_MEASURING_UNTIL_OFFSET = 40;
    /** Written at high-priority launches: a line of its own, apart from the record's stable fields. */
    public static final int DEVICE_HIGH_ACTIVE_UNTIL_OFFSET = CACHE_LINE;
    public static final int DEVICE_HIGH_BUSY_UNTIL_OFFSET = CACHE_LINE + Long.BYTES;
    public static final int DEVICE_LENGTH = 2 * CACHE_LINE;

    // ---- compute line: one tenant's GPU-time schedule on one device ---------------------------------------------
    public static final int COMPUTE_TAT_OFFSET = 0;
    public static final int COMPUTE_GPU_NANOS_OFFSET = 8;
    public static final int COMPUTE_WAIT_NANOS_OFFSET = 16;
    public static final int COMPUTE_LAUNCHES_OFFSET = 24;
    public static final int COMPUTE_THROTTLED_OFFSET = 32;
    public static final int COMPUTE_BANDWIDTH_LIMIT_OFFSET = 40;
    public static final int COMPUTE_BANDWIDTH_SCALE_OFFSET = 44;
    /** 2.3: per mille applied to the estimated launch costs by the busy-time correction (0 = 1000). */
    public static final int COMPUTE_COST_SCALE_OFFSET = 48;
    /** 2.4: when the tenant's launched work on the device is expected to be done: turns wait for each other's. */
    public static final int COMPUTE_QUEUE_END_OFFSET = 56;
    public static final int COMPUTE_LENGTH = CACHE_LINE;

    // ---- whole file ---------------------------------------------------------------------------------------------
    public static final int TENANTS_OFFSET = HEADER_LENGTH;
    public static final int SLOTS_OFFSET = TENANTS_OFFSET + TENANT_CAPACITY * TENANT_LENGTH;
    public static final int DEVICES_OFFSET = SLOTS_OFFSET + SLOT_CAPACITY * SLOT_LENGTH;
    public static final int COMPUTE_OFFSET = DEVICES_OFFSET + DEVICE_CAPACITY * DEVICE_LENGTH;
    public static final int FILE_LENGTH = COMPUTE_OFFSET + TENANT_CAPACITY * DEVICE_CAPACITY * COMPUTE_LENGTH;

    public static long tenantOffset(int tenant) {
        return TENANTS_OFFSET + (long) tenant * TENANT_LENGTH;
    }

    public static long tenantLimitOffset(int tenant, int device) {
        return tenantOffset(tenant) + TENANT_LIMITS_OFFSET + (long) device * Long.BYTES;
    }

    public static long tenantSmShareOffset(int tenant, int device) {
        return tenantOffset(tenant) + TENANT_SM_SHARES_OFFSET + (long) device * Integer.BYTES;
    }

    public static long tenantUsedOffset(int tenant, int device) {
        return tenantOffset(tenant) + TENANT_USED_OFFSET + (long) device * CACHE_LINE;
    }

    public static long slotOffset(int slot) {
        return SLOTS_OFFSET + (long) slot * SLOT_LENGTH;
    }

    public static long slotUsedOffset(int slot, int device) {
        return slotOffset(slot) + SLOT_USED_OFFSET + (long) device * Long.BYTES;
    }

    public static long deviceOffset(int device) {
        return DEVICES_OFFSET + (long) device * DEVICE_LENGTH;
    }

    public static long computeOffset(int tenant, int device) {
        return COMPUTE_OFFSET + ((long) tenant * DEVICE_CAPACITY + device) * COMPUTE_LENGTH;
    }

    private static int align(int offset) {
        return (offset + CACHE_LINE - 1) & -CACHE_LINE;
    }
}
