package io.firstline.desk;

import io.firstline.bus.Bus;
import io.firstline.calls.CallTracker;
import io.firstline.calls.CallView;
import io.firstline.calls.MemberView;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * Answers, from the call tracker, "what is this member doing?" ({@link Bus#MEMBER_STATE}) and "which
 * call am I talking on, and on which channel?" ({@link Bus#CURRENT_CALL}, for blind transfers).
 * Registered on the call flow's context, so the tracker is read there.
 */
public final class CurrentCalls {

    private CurrentCalls() {
    }

    public static List<MessageConsumer<String>> register(Vertx vertx, CallTracker tracker) {
        return List.of(Bus.answer(vertx, Bus.CURRENT_CALL, iface -> find(tracker, iface).orElseGet(JsonObject::new)),
                Bus.answerOrFail(vertx, Bus.MEMBER_STATE, iface -> member(tracker, iface), "not a queue member"));
    }

    /** One JSON shape for a member's state, for the desk's and the board's questions alike. */
    static Optional<JsonObject> member(CallTracker tracker, String memberInterface) {
        if (memberInterface == null) {
            return Optional.empty();
        }
        String wanted = MemberView.interfaceKey(memberInterface);
        return tracker.members().stream().filter(m -> MemberView.interfaceKey(m.memberInterface()).equals(wanted)).findFirst()
                .map(m -> new JsonObject().put("state", m.state().wire())
                        .put("paused", m.paused()).put("pauseReason", m.pauseReason())
                        .put("since", m.since() == null ? null : m.since().toString())
                        .put("queues", new io.vertx.core.json.JsonArray(new java.util.ArrayList<>(new java.util.TreeSet<>(m.queues()))))
                        .put("pbx", m.pbx()).put("interface", m.memberInterface()));
    }

    static Optional<JsonObject> find(CallTracker tracker, String memberInterface) {
        if (memberInterface == null) {
            return Optional.empty();
        }
        String wanted = MemberView.interfaceKey(memberInterface);
        for (MemberView m : tracker.members()) {
            if (!MemberView.interfaceKey(m.memberInterface()).equals(wanted)) {
                continue;
            }
            Optional<String> channel = tracker.connectedChannel(m.pbx(), m.memberInterface());
            Optional<CallView> call = tracker.callOf(m.pbx(), m.memberInterface());
            if (channel.isPresent() && call.isPresent()) {
                return Optional.of(new JsonObject().put("pbx", m.pbx()).put("linkedid", call.get().linkedid())
                        .put("channel", channel.get()).put("callerNumber", call.get().callerNumber())
                        .put("queue", call.get().queue()).put("interface", m.memberInterface()));
            }
        }
        return Optional.empty();
    }
}
