package io.firstline.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.firstline.calls.CallChange;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.firstline.calls.PbxEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

@DisplayName("a standby's witness of a PBX: what it hands over at a takeover")
class WitnessTest {

    private Witness witness = new Witness();
    private Instant t = Instant.parse("2026-11-24T10:00:00Z");

    private Instant next() {
        t = t.plusSeconds(1);
        return t;
    }

    private void call(String linkedid, boolean ends) {
        List<PbxEvent> events = new ArrayList<>(List.of(
                new PbxEvent.ChannelCreated("p", next(), linkedid + ".1", linkedid, "PJSIP/trunk-01", "+15550001111", "Sam", "helpdesk", "s"),
                new PbxEvent.QueueJoined("p", next(), linkedid + ".1", linkedid, "PJSIP/trunk-01", "+15550001111", "Sam", "software", 1),
                new PbxEvent.MemberRinging("p", next(), linkedid + ".1", linkedid, "software", "PJSIP/1001", "Alice", "PJSIP/1001-01"),
                new PbxEvent.MemberConnected("p", next(), linkedid + ".1", linkedid, "software", "PJSIP/1001", "Alice", "PJSIP/1001-01", 2, 1)));
        if (ends) {
            events.add(new PbxEvent.MemberCompleted("p", next(), linkedid + ".1", linkedid, "software", "PJSIP/1001", "Alice", 2, 30, "caller"));
            events.add(new PbxEvent.ChannelHungUp("p", next(), linkedid + ".1", linkedid, "PJSIP/trunk-01", 16, "Normal Clearing"));
        }
        events.forEach(witness::apply);
    }

    @Test
    @DisplayName("each call once, as it is last, with every timeline entry; a call up and a call ended alike; then nothing")
    void handsOverEveryCallOnce() {
        call("900.1", true);
        call("900.2", false);
        Map<String, CallView> last = new LinkedHashMap<>();
        Map<String, List<CallChange.Timeline>> entries = new LinkedHashMap<>();
        int n = witness.handOver((view, entry) -> {
            last.put(view.linkedid(), view);
            List<CallChange.Timeline> mine = entries.computeIfAbsent(view.linkedid(), k -> new ArrayList<>());
            if (entry != null) {
                mine.add(entry);
            }
        });
        assertThat(n).isEqualTo(2);
        assertThat(last.keySet()).containsExactly("900.1", "900.2");
        assertThat(last.get("900.1").endedAt()).isNotNull();
        assertThat(last.get("900.1").status()).isEqualTo(CallStatus.ANSWERED);
        assertThat(last.get("900.2").endedAt()).isNull();
        assertThat(last.get("900.2").answeredAt()).isNotNull();
        assertThat(entries.get("900.1")).hasSizeGreaterThan(entries.get("900.2").size());
        assertThat(witness.size()).isZero();
        assertThat(witness.handOver((view, entry) -> { })).isZero();
    }

    @Test
    @DisplayName("it keeps at most its bound of calls, the least recently changed going first")
    void bounded() {
        witness = new Witness(3);
        for (int i = 1; i <= 5; i++) {
            call("901." + i, true);
        }
        assertThat(witness.size()).isEqualTo(3);
        List<String> kept = new ArrayList<>();
        witness.handOver((view, entry) -> {
            if (!kept.contains(view.linkedid())) {
                kept.add(view.linkedid());
            }
        });
        assertThat(kept).containsExactly("901.3", "901.4", "901.5");
    }
}
