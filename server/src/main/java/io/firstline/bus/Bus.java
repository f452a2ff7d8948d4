package io.firstline.bus;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Every event-bus address of Firstline and what travels on it: the one place to read the contracts
 * between the call flow (which owns the call tracker, the pops and the board) and the web side, and between
 * the nodes of a cluster, whose event bus spans them all.
 * Bodies are JSON objects or plain values that Vert.x copies on local delivery, so no sender and
 * no receiver ever share a mutable object.
 *
 * <p>A <em>question</em> has one answerer and a reply; a <em>notice</em> is published to whoever listens.
 */
public final class Bus {

    /** A question: body {@code B}, reply {@code R}. */
    public record Question<B, R>(String name) {
    }

    /** A notice: body {@code B}, no reply. */
    public record Notice<B>(String name) {
    }

    // --- questions, answered on the call flow's context ----------------------------------------------------------

    /**
     * Body: an agent's id. Reply: what a desktop that (re)connects is owed first, in order: its
     * {@code agent.state} message and the message of its current call, if any.
     */
    public static final Question<Long, JsonArray> DESK_SNAPSHOT = new Question<>("desk.snapshot");

    /**
     * Body: a queue-member interface (compared without FreePBX's trailing {@code /n}). Reply: the member
     * as the PBX reports it now, {@code {"state", "pauseReason", "since", "queues" (sorted), "pbx", "interface"}};
     * fails with 404 when the PBX has not reported that member.
     */
    public static final Question<String, JsonObject> MEMBER_STATE = new Question<>("calls.member.state");

    /**
     * Body: a queue-member interface. Reply: the call the member talks on,
     * {@code {"pbx", "linkedid", "channel", "callerNumber", "queue", "interface"}}, or {@code {}} when none.
     */
    public static final Question<String, JsonObject> CURRENT_CALL = new Question<>("desk.call.current");

    /**
     * Body: a queue-member interface whose agent says "ready". Reply: the call just wrapped up,
     * {@code {"pbx", "linkedid", "endedAt", "wrapupSeconds", "paused"}}, or {@code {}} when there is none.
     */
    public static final Question<String, JsonObject> WRAPUP_READY = new Question<>("desk.wrapup.ready");

    /** Body: nothing. Reply: the whole live board (docs/api.md, {@code GET /api/board}). */
    public static final Question<Void, JsonObject> BOARD_SNAPSHOT = new Question<>("board.snapshot");

    /**
     * Body: true for a wall screen's form. Reply: {@code {"seq", "text"}}, the whole board as its followers are kept up to
     * date ({@code board.update} with that {@code seq}, as JSON text), for a socket that starts to follow or that missed a
     * {@code board.delta}: the deltas on {@link #BOARD_UPDATES} whose {@code seq} is one more follow it.
     */
    public static final Question<Boolean, JsonObject> BOARD_FOLLOW = new Question<>("board.follow");

    /**
     * Cluster mode. Body: a command for the PBX ({@code {"action": "QueuePause" | "QueueAdd" | "QueueRemove" | "Originate"
     * | "Spy" | "BlindTransfer", …}}, as {@code PbxCommands} makes it). Reply: Asterisk's answer, {@code {"success",
     * "message", "fields"}}; fails with 503 when the PBX is not connected or no longer followed there. Answered only by
     * the node that follows the PBX now.
     */
    public static Question<JsonObject, JsonObject> pbxCommand(String pbx) {
        return new Question<>("pbx.command." + pbx);
    }

    /**
     * Cluster mode. Body: an agent's id. Reply: as {@link #DESK_SNAPSHOT}, of that one PBX's calls and members; answered
     * only by the node that follows the PBX now, and asked by the node that answers {@link #DESK_SNAPSHOT}.
     */
    public static Question<Long, JsonArray> deskSnapshot(String pbx) {
        return new Question<>("desk.snapshot." + pbx);
    }

    // --- notices --------------------------------------------------------------------------------------------------

    /** Body: the id of an agent created or changed: the call flow reads the agents' interfaces again. */
    public static final Notice<Long> AGENTS_CHANGED = new Notice<>("agents.changed");

    /**
     * Body: nothing. Outcomes, wrap-up times or ended calls were written: the board reads today's
     * figures again soon.
     */
    public static final Notice<Void> FIGURES_CHANGED = new Notice<>("board.figures.changed");

    /**
     * Body: nothing. An administrator changed the run-time settings (pause reasons, desk queues, thresholds): every
     * holder of them reads them again from the database, and the board draws its tiles with them.
     */
    public static final Notice<Void> SETTINGS_CHANGED = new Notice<>("settings.changed");

    /**
     * Body: what changed on the board since the previous delta, {@code {"type": "board.delta", "seq", "base", …}}
     * (docs/api.md), as JSON text; its {@code seq} also in the header {@link #SEQ}, so that the fan-out need not parse it.
     */
    public static final Notice<String> BOARD_UPDATES = new Notice<>("board.updates");

    /**
     * Cluster mode. Body: {@code {"boards": true|false, "wallScreens": true|false}}, which forms of the board sockets on
     * the sending node follow; sent every {@code BoardFollowers.REMOTE_EVERY_MS} while any does, so that the node that
     * builds the board builds it for them (and not when nobody anywhere follows it).
     */
    public static final Notice<JsonObject> BOARD_FOLLOWED = new Notice<>("board.followed");

    /** Body: the same delta as a wall screen shows it (without who is calling), as JSON text; header {@link #SEQ}. */
    public static final Notice<String> WALL_SCREEN_UPDATES = new Notice<>("board.updates.wall-screen");

    /**
     * Sessions have ended: published by the node that ended them, once the database says so, to every node's socket
     * hub, which forgets them from its cache of sessions and closes their sockets (4401) at once. Body:
     * {@code {"session": hash}} when one session signed out, or {@code {"agent": id, "keep": hash}} when all of a
     * person's sessions ended (deactivated, a new role, a new password) but the one with that hash ({@code keep} absent:
     * none kept). A hash is the SHA-256 of the token in hex ({@code Accounts.hash}), as the database keeps it: a
     * cluster's bus crosses the network, and a hash names a session as well as its token, without being one.
     */
    public static final Notice<JsonObject> SESSIONS_ENDED = new Notice<>("auth.sessions.ended");

    /**
     * Body: the id of a kiosk screen a supervisor revoked, published by the node that did it: every node forgets the
     * screens it has cached and closes that screen's sockets (4401) at once.
     */
    public static final Notice<Long> KIOSK_REVOKED = new Notice<>("auth.kiosk.revoked");

    /**
     * Cluster mode, on this node only: it is joined to other nodes again after it lost one (a node that left, or the
     * network between them split and healed). What crossed the bus meanwhile may be lost or late: every desktop here is
     * greeted again, and its state and current call sent anew (docs/calls.md, "hello"). No body.
     */
    public static final Notice<Boolean> CLUSTER_REJOINED = new Notice<>("cluster.rejoined");

    /** The header of a numbered notice that carries its number. */
    public static final String SEQ = "seq";

    private static final String TO_AGENT = "desk.agent.";

    /** Body: one message for an agent's desktops ({@code agent.state}, {@code call.*}; docs/calls.md). */
    public static Notice<JsonObject> toAgent(long agentId) {
        return new Notice<>(TO_AGENT + agentId);
    }

    /** Whether an address is some agent's {@link #toAgent}. */
    public static boolean isToAgent(String address) {
        return address.startsWith(TO_AGENT);
    }

    private Bus() {
    }

    public static <B, R> Future<R> ask(Vertx vertx, Question<B, R> q, B body) {
        return vertx.eventBus().<R>request(q.name(), body).map(Message::body);
    }

    /** As {@link #ask(Vertx, Question, Object)}, failing with a timeout after {@code timeoutMs}. */
    public static <B, R> Future<R> ask(Vertx vertx, Question<B, R> q, B body, long timeoutMs) {
        return vertx.eventBus().<R>request(q.name(), body, new DeliveryOptions().setSendTimeout(timeoutMs)).map(Message::body);
    }

    /**
     * Answers a question on the calling context with what the future brings; when it fails, the question fails with
     * {@code failureCode} and the failure's message.
     */
    public static <B, R> MessageConsumer<B> answerLater(Vertx vertx, Question<B, R> q, Function<B, Future<R>> answer,
            int failureCode) {
        return vertx.eventBus().<B>consumer(q.name(), m -> {
            Future<R> f;
            try {
                f = answer.apply(m.body());
            } catch (RuntimeException e) {
                f = Future.failedFuture(e);
            }
            f.onComplete(ar -> {
                if (ar.succeeded()) {
                    m.reply(ar.result());
                } else {
                    m.fail(failureCode, String.valueOf(ar.cause().getMessage()));
                }
            });
        });
    }

    /**
     * Answers a question in two steps: {@code prepare} on the calling context (what it must read there), then the work
     * it gives on {@code worker}, which sends the answer itself, ahead of what that thread sends after it.
     */
    public static <B, R> MessageConsumer<B> answerOn(Vertx vertx, Question<B, R> q, WorkerExecutor worker,
            Function<B, Future<Callable<R>>> prepare) {
        return vertx.eventBus().<B>consumer(q.name(), m -> {
            Future<Callable<R>> prepared;
            try {
                prepared = prepare.apply(m.body());
            } catch (RuntimeException e) {
                prepared = Future.failedFuture(e);
            }
            prepared.onFailure(e -> m.fail(500, String.valueOf(e.getMessage()))).onSuccess(work -> worker.executeBlocking(() -> {
                try {
                    m.reply(work.call());
                } catch (Exception e) {
                    org.slf4j.LoggerFactory.getLogger(Bus.class).error("{} could not be answered", q.name(), e);
                    m.fail(500, String.valueOf(e.getMessage()));
                }
                return null;
            }, true));
        });
    }

    /** Answers a question on the calling context. */
    public static <B, R> MessageConsumer<B> answer(Vertx vertx, Question<B, R> q, Function<B, R> answer) {
        return vertx.eventBus().<B>consumer(q.name(), m -> m.reply(answer.apply(m.body())));
    }

    /**
     * Answers a question on the calling context, or fails it with 404 and {@code notFound} as the
     * message when there is no answer.
     */
    public static <B, R> MessageConsumer<B> answerOrFail(Vertx vertx, Question<B, R> q, Function<B, Optional<R>> answer,
            String notFound) {
        return vertx.eventBus().<B>consumer(q.name(), m -> answer.apply(m.body())
                .ifPresentOrElse(m::reply, () -> m.fail(404, notFound)));
    }

    public static <B> void publish(Vertx vertx, Notice<B> n, B body) {
        vertx.eventBus().publish(n.name(), body);
    }

    /** Publishes to the listeners on this node only, never across the cluster. */
    public static <B> void publishHere(Vertx vertx, Notice<B> n, B body) {
        vertx.eventBus().publish(n.name(), body, new DeliveryOptions().setLocalOnly(true));
    }

    public static <B> void publish(Vertx vertx, Notice<B> n, B body, DeliveryOptions options) {
        vertx.eventBus().publish(n.name(), body, options);
    }

    /** Listens on the calling context. */
    public static <B> MessageConsumer<B> listen(Vertx vertx, Notice<B> n, Consumer<B> listener) {
        return vertx.eventBus().<B>consumer(n.name(), m -> listener.accept(m.body()));
    }

    /** Listens on the calling context to a numbered notice: the body and its {@link #SEQ}. */
    public static <B> MessageConsumer<B> listenNumbered(Vertx vertx, Notice<B> n, java.util.function.ObjLongConsumer<B> listener) {
        return vertx.eventBus().<B>consumer(n.name(), m -> listener.accept(m.body(), Long.parseLong(m.headers().get(SEQ))));
    }

    /** Publishes a numbered notice. */
    public static <B> void publishNumbered(Vertx vertx, Notice<B> n, B body, long seq) {
        vertx.eventBus().publish(n.name(), body, new DeliveryOptions().addHeader(SEQ, Long.toString(seq)));
    }
}
