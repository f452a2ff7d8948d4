package org.asteriskjava.manager.internal;

import java.lang.reflect.Field;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asterisk-Java's manager connection whose socket reader builds events with {@link PrecompiledEventBuilder} instead of
 * its reflective stock builder (a fifth of the server's CPU at 50 calls/s); the events are the same. Used like
 * {@code DefaultManagerConnection}, from the thread that connects; its reader is created on that thread too.
 *
 * <p>It lives in Asterisk-Java's package because the reader's builder can only be reached from there: the builder
 * interface is package-private, and the reader keeps its builder in a private final field set in its constructor.
 * Should an upgrade of Asterisk-Java move that field, the stock builder stays and a warning says so
 * (FastEventsConnectionTest fails in CI first).
 */
public class FastEventsConnection extends ManagerConnectionImpl {

    private static final Logger log = LoggerFactory.getLogger(FastEventsConnection.class);
    private static volatile boolean warned;

    private volatile PrecompiledEventBuilder builder;

    public FastEventsConnection(String host, int port, String user, String secret) {
        setHostname(host);
        setPort(port);
        setUsername(user);
        setPassword(secret);
    }

    @Override
    protected ManagerReader createReader(Dispatcher dispatcher, Object source) {
        ManagerReader reader = super.createReader(dispatcher, source);
        builder = install(reader);
        return reader;
    }

    /** Whether the current reader builds events with the fast builder (false before the first login). */
    public boolean buildsEventsFast() {
        return builder != null;
    }

    /** Events its reader built without the stock builder's reflection (for tests). */
    public long eventsBuiltFast() {
        PrecompiledEventBuilder b = builder;
        return b == null ? 0 : b.built();
    }

    /** Swaps the reader's stock builder for one that wraps it; null (and a warning, once) where it cannot. */
    static PrecompiledEventBuilder install(ManagerReader reader) {
        try {
            if (!(reader instanceof ManagerReaderImpl)) {
                throw new IllegalStateException("the reader is a " + reader.getClass().getName());
            }
            Field field = ManagerReaderImpl.class.getDeclaredField("eventBuilder");
            field.setAccessible(true);
            if (!(field.get(reader) instanceof EventBuilder stock)) {
                throw new IllegalStateException("its eventBuilder field holds no EventBuilder");
            }
            PrecompiledEventBuilder fast = new PrecompiledEventBuilder(stock);
            field.set(reader, fast);
            return fast;
        } catch (ReflectiveOperationException | RuntimeException e) {
            if (!warned) {
                warned = true;
                log.warn("Asterisk-Java's reader could not be given Firstline's fast event builder ({}); its own, slower"
                        + " one builds the events (has Asterisk-Java been upgraded?)", e.toString());
            }
            return null;
        }
    }
}
