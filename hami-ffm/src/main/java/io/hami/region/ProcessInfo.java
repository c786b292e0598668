package io.hami.region;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Who this process is, for its slot: pid, start time and PID-namespace inode identify it across pid reuse and
 * namespaces (liveness itself comes from the slot lock); the command is for humans.
 */
public record ProcessInfo(long pid, long startTime, long pidNamespace, String command) {
    /**
     * Whether this process still runs, as far as the caller can tell: in the caller's PID namespace, pid and start
     * time must match; in another namespace nobody can tell, so it counts as alive (never reclaim on doubt).
     */
    public boolean aliveFrom(long callerPidNamespace) {
        if (pidNamespace == 0 || pidNamespace != callerPidNamespace) {
            return true;
        }
        return startTimeOf(Long.toString(pid)) == startTime;
    }

    public static ProcessInfo current() {
        long pid = ProcessHandle.current().pid();
        return new ProcessInfo(pid, readStartTime(), readPidNamespace(), readCommand());
    }

    /** Field 22 of /proc/self/stat (clock ticks since boot); the command name in field 2 may hold spaces. */
    static long readStartTime() {
        return startTimeOf("self");
    }

    /** Start time of a process as seen from this PID namespace, or -1 when there is no such process. */
    public static long startTimeOf(String pid) {
        try {
            String stat = Files.readString(Path.of("/proc", pid, "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(fields[19]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    static long readPidNamespace() {
        try {
            String link = Files.readSymbolicLink(Path.of("/proc/self/ns/pid")).toString(); // pid:[4026531836]
            return Long.parseLong(link.substring(link.indexOf('[') + 1, link.indexOf(']')));
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static String readCommand() {
        try {
            byte[] raw = Files.readAllBytes(Path.of("/proc/self/cmdline"));
            String[] args = new String(raw, StandardCharsets.UTF_8).split("\0");
            String first = Path.of(args[0]).getFileName().toString();
            return args.length > 1 ? first + " " + args[1] : first;
        } catch (IOException | RuntimeException e) {
            return "?";
        }
    }
}
