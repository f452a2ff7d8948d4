package io.firstline;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A real TCP proxy on 127.0.0.1 between a client and a server, for outage tests: it forwards, or
 * black-holes (sockets stay open, nothing passes either way: the worst case, reads hang), or cuts
 * (every connection closed, new ones closed at once), and resumes forwarding. Two threads per
 * connection copy the bytes; a byte read while black-holed waits until the proxy forwards again or
 * cuts. Thread-safe.
 */
public final class TcpProxy implements AutoCloseable {

    /** What the proxy does with traffic. */
    public enum Mode { FORWARD, BLACK_HOLE, CUT }

    private final String targetHost;
    private final int targetPort;
    private final ServerSocket server;
    private final List<Socket> open = new ArrayList<>();
    private final AtomicLong accepted = new AtomicLong();
    private Mode mode = Mode.FORWARD;
    private volatile boolean closed;

    public TcpProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "tcp-proxy-accept-" + server.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    public int port() {
        return server.getLocalPort();
    }

    /** The port it forwards to. */
    public int targetPort() {
        return targetPort;
    }

    /** Connections accepted so far. */
    public long accepted() {
        return accepted.get();
    }

    /** Stops forwarding; connections stay open and anything sent waits. */
    public void blackHole() {
        set(Mode.BLACK_HOLE);
    }

    /** Closes every connection, and closes each new one at once. */
    public void cut() {
        List<Socket> toClose;
        synchronized (this) {
            mode = Mode.CUT;
            notifyAll();
            toClose = List.copyOf(open);
            open.clear();
        }
        toClose.forEach(TcpProxy::quietly);
    }

    /** Forwards again (what waited while black-holed goes on). */
    public void resume() {
        set(Mode.FORWARD);
    }

    public synchronized Mode mode() {
        return mode;
    }

    private synchronized void set(Mode m) {
        mode = m;
        notifyAll();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            Thread t = new Thread(() -> connect(client), "tcp-proxy-connect");
            t.setDaemon(true);
            t.start();
        }
    }

    /** Connects a new client upstream once the proxy forwards (at once unless black-holed). */
    private void connect(Socket client) {
        synchronized (this) {
            if (mode == Mode.CUT || closed) {
                quietly(client);
                return;
            }
            open.add(client);
        }
        if (!awaitForwarding()) {
            quietly(client);
            return;
        }
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(targetHost, targetPort), 5000);
        } catch (IOException e) {
            quietly(client);
            quietly(upstream);
            return;
        }
        synchronized (this) {
            if (mode == Mode.CUT || closed) {
                quietly(client);
                quietly(upstream);
                return;
            }
            open.add(upstream);
        }
        pump(client, upstream, "up");
        pump(upstream, client, "down");
    }

    private void pump(Socket from, Socket to, String way) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) >= 0) {
                    if (!awaitForwarding()) {
                        break;
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // one side closed: close both below
            } finally {
                quietly(from);
                quietly(to);
                synchronized (TcpProxy.this) {
                    open.remove(from);
                    open.remove(to);
                }
            }
        }, "tcp-proxy-" + way);
        t.setDaemon(true);
        t.start();
    }

    /** Waits while black-holed; false once cut or closed. */
    private synchronized boolean awaitForwarding() {
        while (mode == Mode.BLACK_HOLE && !closed) {
            try {
                wait();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return mode == Mode.FORWARD && !closed;
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException e) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException e) {
            // already closed
        }
        cut();
    }
}
