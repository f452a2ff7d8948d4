// Asterisk-Java's ManagerConnection (Challenge/MD5 login) against the simulator: typed events of a generated call, QueuePause; real sockets, JUnit thread plus Asterisk-Java's reader thread.
package io.firstline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.asteriskjava.manager.ManagerConnection;
import org.asteriskjava.manager.ManagerConnectionFactory;
import org.asteriskjava.manager.action.QueuePauseAction;
import org.asteriskjava.manager.event.AgentCompleteEvent;
import org.asteriskjava.manager.event.AgentConnectEvent;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.QueueCallerJoinEvent;
import org.asteriskjava.manager.event.QueueMemberPauseEvent;
import org.asteriskjava.manager.event.VarSetEvent;
import org.asteriskjava.manager.response.ManagerResponse;
import org.junit.jupiter.api.Test;

class AsteriskJavaClientIT {

    private static <T> T await(List<ManagerEvent> events, Class<T> type, java.util.function.Predicate<T> p)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (System.nanoTime() < deadline) {
            for (ManagerEvent e : events) {
                if (type.isInstance(e) && p.test(type.cast(e))) {
                    return type.cast(e);
                }
            }
            Thread.sleep(10);
        }
        throw new AssertionError("no " + type.getSimpleName() + " received; got " + events.size() + " events");
    }

    @Test
    void managerConnectionLogsInReceivesTypedCallEventsAndPausesAMember() throws Exception {
        try (AmiSimulator sim = AmiSimulator.builder().timeScale(20).build()) {
            ManagerConnection conn = new ManagerConnectionFactory("127.0.0.1", sim.port(), "firstline", "firstline-secret")
                    .createManagerConnection();
            List<ManagerEvent> events = new CopyOnWriteArrayList<>();
            conn.addEventListener(events::add);
            conn.login();
            try {
                assertThat(sim.receivedActions()).extracting(ReceivedAction::name).startsWith("Challenge", "Login");
                sim.traffic().start(TrafficConfig.builder().seed(42).maxCalls(1).outcomes(1, 0, 0)
                        .menuChoice("2", "software", "main/software", 1).caller("+15551234567", "Jane Doe")
                        .talkTime(Duration.ofSeconds(8), Duration.ofSeconds(8)).build());

                QueueCallerJoinEvent join = await(events, QueueCallerJoinEvent.class, e -> true);
                assertThat(join.getQueue()).isEqualTo("software");
                assertThat(join.getCallerIdNum()).isEqualTo("+15551234567");
                VarSetEvent menu = await(events, VarSetEvent.class,
                        e -> "FIRSTLINE_MENU_PATH".equals(e.getVariable()) && !"main".equals(e.getValue()));
                assertThat(menu.getValue()).isEqualTo("main/software");
                AgentConnectEvent connect = await(events, AgentConnectEvent.class, e -> true);
                assertThat(connect.getQueue()).isEqualTo("software");
                assertThat(connect.getMemberName()).isEqualTo("Alice Agent");
                assertThat(connect.getInterface()).isEqualTo("Local/1001@agents/n");
                assertThat(connect.getLinkedId()).isEqualTo(join.getLinkedId());
                assertThat(connect.getRingtime()).isEqualTo(2L);
                AgentCompleteEvent complete = await(events, AgentCompleteEvent.class, e -> true);
                assertThat(complete.getTalkTime()).isBetween(8L, 9L);
                assertThat(complete.getReason()).isEqualTo("caller");

                QueuePauseAction pause = new QueuePauseAction("Local/1002@agents/n", "software", true);
                pause.setReason("Lunch break");
                ManagerResponse response = conn.sendAction(pause, 5000);
                assertThat(response.getResponse()).isEqualTo("Success");
                assertThat(response.getMessage()).isEqualTo("Interface paused successfully");
                QueueMemberPauseEvent paused = await(events, QueueMemberPauseEvent.class, e -> true);
                assertThat(paused.getPaused()).isTrue();
                assertThat(paused.getPausedreason()).isEqualTo("Lunch break");
                assertThat(sim.traffic().awaitFinished(1, Duration.ofSeconds(10))).isTrue();
                assertThat(sim.traffic().linkedids()).containsExactly(join.getLinkedId());
            } finally {
                conn.logoff();
            }
        }
    }
}
