package io.hami.sched;

import java.util.PriorityQueue;

/**
 * A clock that moves only when someone sleeps or advances it: scheduler tests run seconds in microseconds. Other
 * actors (another tenant's launches) are events at set times, run in order as time passes over them, so a sleeping
 * launch sees what they do meanwhile.
 */
final class SimClock implements Clock {
    private record Event(long at, long order, Runnable action) {}

    long now = 1_000_000_000_000L;
    private final PriorityQueue<Event> events =
            new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private long order;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public void sleepUntil(long deadline) {
        runUntil(deadline);
    }

    void advance(long nanos) {
        runUntil(now + nanos);
    }

    void at(long time, Runnable action) {
        events.add(new Event(time, order++, action));
    }

    private void runUntil(long deadline) {
        while (!events.isEmpty() && events.peek().at <= deadline) {
            Event e = events.poll();
            now = Math.max(now, e.at);
            e.action.run();
        }
        now = Math.max(now, deadline);
    }
}
