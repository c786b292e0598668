package io.hami.it;

import static io.hami.it.NativeHarness.DIST;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.TreeMap;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The jars JVM applications import run on any JDK from 22 on (where FFM became final): every class file in them is
 * major version 66. The launcher may use 25 (it runs on the bundled runtime), which also shows the check can fail.
 */
class LibraryJarsIT {
    @ParameterizedTest(name = "{0}: class file major version {1}")
    @CsvSource({"hami-api.jar, 66", "hami-ffm.jar, 66", "hami-bindings.jar, 66", "hami-launcher.jar, 69"})
    void every_class_file_has_the_release_s_major_version(String jar, int major) throws IOException {
        Map<Integer, Integer> versions = new TreeMap<>();
        try (JarFile file = new JarFile(DIST.resolve("lib").resolve(jar).toFile())) {
            for (JarEntry entry : file.stream().filter(e -> e.getName().endsWith(".class")).toList()) {
                versions.merge(majorVersion(file, entry), 1, Integer::sum);
            }
        }
        assertThat(versions).as("class files of %s by major version", jar).containsOnlyKeys(major);
    }

    private static int majorVersion(JarFile file, JarEntry entry) throws IOException {
        try (InputStream in = file.getInputStream(entry); DataInputStream data = new DataInputStream(in)) {
            assertThat(data.readInt()).as("magic of %s", entry.getName()).isEqualTo(0xCAFEBABE);
            data.readUnsignedShort(); // minor
            return data.readUnsignedShort();
        }
    }
}
