// Login, Challenge/MD5 and error responses against the captured bytes of Asterisk 22; real sockets, JUnit thread.
package io.firstline.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LoginAndErrorsIT {

    private AmiSimulator sim;

    @BeforeEach
    void start() throws Exception {
        sim = AmiSimulator.builder().loginFailureDelay(Duration.ofMillis(20)).build();
    }

    @AfterEach
    void stop() {
        sim.close();
    }

    private static String capture(String name) {
        return new String(AmiTrace.bundled(name).raw(), StandardCharsets.US_ASCII);
    }

    @Test
    void wrongSecretGetsTheCapturedBytesAndTheConnectionIsClosed() throws Exception {
        try (RawAmiClient c = new RawAmiClient(sim.port())) {
            c.send(TraceFiles.sentActions("login-failure-and-bad-action.badlogin").get(0).toArray(String[]::new));
            byte[] answer = c.nextRaw();
            assertThat(c.greeting + new String(answer, StandardCharsets.US_ASCII))
                    .isEqualTo(capture("login-failure-and-bad-action.badlogin"));
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void unknownUserGetsTheCapturedBytes() throws Exception {
        try (RawAmiClient c = new RawAmiClient(sim.port())) {
            c.send(TraceFiles.sentActions("login-failure-and-bad-action.unknownuser").get(0).toArray(String[]::new));
            assertThat(c.greeting + new String(c.nextRaw(), StandardCharsets.US_ASCII))
                    .isEqualTo(capture("login-failure-and-bad-action.unknownuser"));
            assertThat(c.closedByPeer()).isTrue();
        }
    }

    @Test
    void otherClientsSeeTheSecurityEventsInTheCapturedLayout() throws Exception {
        Map<String, Set<List<String>>> layouts = TraceFiles.eventLayouts();
        try (RawAmiClient main = new RawAmiClient(sim.port())) {
            main.login();
            try (RawAmiClient bad = new RawAmiClient(sim.port())) {
                bad.send("Action: Login", "Username: firstline", "Secret: nope");
                bad.nextRaw();
            }
            try (RawAmiClient unknown = new RawAmiClient(sim.port())) {
                unknown.send("Action: Login", "Username: nosuchuser", "Secret: x");
                unknown.nextRaw();
            }
            AmiMessage invalidPassword = main.nextWhere(m -> "InvalidPassword".equals(m.eventName()), Duration.ofSeconds(5));
            AmiMessage invalidAccount = main.nextWhere(m -> "InvalidAccountID".equals(m.eventName()), Duration.ofSeconds(5));
            assertThat(layouts.get("InvalidPassword")).contains(invalidPassword.names());
            assertThat(layouts.get("InvalidAccountID")).contains(invalidAccount.names());
            assertThat(invalidAccount.get("AccountID")).isEqualTo("nosuchuser");
            main.send("Action: NoSuchAction", "ActionID: login-failure-and-bad-action-394");
            AmiMessage error = main.next();
            assertThat(error.toWire()).isEqualTo("Response: Error\r\nActionID: login-failure-and-bad-action-394\r\n"
                    + "Message: Invalid/unknown command: NoSuchAction. Use Action: ListCommands to show available commands.\r\n\r\n");
            AmiMessage badFormat = main.next();
            assertThat(badFormat.eventName()).isEqualTo("RequestBadFormat");
            assertThat(layouts.get("RequestBadFormat")).contains(badFormat.names());
            assertThat(badFormat.get("RequestType")).isEqualTo("Action: NoSuchAction");
        }
    }

    @Test
    void challengeAndMd5LoginWork() throws Exception {
        try (RawAmiClient c = new RawAmiClient(sim.port())) {
            c.send("Action: Challenge", "ActionID: ch-1", "AuthType: MD5");
            AmiMessage ch = c.next();
            assertThat(ch.names()).containsExactly("Response", "ActionID", "Challenge");
            assertThat(ch.get("Challenge")).matches("[0-9]+");
            String key = HexFormat.of().formatHex(MessageDigest.getInstance("MD5")
                    .digest((ch.get("Challenge") + "firstline-secret").getBytes(StandardCharsets.UTF_8)));
            c.send("Action: Login", "ActionID: l-1", "AuthType: MD5", "Username: firstline", "Key: " + key);
            assertThat(c.next().toWire())
                    .isEqualTo("Response: Success\r\nActionID: l-1\r\nMessage: Authentication accepted\r\n\r\n");
            assertThat(c.next().eventName()).isEqualTo("FullyBooted");
        }
    }

    @Test
    void wrongMd5KeyFails() throws Exception {
        try (RawAmiClient c = new RawAmiClient(sim.port())) {
            c.send("Action: Challenge", "AuthType: MD5");
            c.next();
            c.send("Action: Login", "AuthType: MD5", "Username: firstline", "Key: 00000000000000000000000000000000");
            assertThat(c.next().toWire()).isEqualTo("Response: Error\r\nMessage: Authentication failed\r\n\r\n");
        }
    }

    @Test
    void pingAnswersLikeAsterisk() throws Exception {
        try (RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            c.send("Action: Ping", "ActionID: p-1");
            AmiMessage pong = c.next();
            assertThat(pong.names()).containsExactly("Response", "ActionID", "Ping", "Timestamp");
            assertThat(pong.get("Ping")).isEqualTo("Pong");
            assertThat(pong.get("Timestamp")).matches("[0-9]{10}\\.[0-9]{6}");
        }
    }

    @Test
    void badInputGetsAsteriskErrorsAndTheSimulatorCarriesOn() throws Exception {
        try (RawAmiClient c = new RawAmiClient(sim.port())) {
            c.send("Action: Ping", "ActionID: early");
            assertThat(c.next().toWire()).isEqualTo("Response: Error\r\nActionID: early\r\nMessage: Permission denied\r\n\r\n");
            c.login();
            c.send("this line has no colon", "ActionID: g-1");
            assertThat(c.next().toWire())
                    .isEqualTo("Response: Error\r\nActionID: g-1\r\nMessage: Missing action in request\r\n\r\n");
            String huge = "Variable: x=" + "y".repeat(70 * 1024);
            c.send("Action: Originate", "ActionID: h-1", huge);
            assertThat(c.next().toWire()).isEqualTo(
                    "Response: Error\r\nActionID: h-1\r\nMessage: Failed to parse message: line too long\r\n\r\n");
            c.sendRaw(new byte[] {(byte) 0xff, (byte) 0xfe, 0, 1, '\r', '\n', '\r', '\n'});
            assertThat(c.next().get("Message")).isEqualTo("Missing action in request");
            c.send("Action: QueuePause", "ActionID: q-1", "Interface: Local/1001@agents/n");
            assertThat(c.next().get("Message")).isEqualTo("Need 'Interface' and 'Paused' parameters.");
            c.send("Action: QueueAdd", "ActionID: q-2", "Queue: software");
            assertThat(c.next().get("Message")).isEqualTo("'Interface' not specified.");
            c.send("Action: QueueRemove", "ActionID: q-3", "Queue: software", "Interface: Local/1001@agents/n");
            assertThat(c.next().get("Message")).isEqualTo("Member not dynamic");
            c.send("Action: Originate", "ActionID: o-1", "Channel: Local/s@helpdesk-ivr");
            assertThat(c.next().get("Message")).isEqualTo("Originate with 'Exten' requires 'Context' and 'Priority'");
            c.send("Action: Redirect", "ActionID: r-1", "Channel: Local/nosuch-00000000;1", "Context: x", "Exten: s",
                    "Priority: 1");
            assertThat(c.next().get("Message")).isEqualTo("Channel does not exist: Local/nosuch-00000000;1");
            c.send("Action: Hangup", "ActionID: hu-1", "Channel: Local/nosuch-00000000;1");
            assertThat(c.next().get("Message")).isEqualTo("No such channel");
            c.send("Action: Ping", "ActionID: p-2");
            assertThat(c.next().get("Ping")).isEqualTo("Pong");
        }
        assertThat(sim.receivedActions()).extracting(ReceivedAction::name)
                .contains("Ping", "Login", "", "Originate", "QueuePause", "QueueAdd", "QueueRemove", "Redirect");
    }

    @Test
    void droppedClientsNoticeAndCanReconnect() throws Exception {
        try (RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            sim.dropAllClients();
            assertThat(c.closedByPeer()).isTrue();
        }
        try (RawAmiClient again = new RawAmiClient(sim.port())) {
            again.login();
            again.send("Action: Ping");
            assertThat(again.next().get("Ping")).isEqualTo("Pong");
        }
    }

    @Test
    void halfOpenKeepsTheSocketButAnswersNothing() throws Exception {
        try (RawAmiClient c = new RawAmiClient(sim.port())) {
            c.login();
            sim.setResponsive(false);
            c.send("Action: Ping", "ActionID: unanswered");
            assertThat(sim.awaitAction("Ping", Duration.ofSeconds(5)).get("ActionID")).isEqualTo("unanswered");
            c.timeout(Duration.ofMillis(300));
            assertThat(c.closedByPeer()).as("socket must stay open and silent").isFalse();
            sim.setResponsive(true);
            c.timeout(Duration.ofSeconds(5));
            c.send("Action: Ping", "ActionID: answered");
            assertThat(c.next().get("ActionID")).isEqualTo("answered");
        }
    }
}
