package io.hami.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hami.region.Region;
import io.hami.region.RegionSnapshot;
import io.hami.region.RegionSnapshot.Process;
import io.hami.region.RegionSnapshot.ProcessDevice;
import io.hami.region.RegionSnapshot.Tenant;
import io.hami.region.RegionSnapshot.TenantDevice;
import io.hami.sched.Nvml.Reading;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The JSON writer, and status --json's format 1 as scripts depend on it. */
class JsonTest {
    @Test
    void escapesWhatJsonRequires() {
        assertThat(Json.write("a\"b\\c\n\t\u0001\u007f\u00e9\u2026"))
                .isEqualTo("\"a\\\"b\\\\c\\n\\t\\u0001\\u007f\u00e9\u2026\"\n");
        assertThat(Json.write("\ud800x")).as("a lone surrogate").isEqualTo("\"\\ud800x\"\n");
        assertThat(Json.write("\ud83d\ude00")).as("a pair stays").isEqualTo("\"\ud83d\ude00\"\n");
    }

    @Test
    void indentsContainersAndKeepsFlatObjectsOnOneLine() {
        Map<String, Object> root = new LinkedHashMap<>();
        root.put("n", 1L);
        root.put("none", null);
        root.put("empty", List.of());
        root.put("list", List.of(Map.of("a", true)));
        assertThat(Json.write(root)).isEqualTo("""
                {
                  "n": 1,
                  "none": null,
                  "empty": [],
                  "list": [
                    {"a": true}
                  ]
                }
                """);
    }

    @Test
    void writesDoublesAndNonFiniteOnesAsNull() {
        assertThat(Json.write(List.of(61.4, 100.0, 0.0, Double.NaN, Double.POSITIVE_INFINITY)))
                .isEqualTo("[\n  61.4,\n  100.0,\n  0.0,\n  null,\n  null\n]\n");
    }

    /** Format 1, whole: a change here breaks scripts; add fields, never rename or retype them. */
    @Test
    void statusFormat1() {
        RegionSnapshot snapshot = new RegionSnapshot(Path.of("/dev/shm/hami-ffm.region"), 1_700_000_000_123L,
                List.of(new Tenant(2, "team-a", false, 1_700_000_000_000L, Region.PRIORITY_HIGH,
                        List.of(new TenantDevice(0, 5L << 30, 8L << 30, 30)), 1)),
                List.of(new Process(7, 4242, "python train.py", 2, "team-a", 1_700_000_000_100L,
                        List.of(new ProcessDevice(0, 5L << 30)), true, 1L << 30, 3L << 30)));
        assertThat(StatusJson.of(snapshot)).isEqualTo("""
                {
                  "format": 1,
                  "region": "/dev/shm/hami-ffm.region",
                  "timeMillis": 1700000000123,
                  "tenants": [
                    {
                      "name": "team-a",
                      "ephemeral": false,
                      "createdMillis": 1700000000000,
                      "priority": "high",
                      "liveProcesses": 1,
                      "devices": [
                        {"device": 0, "usedBytes": 5368709120, "limitBytes": 8589934592, "smShare": 30, "launches": 0, "gpuNanos": 0, "throttledLaunches": 0, "waitNanos": 0, "bandwidthLimit": 0}
                      ]
                    }
                  ],
                  "processes": [
                    {
                      "pid": 4242,
                      "state": "alive",
                      "tenant": "team-a",
                      "command": "python train.py",
                      "slot": 7,
                      "heartbeatMillis": 1700000000100,
                      "devices": [
                        {"device": 0, "usedBytes": 5368709120}
                      ],
                      "importedBytes": 1073741824,
                      "hostResidentBytes": 3221225472
                    }
                  ]
                }
                """);
    }

    /** Region devices, whole: index, uuid, then what the device measured (null: not measured) in this key order. */
    @Test
    void statusDevices() {
        RegionSnapshot snapshot = new RegionSnapshot(Path.of("/r"), 1, List.of(), List.of(), List.of(
                new RegionSnapshot.Device(0, "GPU-46414b45-4355-4441-8000-000000000000"),
                new RegionSnapshot.Device(3, "GPU-46414b45-4355-4441-8000-000000000003")));
        assertThat(StatusJson.of(snapshot, Map.of(0, new Reading(99.96, 0.04)))).endsWith("""
                  "devices": [
                    {"index": 0, "uuid": "GPU-46414b45-4355-4441-8000-000000000000", "busyPercent": 100.0, "dramBandwidthPercent": 0.0},
                    {"index": 3, "uuid": "GPU-46414b45-4355-4441-8000-000000000003", "busyPercent": null, "dramBandwidthPercent": null}
                  ]
                }
                """);
        assertThat(StatusJson.of(snapshot)).as("not measured").contains(
                "{\"index\": 0, \"uuid\": \"GPU-46414b45-4355-4441-8000-000000000000\", \"busyPercent\": null, "
                        + "\"dramBandwidthPercent\": null}");
    }
}
