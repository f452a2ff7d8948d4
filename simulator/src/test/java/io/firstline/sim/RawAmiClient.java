// A minimal AMI client over a plain socket for byte-level tests; used by one test thread at a time.
package io.firstline.sim;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;

final class RawAmiClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    final String greeting;

    RawAmiClient(int port) throws IOException {
        socket = new Socket("127.0.0.1", port);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        greeting = new String(readExactly(AmiSimulator.GREETING.length()), StandardCharsets.US_ASCII);
    }

    void send(String... lines) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (String l : lines) {
            sb.append(l).append("\r\n");
        }
        sb.append("\r\n");
        sendRaw(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
    }

    void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    void login() throws IOException {
        send("Action: Login", "ActionID: login-1", "Username: firstline", "Secret: firstline-secret", "Events: on");
        AmiMessage r = next();
        if (!"Success".equals(r.get("Response"))) {
            throw new IllegalStateException("login failed: " + r);
        }
        nextWhere(m -> "SuccessfulAuth".equals(m.eventName()), Duration.ofSeconds(5));
    }

    void timeout(Duration d) throws IOException {
        socket.setSoTimeout((int) d.toMillis());
    }

    byte[] readExactly(int n) throws IOException {
        while (pending.size() < n) {
            fill();
        }
        byte[] all = pending.toByteArray();
        pending.reset();
        pending.write(all, n, all.length - n);
        return Arrays.copyOf(all, n);
    }

    private void fill() throws IOException {
        byte[] buf = new byte[65536];
        int r = in.read(buf);
        if (r < 0) {
            throw new IOException("connection closed by the simulator");
        }
        pending.write(buf, 0, r);
    }

    /** The raw bytes of the next message, CRLF CRLF included. */
    byte[] nextRaw() throws IOException {
        while (true) {
            byte[] all = pending.toByteArray();
            String s = new String(all, StandardCharsets.ISO_8859_1);
            int end = s.indexOf("\r\n\r\n");
            if (end >= 0) {
                return readExactly(end + 4);
            }
            fill();
        }
    }

    AmiMessage next() throws IOException {
        String s = new String(nextRaw(), StandardCharsets.ISO_8859_1);
        return AmiMessage.parse(Arrays.asList(s.substring(0, s.length() - 4).split("\r\n", -1)));
    }

    AmiMessage nextWhere(Predicate<AmiMessage> p, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            AmiMessage m = next();
            if (p.test(m)) {
                return m;
            }
        }
        throw new SocketTimeoutException("no matching message within " + timeout);
    }

    /** Messages until (and including) the first one matching {@code last}. */
    List<AmiMessage> until(Predicate<AmiMessage> last, Duration timeout) throws IOException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<AmiMessage> list = new ArrayList<>();
        while (System.nanoTime() < deadline) {
            AmiMessage m = next();
            list.add(m);
            if (last.test(m)) {
                return list;
            }
        }
        throw new SocketTimeoutException("end not seen within " + timeout + " after " + list.size() + " messages");
    }

    /** True when the simulator closed the connection (EOF or reset) before sending anything more. */
    boolean closedByPeer() {
        try {
            while (true) {
                byte[] buf = new byte[4096];
                int r = in.read(buf);
                if (r < 0) {
                    return true;
                }
            }
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
