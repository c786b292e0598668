package io.hami.bindings.cuda;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** includes.txt lists exactly what CudaDriver binds, and regenerate.sh refuses clearly without jextract. */
class RepositoryFilesTest {

    private static List<String> includes(String option) throws Exception {
        try (Stream<String> lines = Files.lines(NativeTools.basedir().resolve("includes.txt"))) {
            return lines.map(String::strip)
                    .filter(l -> l.startsWith(option + " "))
                    .map(l -> l.substring(option.length()).strip())
                    .toList();
        }
    }

    @Test
    void includesListMatchesRecords() throws Exception {
        assertThat(includes("--include-function"))
                .containsExactlyElementsOf(CudaDriver.functions().stream().map(CudaDriver.FunctionInfo::name).toList());
        assertThat(includes("--include-constant"))
                .containsExactlyInAnyOrderElementsOf(CudaDriver.constants().stream().map(CudaDriver.ConstantInfo::name).toList());
        assertThat(includes("--include-struct"))
                .containsExactlyInAnyOrderElementsOf(CudaDriver.structs().stream().map(s -> s.layout().name().orElseThrow()).toList());
        assertThat(includes("--include-typedef"))
                .containsAll(CudaDriver.typedefs().stream().map(CudaDriver.TypedefInfo::name).toList())
                .containsAll(CudaDriver.structs().stream().map(CudaDriver.StructInfo::name).toList());
    }

    @Test
    void regenerateFailsClearlyWithoutJextract() throws Exception {
        Path emptyPath = NativeTools.targetDir("no-jextract-path");
        var r = NativeTools.run(List.of("/bin/bash", "regenerate.sh"), NativeTools.basedir(),
                Map.of("PATH", emptyPath.toString()));
        assertThat(r.exitCode()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("jextract is not on PATH");
    }
}
