package io.hami.region;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docs/region.md is the specification; this test holds RegionLayout to every number in its tables. */
class RegionLayoutTest {
    private static final Pattern ROW = Pattern.compile("^\\| *([A-Z_]+|\\(reserved\\)) *\\| *(\\d+) *\\| *(\\d+) *\\|(.*)\\|$");
    private static final Pattern STATE_ROW = Pattern.compile("^\\| *(STATE_[A-Z]+) *\\| *(\\d+) *\\|.*$");
    private static final Pattern PARENTHESIZED = Pattern.compile("\\((\\d+)\\)");

    record Row(String name, long offset, long size, String meaning) {}

    private static List<List<Row>> tables() throws IOException {
        Path spec = Path.of(System.getProperty("hami.docs.dir", "../docs"), "region.md");
        List<List<Row>> tables = new ArrayList<>();
        List<Row> current = null;
        for (String line : Files.readAllLines(spec)) {
            Matcher m = ROW.matcher(line.strip());
            if (m.matches()) {
                if (current == null) {
                    current = new ArrayList<>();
                    tables.add(current);
                }
                current.add(new Row(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)), m.group(4)));
            } else if (!line.startsWith("|")) {
                current = null;
            }
        }
        return tables;
    }

    private static long constant(String name) throws ReflectiveOperationException {
        Field field = RegionLayout.class.getField(name);
        return ((Number) field.get(null)).longValue();
    }

    @Test
    void header_tenant_and_slot_tables_match_the_class_field_by_field() throws Exception {
        List<List<Row>> tables = tables();
        long[] lengths = {RegionLayout.HEADER_LENGTH, RegionLayout.TENANT_LENGTH, RegionLayout.SLOT_LENGTH,
                RegionLayout.DEVICE_LENGTH, RegionLayout.COMPUTE_LENGTH};
        assertThat(tables).hasSize(lengths.length);
        for (int t = 0; t < lengths.length; t++) {
            long expectedOffset = 0;
            for (Row row : tables.get(t)) {
                assertThat(row.offset()).as("%s starts where the previous field ends", row.name())
                        .isEqualTo(expectedOffset);
                if (!row.name().equals("(reserved)")) {
                    assertThat(constant(row.name() + "_OFFSET")).as("offset of %s", row.name()).isEqualTo(row.offset());
                }
                expectedOffset = row.offset() + row.size();
            }
            assertThat(expectedOffset).as("table %d covers its whole record", t).isEqualTo(lengths[t]);
        }
    }

    @Test
    void numbers_quoted_in_the_header_table_match_the_class() throws Exception {
        for (Row row : tables().getFirst()) {
            Matcher m = PARENTHESIZED.matcher(row.meaning());
            String name = row.name();
            if (m.find() && !name.equals("FILE_LENGTH")) {
                assertThat(constant(name)).as(name).isEqualTo(Long.parseLong(m.group(1)));
            }
        }
        String spec = Files.readString(Path.of(System.getProperty("hami.docs.dir", "../docs"), "region.md"));
        assertThat(spec).contains("(" + RegionLayout.FILE_LENGTH + " in " + RegionLayout.MAJOR_VERSION + "."
                + RegionLayout.MINOR_VERSION + ")");
        assertThat(spec).contains(String.format("0x%016X", RegionLayout.MAGIC));
        assertThat(spec).contains("layout " + RegionLayout.MAJOR_VERSION + "." + RegionLayout.MINOR_VERSION);
    }

    @Test
    void record_states_match() throws Exception {
        int seen = 0;
        for (String line : Files.readAllLines(Path.of(System.getProperty("hami.docs.dir", "../docs"), "region.md"))) {
            Matcher m = STATE_ROW.matcher(line.strip());
            if (m.matches()) {
                assertThat(constant(m.group(1))).as(m.group(1)).isEqualTo(Long.parseLong(m.group(2)));
                seen++;
            }
        }
        assertThat(seen).isEqualTo(3);
    }

    @Test
    void shared_counters_have_cache_lines_of_their_own_and_records_are_aligned() {
        assertThat(RegionLayout.TENANT_USED_OFFSET % RegionLayout.CACHE_LINE).isZero();
        assertThat(RegionLayout.TENANT_LENGTH % RegionLayout.CACHE_LINE).isZero();
        assertThat(RegionLayout.SLOT_LENGTH % RegionLayout.CACHE_LINE).isZero();
        assertThat(RegionLayout.TENANTS_OFFSET % RegionLayout.CACHE_LINE).isZero();
        assertThat(RegionLayout.SLOTS_OFFSET % RegionLayout.CACHE_LINE).isZero();
        assertThat(RegionLayout.tenantUsedOffset(3, 1) - RegionLayout.tenantUsedOffset(3, 0))
                .isEqualTo(RegionLayout.CACHE_LINE);
        assertThat(RegionLayout.DEVICES_OFFSET).isEqualTo(RegionLayout.SLOTS_OFFSET
                + (long) RegionLayout.SLOT_CAPACITY * RegionLayout.SLOT_LENGTH);
        assertThat(RegionLayout.DEVICES_OFFSET % RegionLayout.CACHE_LINE).isZero();
        assertThat(RegionLayout.DEVICE_HIGH_ACTIVE_UNTIL_OFFSET % RegionLayout.CACHE_LINE).isZero();
        assertThat(RegionLayout.COMPUTE_OFFSET % RegionLayout.CACHE_LINE).isZero();
        assertThat(RegionLayout.computeOffset(2, 1) - RegionLayout.computeOffset(2, 0))
                .isEqualTo(RegionLayout.CACHE_LINE);
        assertThat(RegionLayout.FILE_LENGTH).isEqualTo(RegionLayout.computeOffset(RegionLayout.TENANT_CAPACITY, 0));
        assertThat(RegionLayout.TENANT_CAPACITY).isGreaterThanOrEqualTo(64);
        assertThat(RegionLayout.SLOT_CAPACITY).isGreaterThanOrEqualTo(1024);
    }
}
