package io.firstline.telephony.agi;

import io.firstline.phone.PhoneMenuStore;
import io.firstline.phone.PhoneNumbers;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The FastAGI server the phone menu calls ({@code agi://HOST:4573/identify} …), listening on the
 * configured address only. Each connection is one {@link AgiSession} on this verticle's event
 * loop; thousands can be open at once, and each answers within a bound time.
 */
public final class AgiVerticle extends VerticleBase {

    private static final Logger log = LoggerFactory.getLogger(AgiVerticle.class);

    private final String host;
    private final int port;
    private final PhoneMenuStore store;
    private final PhoneNumbers phones;
    private final PhoneMenuStore.PinLimit pinLimit;
    private PhoneMenuScripts scripts;
    private final AtomicInteger sessions = new AtomicInteger();
    private NetServer server;

    public AgiVerticle(String host, int port, PhoneMenuStore store, PhoneNumbers phones, PhoneMenuStore.PinLimit pinLimit) {
        this.host = host;
        this.port = port;
        this.store = store;
        this.phones = phones;
        this.pinLimit = pinLimit;
    }

    @Override
    public Future<?> start() {
        scripts = new PhoneMenuScripts(vertx, store, phones, pinLimit);
        NetServerOptions options = new NetServerOptions().setHost(host).setPort(port).setTcpNoDelay(true)
                .setAcceptBacklog(1024);
        return vertx.createNetServer(options)
                .connectHandler(socket -> new AgiSession(vertx, socket, scripts, sessions).start())
                .listen()
                .onSuccess(s -> {
                    server = s;
                    log.info("FastAGI listening on {}:{}", host, s.actualPort());
                });
    }

    public int actualPort() {
        return server.actualPort();
    }

    /** Sessions open now. */
    public int openSessions() {
        return sessions.get();
    }
}
