package io.hami.cli;

import static io.hami.region.RegionLayout.DEVICE_CAPACITY;

import io.hami.cli.MemoryLimits.DeviceLimit;
import io.hami.limits.ByteSize;
import io.hami.region.Region;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Picocli converters of hami-run's option values; each error message names the problem and the fix. */
final class Converters {
    private Converters() {}

    /** A memory limit: a size above zero ({@code 0} is no limit, which is asked for by leaving the flag out). */
    static final class MemorySize implements ITypeConverter<Long> {
        @Override
        public Long convert(String value) {
            return limit(value, "omit --memory for no limit");
        }
    }

    /** One {@code DEVICE=SIZE} item of {@code --device-memory}. */
    static final class DeviceMemory implements ITypeConverter<DeviceLimit> {
        @Override
        public DeviceLimit convert(String value) {
            int eq = value.indexOf('=');
            if (eq < 0) {
                throw new TypeConversionException("'" + value + "' is not DEVICE=SIZE: write e.g. 0=8g,1=4g");
            }
            String index = value.substring(0, eq).strip();
            int device;
            try {
                device = Integer.parseInt(index);
            } catch (NumberFormatException e) {
                device = -1;
            }
            if (device < 0 || device >= DEVICE_CAPACITY || !index.chars().allMatch(Character::isDigit)) {
                throw new TypeConversionException("device index '" + index + "' in '" + value
                        + "' is not one of 0-" + (DEVICE_CAPACITY - 1)
                        + ": use the index the program sees after CUDA_VISIBLE_DEVICES, e.g. 0=8g");
            }
            return new DeviceLimit(device, limit(value.substring(eq + 1), "leave the device out for no limit"));
        }
    }

    /** A tenant name, checked as the region checks it. */
    static final class TenantName implements ITypeConverter<String> {
        @Override
        public String convert(String value) {
            String invalid = Region.checkTenantName(value);
            if (invalid != null) {
                throw new TypeConversionException(invalid);
            }
            return value;
        }
    }

    static long limit(String value, String noLimitHint) {
        if (value.strip().startsWith("-")) {
            throw new TypeConversionException("'" + value + "' is negative: give a size above zero, e.g. 8g ("
                    + noLimitHint + ")");
        }
        long bytes;
        try {
            bytes = ByteSize.parse(value);
        } catch (IllegalArgumentException e) {
            throw new TypeConversionException(e.getMessage());
        }
        if (bytes <= 0) {
            throw new TypeConversionException("'" + value + "' is not a memory limit: give a size above zero, "
                    + "e.g. 8g (" + noLimitHint + ")");
        }
        return bytes;
    }
}
