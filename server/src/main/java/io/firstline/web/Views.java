package io.firstline.web;

import io.firstline.auth.Agent;
import io.firstline.callers.CallerStore;
import io.firstline.desk.Outcome;
import io.firstline.kb.KbArticle;
import io.firstline.records.CallStore;
import io.firstline.records.RecordedCall;
import io.firstline.records.TimelineEntry;
import io.firstline.telephony.PbxCommands;
import io.firstline.tickets.TicketNote;
import io.firstline.tickets.TicketStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;

/** The JSON shapes of the API: one place that says how each record looks to a client. */
public final class Views {

    private Views() {
    }

    static String time(Instant t) {
        return t == null ? null : t.toString();
    }

    public static JsonObject agent(Agent a) {
        return new JsonObject().put("id", a.id()).put("username", a.username()).put("name", a.name())
                .put("role", a.role().wire()).put("interface", a.memberInterface())
                .put("stateInterface", a.stateInterface())
                .put("phone", PbxCommands.stateInterface(a.memberInterface(), a.stateInterface()).orElse(null))
                .put("active", a.active())
                .put("createdAt", time(a.createdAt()));
    }

    public static JsonObject agentRef(Long id, String name) {
        return id == null ? null : new JsonObject().put("id", id).put("name", name);
    }

    public static JsonObject profile(CallerStore.Profile p) {
        JsonArray history = new JsonArray();
        p.history().forEach(h -> history.add(h.json()));
        JsonArray open = new JsonArray();
        p.openTickets().forEach(t -> open.add(t.json()));
        return p.caller().json().put("history", history).put("openTickets", open);
    }

    public static JsonObject ticketDetail(TicketStore.Detail d) {
        JsonArray notes = new JsonArray();
        d.notes().forEach(n -> notes.add(note(n)));
        return d.ticket().json().put("notes", notes);
    }

    public static JsonObject note(TicketNote n) {
        return new JsonObject().put("id", n.id()).put("ticketId", n.ticketId())
                .put("agent", agentRef(n.agentId(), n.agentName())).put("body", n.body())
                .put("createdAt", time(n.createdAt()));
    }

    public static JsonObject article(KbArticle a) {
        return new JsonObject().put("id", a.id()).put("title", a.title()).put("problem", a.problem())
                .put("solution", a.solution()).put("category", a.category()).put("timesUsed", a.timesUsed())
                .put("createdAt", time(a.createdAt())).put("updatedAt", time(a.updatedAt()));
    }

    /** An agent as a call or an outcome names them: {id, username, name}, or null. */
    static JsonObject agentOf(Long id, String username, String name) {
        return id == null ? null : new JsonObject().put("id", id).put("username", username).put("name", name);
    }

    public static JsonObject call(RecordedCall c) {
        return new JsonObject().put("id", c.id()).put("pbx", c.pbx()).put("linkedid", c.linkedid())
                .put("callerNumber", c.callerNumber()).put("callerId", c.callerId()).put("callerName", c.callerName())
                .put("queue", c.queue()).put("menuPath", c.menuPath()).put("ticketTyped", c.ticketTyped())
                .put("status", c.status()).put("agent", agentOf(c.agentId(), c.agentUsername(), c.agentName()))
                .put("enteredAt", time(c.enteredAt())).put("answeredAt", time(c.answeredAt()))
                .put("endedAt", time(c.endedAt())).put("endedAtEstimated", c.endedAtEstimated())
                .put("waitSeconds", c.waitSeconds()).put("talkSeconds", c.talkSeconds())
                .put("callbackId", c.callbackId());
    }

    public static JsonObject callDetail(CallStore.Detail d) {
        JsonArray timeline = new JsonArray();
        d.timeline().forEach(e -> timeline.add(timelineEntry(e)));
        JsonArray outcomes = new JsonArray();
        d.outcomes().forEach(o -> outcomes.add(outcome(o)));
        JsonArray agents = new JsonArray();
        d.agents().forEach(a -> agents.add(new JsonObject().put("agent", agentOf(a.agentId(), a.agentUsername(), a.agentName()))
                .put("interface", a.memberInterface()).put("answeredAt", time(a.answeredAt()))
                .put("talkSeconds", a.talkSeconds())));
        return call(d.call()).put("endReason", d.call().endReason()).put("timeline", timeline).put("outcomes", outcomes)
                .put("agents", agents);
    }

    /** A timeline entry; fields it does not have are left out. */
    static JsonObject timelineEntry(TimelineEntry e) {
        JsonObject o = new JsonObject().put("at", time(e.at())).put("type", e.type());
        if (e.queue() != null) {
            o.put("queue", e.queue());
        }
        if (e.agentId() != null) {
            o.put("agent", agentOf(e.agentId(), e.agentUsername(), e.agentName()));
        }
        if (e.memberInterface() != null) {
            o.put("interface", e.memberInterface());
        }
        if (e.detail() != null) {
            o.put("detail", e.detail());
        }
        return o;
    }

    public static JsonObject outcome(Outcome o) {
        return new JsonObject().put("id", o.id()).put("callId", o.callId()).put("disposition", o.disposition())
                .put("notes", o.notes()).put("ticketId", o.ticketId()).put("ticketAction", o.ticketAction())
                .put("kbArticleId", o.kbArticleId()).put("newArticleId", o.newArticleId())
                .put("wrapupSeconds", o.wrapupSeconds()).put("agent", agentOf(o.agentId(), o.agentUsername(), o.agentName()))
                .put("createdAt", time(o.createdAt()));
    }
}
