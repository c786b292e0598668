package io.hami.cli.monitor;

import io.hami.region.RegionLayout;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Which region files a monitor reads, looked up again at every scrape so that files may appear and disappear while
 * it runs: one named file, or every region file below a directory (HAMi's Kubernetes mode keeps one per container,
 * in a directory of its own: {@code <dir>/<pod-uid>_<container>/<file>}).
 */
public sealed interface RegionFiles {
    /** How deep below the directory region files are looked for (the directory's own files are depth 1). */
    int DEPTH = 3;

    /** The files to read now, in a stable order. */
    List<Path> paths();

    /** What the files are, for a log line: the file or the directory. */
    Path root();

    /** Exactly one file, which should exist (a missing one is reported as down). */
    record One(Path root) implements RegionFiles {
        @Override
        public List<Path> paths() {
            return List.of(root);
        }
    }

    /**
     * Every regular file below {@code root} (at most {@link #DEPTH} levels) that starts with the region magic.
     * Other files (HAMi's own cache files, locks) are not regions and are passed over without a word; a region file
     * that cannot be used is still listed and then reported as down.
     */
    record Below(Path root) implements RegionFiles {
        @Override
        public List<Path> paths() {
            try (Stream<Path> files = Files.walk(root, DEPTH)) {
                return files.filter(Files::isRegularFile).filter(Below::startsWithMagic).sorted().toList();
            } catch (IOException | UncheckedIOException e) {
                return List.of(); // the directory itself went away: nothing to read now
            }
        }

        private static boolean startsWithMagic(Path file) {
            try (InputStream in = Files.newInputStream(file)) {
                byte[] head = in.readNBytes(Long.BYTES);
                return head.length == Long.BYTES
                        && ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN).getLong() == RegionLayout.MAGIC;
            } catch (IOException | SecurityException e) {
                return false; // gone or unreadable meanwhile: not a region we can read
            }
        }
    }
}
