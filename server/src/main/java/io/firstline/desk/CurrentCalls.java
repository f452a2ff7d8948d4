package io.firstline.desk;

import io.firstline.calls.CallTracker;
import io.firstline.calls.CallView;
import io.firstline.calls.MemberView;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Optional;

/**
 * Answers the desktop's question "which call am I talking on, and on which channel?" from the call
 * tracker, for blind transfers. Registered on the call flow's context, so the tracker is read there.
 */
public final class CurrentCalls {

    /**
     * Request {@code {"interface"}}; reply {@code {"pbx", "linkedid", "channel", "callerNumber", "queue"}},
     * or {@code {}} when the member talks on no call.
     */
    public static final String ADDRESS = "desk.call.current";

    /**
     * Request {@code {"interface"}}; reply the member as the PBX reports it now,
     * {@code {"state", "pauseReason", "since", "queues", "pbx", "interface"}}, or {@code {}} when unknown.
     */
    public static final String MEMBER_ADDRESS = "desk.member.state";

    private CurrentCalls() {
    }

    public static void register(Vertx vertx, CallTracker tracker) {
        vertx.eventBus().<JsonObject>consumer(ADDRESS, m -> m.reply(find(tracker, m.body().getString("interface"))
                .orElseGet(JsonObject::new)));
        vertx.eventBus().<JsonObject>consumer(MEMBER_ADDRESS, m -> m.reply(member(tracker, m.body().getString("interface"))
                .orElseGet(JsonObject::new)));
    }

    static Optional<JsonObject> member(CallTracker tracker, String memberInterface) {
        if (memberInterface == null) {
            return Optional.empty();
        }
        String wanted = key(memberInterface);
        return tracker.members().stream().filter(m -> key(m.memberInterface()).equals(wanted)).findFirst()
                .map(m -> new JsonObject().put("state", m.state().wire()).put("pauseReason", m.pauseReason())
                        .put("since", m.since() == null ? null : m.since().toString())
                        .put("queues", new io.vertx.core.json.JsonArray(java.util.List.copyOf(m.queues())))
                        .put("pbx", m.pbx()).put("interface", m.memberInterface()));
    }

    static Optional<JsonObject> find(CallTracker tracker, String memberInterface) {
        if (memberInterface == null) {
            return Optional.empty();
        }
        String wanted = key(memberInterface);
        for (MemberView m : tracker.members()) {
            if (!key(m.memberInterface()).equals(wanted)) {
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

    private static String key(String memberInterface) {
        String k = memberInterface.toLowerCase(Locale.ROOT);
        return k.endsWith("/n") ? k.substring(0, k.length() - 2) : k;
    }
}
