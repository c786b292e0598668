package io.hami.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every hook the trampoline defines (hami.h's X-macro lists) is exported by its version script, and nothing else. */
class ExportsMapTest {
    private static final Path C = Path.of("src/main/c");

    @Test
    void every_hook_of_hami_h_is_in_exports_map() throws Exception {
        Set<String> hooks = new LinkedHashSet<>();
        Matcher m = Pattern.compile("X\\((cu\\w+),").matcher(Files.readString(C.resolve("hami.h")));
        while (m.find()) {
            hooks.add(m.group(1));
        }
        Set<String> exported = new LinkedHashSet<>();
        Matcher e = Pattern.compile("^\\s+(cu\\w+);", Pattern.MULTILINE).matcher(Files.readString(C.resolve("exports.map")));
        while (e.find()) {
            exported.add(e.group(1));
        }
        assertThat(hooks).contains("cuMemAlloc_v2", "cuLaunchKernelEx", "cuGraphLaunch_ptsz");
        exported.removeAll(Set.of("cuGetProcAddress", "cuGetProcAddress_v2"));
        assertThat(exported).containsExactlyInAnyOrderElementsOf(hooks);
    }
}
