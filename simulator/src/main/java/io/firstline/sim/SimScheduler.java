// Discrete-event loop in simulated time: one thread ("ami-sim-clock") runs every call step and every PBX state change, in time order.
package io.firstline.sim;

import java.util.PriorityQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class SimScheduler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SimScheduler.class);

    private record Task(long atMs, long seq, Runnable body) implements Comparable<Task> {
        @Override
        public int compareTo(Task o) {
            int c = Long.compare(atMs, o.atMs);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }

    private final double timeScale;
    private final long virtualStartMs;
    private final long realStartNanos;
    private final PriorityQueue<Task> tasks = new PriorityQueue<>();
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final Thread thread;
    private long seq;
    private volatile boolean running = true;
    /** Simulated time of the task being run; only read on the loop thread. */
    private long currentMs;

    SimScheduler(double timeScale, long virtualStartMs) {
        if (!(timeScale > 0) || Double.isInfinite(timeScale)) {
            throw new IllegalArgumentException("timeScale must be a positive finite number: " + timeScale);
        }
        this.timeScale = timeScale;
        this.virtualStartMs = virtualStartMs;
        this.realStartNanos = System.nanoTime();
        this.currentMs = virtualStartMs;
        this.thread = new Thread(this::loop, "ami-sim-clock");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    double timeScale() {
        return timeScale;
    }

    /** Simulated wall clock (epoch ms), advancing timeScale times faster than real time. */
    long clockMs() {
        return virtualStartMs + (long) ((System.nanoTime() - realStartNanos) / 1_000_000.0 * timeScale);
    }

    long startMs() {
        return virtualStartMs;
    }

    /** Simulated time of the running task; only meaningful on the loop thread. */
    long nowMs() {
        return currentMs;
    }

    boolean onLoopThread() {
        return Thread.currentThread() == thread;
    }

    void at(long atMs, Runnable body) {
        lock.lock();
        try {
            tasks.add(new Task(atMs, seq++, body));
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** Runs {@code body} after {@code delayMs} of simulated time, counted from the running task (or the clock). */
    void after(long delayMs, Runnable body) {
        long base = onLoopThread() ? currentMs : Math.max(clockMs(), currentMs);
        at(base + Math.max(0, delayMs), body);
    }

    /** Runs {@code body} on the loop as soon as possible and waits for its result (inline if already on the loop). */
    <T> T call(Callable<T> body) {
        if (onLoopThread()) {
            try {
                return body.call();
            } catch (RuntimeException e) {
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        CompletableFuture<T> result = new CompletableFuture<>();
        after(0, () -> {
            try {
                result.complete(body.call());
            } catch (Throwable t) {
                result.completeExceptionally(t);
            }
        });
        try {
            return result.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    void run(Runnable body) {
        call(() -> {
            body.run();
            return null;
        });
    }

    private void loop() {
        while (running) {
            Task next;
            lock.lock();
            try {
                next = tasks.peek();
                if (next == null) {
                    changed.await();
                    continue;
                }
                long waitMs = (long) ((next.atMs - clockMs()) / timeScale);
                if (waitMs > 0) {
                    changed.awaitNanos(waitMs * 1_000_000L);
                    continue;
                }
                tasks.poll();
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            currentMs = Math.max(currentMs, next.atMs);
            try {
                next.body.run();
            } catch (Throwable t) {
                log.error("simulator task failed", t);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
    }
}
