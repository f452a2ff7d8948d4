package io.firstline.telephony;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.LoggerFactory;

/**
 * Asterisk-Java hands each event from its reader thread to its listeners through a queue of 20,000;
 * when the queue is full it drops the event and only logs so. This hears that log line (on the reader
 * thread that dropped the event) and tells the link whose reader it is, so that a lost event is never
 * lost silently.
 */
final class DroppedEvents extends AppenderBase<ILoggingEvent> {

    private static final String PUMP_LOGGER = "org.asteriskjava.manager.internal.AsyncEventPump";
    private static final String PUMP_THREAD_SUFFIX = ":AsyncEventPump";
    private static final DroppedEvents INSTANCE = new DroppedEvents();

    /** Asterisk-Java's reader threads by name, each with the link (and its connection's generation) it reads for. */
    private final Map<String, Reader> readers = new ConcurrentHashMap<>();

    record Reader(AmiLink link, long generation) {
    }

    private DroppedEvents() {
    }

    /** Starts listening to Asterisk-Java's queue, once; false when the logging is not Logback's. */
    static synchronized boolean install() {
        if (INSTANCE.isStarted()) {
            return true;
        }
        if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
            return false;
        }
        INSTANCE.setContext(context);
        INSTANCE.setName("firstline-dropped-ami-events");
        INSTANCE.start();
        Logger pump = context.getLogger(PUMP_LOGGER);
        pump.addAppender(INSTANCE);
        return true;
    }

    /**
     * Called by a link's listener, on the thread that hands it events: that thread's name is its reader's, plus
     * Asterisk-Java's suffix.
     */
    static void heardFrom(String dispatchThread, AmiLink link, long generation) {
        if (dispatchThread.endsWith(PUMP_THREAD_SUFFIX)) {
            String reader = dispatchThread.substring(0, dispatchThread.length() - PUMP_THREAD_SUFFIX.length());
            Reader known = INSTANCE.readers.get(reader);
            if (known == null || known.link() != link || known.generation() != generation) {
                // a new connection of the link has a new reader thread: the old one's entry would stay for ever
                INSTANCE.readers.entrySet().removeIf(e -> e.getValue().link() == link && !e.getKey().equals(reader));
                INSTANCE.readers.put(reader, new Reader(link, generation));
            }
        }
    }

    /** How many reader threads it knows for a link: one once the link has had events. */
    static long readersOf(AmiLink link) {
        return INSTANCE.readers.values().stream().filter(r -> r.link() == link).count();
    }

    /** Forgets a link's readers (the link is closed). */
    static void forget(AmiLink link) {
        INSTANCE.readers.values().removeIf(r -> r.link() == link);
    }

    @Override
    protected void append(ILoggingEvent e) {
        if (e.getLevel() != Level.ERROR || !e.getFormattedMessage().contains("Event queue is full")) {
            return;
        }
        Reader r = readers.get(e.getThreadName());
        if (r != null) {
            r.link().eventDropped(r.generation());
        }
    }
}
