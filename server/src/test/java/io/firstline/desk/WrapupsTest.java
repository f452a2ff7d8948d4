package io.firstline.desk;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.calls.CallChange;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("wrap-up: from the end of the agent's part of a call until they say they are ready")
class WrapupsTest {

    private static CallChange.MemberDone done(String linkedid, String iface) {
        Instant t = Instant.parse("2026-11-24T09:00:00Z");
        CallView call = new CallView("pbx", linkedid, "+15551234567", "Jane Doe", null, "main/software", null, "software",
                null, CallStatus.ANSWERED, t, t, t, null, iface, "Alice Agent", 3, 60, "agent", false, List.of());
        return new CallChange.MemberDone(call, iface, "agent", null);
    }

    @Test
    @DisplayName("ready gives the call and the seconds since it ended, once; the interface matches without /n and case")
    void readyOnce() {
        Wrapups w = new Wrapups(false, () -> null, Clock.systemUTC());
        w.apply(done("1795483013.0", "Local/1001@agents/n"));
        Optional<JsonObject> r = w.ready("local/1001@AGENTS", Instant.now().plusSeconds(42));
        assertThat(r).isPresent();
        assertThat(r.get().getString("linkedid")).isEqualTo("1795483013.0");
        assertThat(r.get().getLong("wrapupSeconds")).isBetween(41L, 43L);
        assertThat(r.get().getBoolean("paused")).isFalse();
        assertThat(w.ready("Local/1001@agents/n", Instant.now())).isEmpty();
    }

    @Test
    @DisplayName("only a member's finished part counts; the latest call wins; other changes and unknown members give nothing")
    void onlyMemberDone() {
        Wrapups w = new Wrapups(false, () -> null, Clock.systemUTC());
        assertThat(w.ready("Local/1002@agents/n", Instant.now())).isEmpty();
        assertThat(w.ready(null, Instant.now())).isEmpty();
        w.apply(done("a", "Local/1002@agents/n"));
        w.apply(done("b", "Local/1002@agents/n"));
        assertThat(w.ready("Local/1002@agents/n", Instant.now()).orElseThrow().getString("linkedid")).isEqualTo("b");
    }

    @Test
    @DisplayName("with the setting on but no PBX link yet, nothing is paused, so ready resumes nothing")
    void notPausedWithoutPbx() {
        Wrapups w = new Wrapups(true, () -> null, Clock.systemUTC());
        w.apply(done("c", "PJSIP/1003"));
        assertThat(w.ready("PJSIP/1003", Instant.now()).orElseThrow().getBoolean("paused")).isFalse();
    }

    private static CallChange.MemberChanged member(String iface, io.firstline.calls.MemberState state, String reason) {
        boolean paused = state == io.firstline.calls.MemberState.PAUSED || reason != null;
        return member(iface, state, paused, reason);
    }

    private static CallChange.MemberChanged member(String iface, io.firstline.calls.MemberState state, boolean paused,
            String reason) {
        return new CallChange.MemberChanged(new io.firstline.calls.MemberView("pbx", iface, "Alice Agent",
                java.util.Set.of("software"), state, paused, reason, Instant.now(), null));
    }

    @Test
    @DisplayName("the server's wrap-up pause is ended by ready; a pause the agent or a supervisor chose is left alone")
    void onlyOurOwnPauseIsEnded() {
        io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
        try {
            io.firstline.telephony.PbxCommands pbx = new io.firstline.telephony.PbxCommands(vertx, List.of());
            String alice = "Local/1001@agents/n";
            Wrapups w = new Wrapups(true, () -> pbx, Clock.systemUTC());

            w.apply(done("d", alice));
            w.apply(member(alice, io.firstline.calls.MemberState.PAUSED, Wrapups.REASON));
            assertThat(w.ready(alice, Instant.now()).orElseThrow().getBoolean("paused")).as("our wrap-up pause").isTrue();

            w.apply(member(alice, io.firstline.calls.MemberState.AVAILABLE, null));
            w.apply(done("e", alice));
            w.apply(member(alice, io.firstline.calls.MemberState.PAUSED, "Team meeting"));
            assertThat(w.ready(alice, Instant.now()).orElseThrow().getBoolean("paused")).as("a supervisor's pause since").isFalse();

            // Paused for lunch during the call: no wrap-up pause on top, and ready does not end lunch.
            w.apply(member(alice, io.firstline.calls.MemberState.IN_CALL, "lunch"));
            w.apply(done("f", alice));
            assertThat(w.ready(alice, Instant.now()).orElseThrow().getBoolean("paused")).as("lunch").isFalse();

            // Paused without a reason during the call (the state says only "in a call"): left alone as well.
            w.apply(member(alice, io.firstline.calls.MemberState.AVAILABLE, null));
            w.apply(member(alice, io.firstline.calls.MemberState.IN_CALL, true, null));
            w.apply(done("g", alice));
            assertThat(w.ready(alice, Instant.now()).orElseThrow().getBoolean("paused")).as("no reason").isFalse();
        } finally {
            vertx.close();
        }
    }
}
