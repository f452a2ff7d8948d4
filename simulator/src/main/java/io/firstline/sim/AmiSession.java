// One client connection: a reader thread parses actions, a writer thread sends queued bytes; state fields are shared with the clock thread.
package io.firstline.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Inet6Address;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

final class AmiSession {

    private static final Logger log = LoggerFactory.getLogger(AmiSession.class);
    /** Asterisk's manager input buffer holds 1024 bytes per line (inbuf[1025]); longer lines are discarded. */
    static final int MAX_LINE = 1024;
    /** Asterisk keeps at most 128 header lines per message (AST_MAX_MANHEADERS). */
    static final int MAX_HEADERS = 128;
    private static final int MAX_QUEUED = 200_000;
    private static final Pending CLOSE = new Pending(new byte[0], 0);

    private final Socket socket;
    private final AmiSimulator sim;
    private final LinkedBlockingQueue<Pending> outbox = new LinkedBlockingQueue<>();
    /** Bytes handed to {@link #send} and not yet written to the socket. */
    private final AtomicLong queuedBytes = new AtomicLong();
    final String sessionId;
    final long connectedMs;
    volatile boolean loggedIn;
    volatile String username = "";
    volatile EventFilter events = EventFilter.ALL;
    volatile String challenge = "";
    private volatile boolean closed;

    /** Which event classes the client asked for at login. */
    record EventFilter(boolean all, List<String> classes) {
        static final EventFilter ALL = new EventFilter(true, List.of());
        static final EventFilter NONE = new EventFilter(false, List.of());

        static EventFilter parse(String value) {
            if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("on")) {
                return ALL;
            }
            if (value.trim().equalsIgnoreCase("off")) {
                return NONE;
            }
            List<String> list = new ArrayList<>();
            for (String s : value.split(",")) {
                list.add(s.trim().toLowerCase());
            }
            return new EventFilter(false, list);
        }

        boolean accepts(String privilege) {
            if (all) {
                return true;
            }
            if (classes.isEmpty() || privilege == null) {
                return false;
            }
            for (String p : privilege.split(",")) {
                if (!p.equals("all") && classes.contains(p.trim().toLowerCase())) {
                    return true;
                }
            }
            return false;
        }
    }

    private record Pending(byte[] bytes, long queuedNanos) {
    }

    AmiSession(Socket socket, AmiSimulator sim, String sessionId, long connectedMs) {
        this.socket = socket;
        this.sim = sim;
        this.sessionId = sessionId;
        this.connectedMs = connectedMs;
    }

    void start() {
        Thread writer = new Thread(this::writeLoop, "ami-sim-writer-" + socket.getPort());
        writer.setDaemon(true);
        writer.start();
        Thread reader = new Thread(this::readLoop, "ami-sim-reader-" + socket.getPort());
        reader.setDaemon(true);
        reader.start();
    }

    String localAddress() {
        return address((InetSocketAddress) socket.getLocalSocketAddress());
    }

    String remoteAddress() {
        return address((InetSocketAddress) socket.getRemoteSocketAddress());
    }

    private static String address(InetSocketAddress a) {
        boolean v6 = a.getAddress() instanceof Inet6Address;
        return (v6 ? "IPV6" : "IPV4") + "/TCP/" + a.getAddress().getHostAddress() + "/" + a.getPort();
    }

    void send(AmiMessage m) {
        send(m.toBytes());
    }

    void send(byte[] bytes) {
        if (closed) {
            return;
        }
        if (outbox.size() > MAX_QUEUED) {
            log.warn("client {} does not read its events; disconnecting it", remoteAddress());
            abort();
            return;
        }
        queuedBytes.addAndGet(bytes.length);
        outbox.add(new Pending(bytes, System.nanoTime()));
    }

    /** Sends what is queued, then closes the connection (after Logoff or a failed login). */
    void closeAfterFlush() {
        outbox.add(CLOSE);
    }

    /** Closes the socket at once with a reset, as a crashed or unplugged PBX would. */
    void abort() {
        closed = true;
        try {
            socket.setSoLinger(true, 0);
        } catch (IOException ignored) {
            // closing anyway
        }
        closeQuietly();
    }

    boolean isClosed() {
        return closed;
    }

    private void closeQuietly() {
        closed = true;
        outbox.add(CLOSE);
        try {
            socket.close();
        } catch (IOException ignored) {
            // already closed
        }
        sim.sessionClosed(this);
    }

    private void writeLoop() {
        try (OutputStream out = socket.getOutputStream()) {
            while (true) {
                Pending p = outbox.take();
                if (p == CLOSE) {
                    out.flush();
                    break;
                }
                // What was queued before this write: between two writes the queue only grows, so its peak is seen here.
                long queued = queuedBytes.getAndAdd(-p.bytes().length);
                if (!sim.isResponsive()) {
                    continue; // half-open: the socket stays up, nothing is sent
                }
                out.write(p.bytes());
                sim.written(p.bytes().length, System.nanoTime() - p.queuedNanos(), queued);
                if (outbox.isEmpty()) {
                    out.flush();
                }
            }
        } catch (IOException | InterruptedException e) {
            log.debug("writer of {} ended: {}", sessionId, e.toString());
        } finally {
            closeQuietly();
        }
    }

    private void readLoop() {
        try (InputStream in = socket.getInputStream()) {
            send(AmiSimulator.GREETING.getBytes(StandardCharsets.US_ASCII));
            ByteArrayOutputStream line = new ByteArrayOutputStream(256);
            List<String> lines = new ArrayList<>();
            boolean lineTooLong = false;
            boolean tooManyLines = false;
            boolean overflow = false;
            byte[] buf = new byte[8192];
            int n;
            while ((n = in.read(buf)) > 0) {
                for (int i = 0; i < n; i++) {
                    byte b = buf[i];
                    if (b == '\n') {
                        String text = line.toString(StandardCharsets.ISO_8859_1);
                        line.reset();
                        if (overflow) {
                            overflow = false;
                            lineTooLong = true;
                            continue;
                        }
                        if (text.endsWith("\r")) {
                            text = text.substring(0, text.length() - 1);
                        }
                        if (text.isEmpty()) {
                            if (!lines.isEmpty() || lineTooLong || tooManyLines) {
                                AmiMessage m = AmiMessage.parse(lines);
                                if (sim.isResponsive()) {
                                    sim.handle(this, m, lineTooLong, tooManyLines);
                                } else {
                                    sim.record(m);
                                }
                                if (closed) {
                                    return;
                                }
                            }
                            lines.clear();
                            lineTooLong = false;
                            tooManyLines = false;
                        } else if (lines.size() < MAX_HEADERS) {
                            lines.add(text);
                        } else {
                            tooManyLines = true;
                        }
                    } else if (line.size() >= MAX_LINE) {
                        overflow = true; // the whole line is discarded, as Asterisk does
                    } else {
                        line.write(b);
                    }
                }
            }
        } catch (IOException e) {
            log.debug("reader of {} ended: {}", sessionId, e.toString());
        } catch (RuntimeException e) {
            log.error("session {} failed", sessionId, e);
        } finally {
            closeQuietly();
        }
    }
}
