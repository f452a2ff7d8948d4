package org.asteriskjava.manager.internal;

/**
 * Asterisk-Java's manager connection with Firstline's socket reader, {@link DirectManagerReader}: the same events and
 * responses, built by {@link PrecompiledEventBuilder} instead of Asterisk-Java's reflective builder (a fifth of the
 * server's CPU at 50 calls/s), and handed to the listeners on the reader's thread instead of through a queue that drops
 * events when full. Used like {@code DefaultManagerConnection}, from the thread that connects.
 *
 * <p>It lives in Asterisk-Java's package because the reader and its builder can only be made there: the builder and
 * dispatcher interfaces are package-private. {@link #createReader} is Asterisk-Java's own hook for another reader
 * (FastEventsConnectionTest fails in CI first should an upgrade change it).
 */
public class FastEventsConnection extends ManagerConnectionImpl {

    private volatile DirectManagerReader reader;

    public FastEventsConnection(String host, int port, String user, String secret) {
        setHostname(host);
        setPort(port);
        setUsername(user);
        setPassword(secret);
    }

    @Override
    protected ManagerReader createReader(Dispatcher dispatcher, Object source) {
        DirectManagerReader r = new DirectManagerReader(dispatcher, source);
        reader = r;
        return r;
    }

    /** Whether the connection has made its reader, Firstline's (false before the first login). */
    public boolean buildsEventsFast() {
        return reader != null;
    }

    /** Events its reader built without the stock builder's reflection (for tests). */
    public long eventsBuiltFast() {
        DirectManagerReader r = reader;
        return r == null ? 0 : r.eventBuilder().built();
    }
}
