package io.firstline.telephony.agi;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One FastAGI connection: reads Asterisk's {@code agi_*} environment block, runs the script it
 * names, and speaks AGI commands ({@code SET VARIABLE}, {@code GET VARIABLE}) one at a time,
 * each answered by a {@code 200 result=…} line. Every input is hostile: long lines, too many
 * lines, silence and garbage end the session without harm. Runs on the AGI verticle's event loop.
 */
final class AgiSession implements AgiChannel {

    private static final Logger log = LoggerFactory.getLogger(AgiSession.class);
    static final int MAX_LINE = 4096;
    static final int MAX_ENV_LINES = 100;
    /** How long Asterisk may take to send its environment or to answer a command. */
    static final long ASTERISK_TIMEOUT_MS = 5_000;
    private static final Pattern RESULT = Pattern.compile("200 result=(-?\\d+)(?: \\((.*)\\))?.*");

    private final Vertx vertx;
    private final NetSocket socket;
    private final PhoneMenuScripts scripts;
    private final AtomicInteger open;
    private final Map<String, String> env = new HashMap<>();
    private final Queue<Promise<String>> waiting = new ArrayDeque<>();
    private boolean envDone;
    private boolean closed;
    private long timer = -1;

    AgiSession(Vertx vertx, NetSocket socket, PhoneMenuScripts scripts, AtomicInteger open) {
        this.vertx = vertx;
        this.socket = socket;
        this.scripts = scripts;
        this.open = open;
    }

    void start() {
        open.incrementAndGet();
        RecordParser parser = RecordParser.newDelimited("\n", this::line).maxRecordSize(MAX_LINE);
        parser.exceptionHandler(e -> close("line too long"));
        socket.handler(parser);
        socket.exceptionHandler(e -> close(e.getMessage()));
        socket.closeHandler(v -> {
            closed = true;
            open.decrementAndGet();
            cancelTimer();
            Promise<String> p;
            while ((p = waiting.poll()) != null) {
                p.tryFail("Asterisk closed the AGI connection");
            }
        });
        armTimer(() -> "no AGI environment");
    }

    private void line(Buffer b) {
        String text = b.toString(StandardCharsets.UTF_8);
        if (text.endsWith("\r")) {
            text = text.substring(0, text.length() - 1);
        }
        if (!envDone) {
            if (text.isEmpty()) {
                envDone = true;
                cancelTimer();
                run();
                return;
            }
            int colon = text.indexOf(':');
            if (colon <= 0 || !text.startsWith("agi_") || env.size() >= MAX_ENV_LINES) {
                close("not an AGI environment line");
                return;
            }
            env.put(text.substring(0, colon), text.substring(colon + 1).strip());
            return;
        }
        Promise<String> p = waiting.poll();
        if (p == null) {
            return; // e.g. "HANGUP" when the caller hung up while nothing was asked
        }
        cancelTimer();
        Matcher m = RESULT.matcher(text);
        if (m.matches()) {
            p.complete(m.group(2) != null ? m.group(2) : m.group(1));
        } else {
            p.fail("Asterisk answered: " + clip(text));
        }
    }

    private void run() {
        AgiRequest request = AgiRequest.of(env);
        scripts.run(request, this).onComplete(ar -> {
            if (ar.failed()) {
                log.debug("AGI {} on {}: {}", request.script(), request.channel(), ar.cause().getMessage());
            }
            close(null);
        });
    }

    @Override
    public Future<String> setVariable(String name, String value) {
        return command("SET VARIABLE", name + " \"" + quote(value) + "\"");
    }

    @Override
    public Future<String> getVariable(String name) {
        return command("GET VARIABLE", name);
    }

    private Future<String> command(String verb, String arguments) {
        if (closed) {
            return Future.failedFuture("the AGI connection is closed");
        }
        Promise<String> p = Promise.promise();
        waiting.add(p);
        socket.write(verb + " " + arguments + "\n");
        armTimer(() -> "no answer to " + verb);
        return p.future();
    }

    /** AGI arguments are parsed like a shell's: backslash and double quote are escaped, control characters dropped. */
    static String quote(String value) {
        StringBuilder sb = new StringBuilder(value.length());
        value.codePoints().limit(512).forEach(c -> {
            if (c == '\\' || c == '"') {
                sb.append('\\').appendCodePoint(c);
            } else if (c >= 0x20 && c != 0x7f) {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    private void armTimer(Supplier<String> why) {
        cancelTimer();
        timer = vertx.setTimer(ASTERISK_TIMEOUT_MS, id -> close(why.get()));
    }

    private void cancelTimer() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
            timer = -1;
        }
    }

    private void close(String why) {
        if (closed) {
            return;
        }
        closed = true;
        if (why != null) {
            log.debug("AGI session closed: {}", why);
        }
        cancelTimer();
        socket.close();
    }

    private static String clip(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "…" : s;
    }
}
