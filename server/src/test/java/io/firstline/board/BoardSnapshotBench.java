package io.firstline.board;

import io.firstline.auth.Agent;
import io.firstline.auth.Role;
import io.firstline.calls.CallStatus;
import io.firstline.calls.CallView;
import io.firstline.calls.MemberState;
import io.firstline.calls.MemberView;
import io.firstline.config.Settings;
import io.firstline.presence.PresenceInterval;
import io.firstline.presence.PresenceKind;
import io.firstline.telephony.PbxHealth;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What one board update costs at a large help desk: builds the board of N agents, M calls and Q queues many times and
 * prints the CPU time and the bytes allocated per build and per encoding. A plain main class (not a test), run on the
 * calling thread: {@code java -cp … io.firstline.board.BoardSnapshotBench [agents] [calls] [queues] [rounds]}.
 */
public final class BoardSnapshotBench {

    public static void main(String[] args) throws Exception {
        int agents = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        int queues = args.length > 2 ? Integer.parseInt(args[2]) : 20;
        int rounds = args.length > 3 ? Integer.parseInt(args[3]) : 500;
        Instant now = Instant.parse("2026-12-06T14:00:00Z");
        Instant day = Instant.parse("2026-12-06T00:00:00Z");
        List<Agent> agentList = new ArrayList<>();
        List<MemberView> members = new ArrayList<>();
        List<PresenceInterval> presence = new ArrayList<>();
        List<CallView> callList = new ArrayList<>();
        for (int i = 0; i < agents; i++) {
            String iface = "PJSIP/" + (10_000 + i);
            agentList.add(new Agent(i + 1, "agent" + i, "Agent " + i, Role.AGENT, iface, null, null, true, day));
            Set<String> in = Set.of("queue-" + i % queues, "queue-" + (i + 1) % queues, "queue-" + (i + 7) % queues);
            MemberState state = i % 5 == 0 ? MemberState.PAUSED : i % 3 == 0 ? MemberState.IN_CALL : MemberState.AVAILABLE;
            String linkedid = null;
            if (state == MemberState.IN_CALL && callList.size() < calls / 2) {
                linkedid = "1700000000." + i;
                callList.add(call(linkedid, "queue-" + i % queues, CallStatus.CONNECTED, now.minusSeconds(100 + i), iface));
            }
            members.add(new MemberView("north", iface, "Agent " + i, in, state, state == MemberState.PAUSED,
                    state == MemberState.PAUSED ? "lunch" : null, now.minusSeconds(i), linkedid));
            // A morning shift with two pauses, back after lunch: six intervals, the last two still open for some.
            presence.add(new PresenceInterval("north", iface, PresenceKind.SIGNED_IN, null, day.plusSeconds(8 * 3600), day.plusSeconds(12 * 3600)));
            presence.add(new PresenceInterval("north", iface, PresenceKind.PAUSED, "coffee", day.plusSeconds(10 * 3600), day.plusSeconds(10 * 3600 + 900)));
            presence.add(new PresenceInterval("north", iface, PresenceKind.PAUSED, "lunch", day.plusSeconds(12 * 3600), day.plusSeconds(12 * 3600 + 2400)));
            presence.add(new PresenceInterval("north", iface, PresenceKind.SIGNED_IN, null, day.plusSeconds(12 * 3600 + 2400), null));
            presence.add(new PresenceInterval("north", iface, PresenceKind.PAUSED, "coffee", day.plusSeconds(13 * 3600), day.plusSeconds(13 * 3600 + 600)));
            if (state == MemberState.PAUSED) {
                presence.add(new PresenceInterval("north", iface, PresenceKind.PAUSED, "lunch", now.minusSeconds(300), null));
            }
        }
        for (int i = callList.size(); i < calls; i++) {
            callList.add(call("1700000001." + i, "queue-" + i % queues, CallStatus.QUEUED, now.minusSeconds(i), null));
        }
        Vertx vertx = Vertx.vertx();
        try {
            BoardFollowers followers = new BoardFollowers();
            LiveBoard board = new LiveBoard(vertx, () -> new Settings.Board(Settings.Thresholds.STANDARD, Map.of(), 30),
                    ZoneOffset.UTC, Clock.fixed(now, ZoneOffset.UTC), null, null, null, () -> callList, () -> members,
                    () -> List.of(new PbxHealth("north", PbxHealth.Status.CONNECTED)), () -> Future.succeededFuture(), followers);
            board.agentsRead(agentList);
            board.presenceRead(presence, day);
            com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
            long id = Thread.currentThread().getId();
            for (int pass = 0; pass < 2; pass++) { // the first pass warms up
                long buildCpu = 0;
                long buildBytes = 0;
                long encodeCpu = 0;
                long encodeBytes = 0;
                long boardBytes = 0;
                long wallBytes = 0;
                for (int r = 0; r < rounds; r++) {
                    long c0 = threads.getCurrentThreadCpuTime();
                    long a0 = threads.getThreadAllocatedBytes(id);
                    JsonObject b = board.snapshot(now.plusMillis(r)).put("type", "board.update");
                    long c1 = threads.getCurrentThreadCpuTime();
                    long a1 = threads.getThreadAllocatedBytes(id);
                    String full = b.encode();
                    String wall = LiveBoard.stripForWallScreen(b).encode();
                    long c2 = threads.getCurrentThreadCpuTime();
                    long a2 = threads.getThreadAllocatedBytes(id);
                    buildCpu += c1 - c0;
                    buildBytes += a1 - a0;
                    encodeCpu += c2 - c1;
                    encodeBytes += a2 - a1;
                    boardBytes = full.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                    wallBytes = wall.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
                }
                if (pass == 1) {
                    JsonObject b = board.snapshot(now);
                    System.out.printf(java.util.Locale.ROOT, "  parts   agents %d bytes (%d per row), queues %d, waiting %d, chart %d%n",
                            b.getJsonArray("agents").encode().length(), b.getJsonArray("agents").encode().length() / agents,
                            b.getJsonArray("queues").encode().length(), b.getJsonArray("waiting").encode().length(),
                            b.getJsonObject("chart").encode().length());
                    System.out.printf(java.util.Locale.ROOT, "%d agents, %d calls, %d queues, %d rounds:%n"
                            + "  build   %8.0f µs CPU  %10d bytes allocated per board%n"
                            + "  encode  %8.0f µs CPU  %10d bytes allocated (full form and wall screen's copy)%n"
                            + "  frames  board %d bytes, wall screen %d bytes%n",
                            agents, calls, queues, rounds, buildCpu / 1e3 / rounds, buildBytes / rounds,
                            encodeCpu / 1e3 / rounds, encodeBytes / rounds, boardBytes, wallBytes);
                }
            }
        } finally {
            vertx.close();
        }
    }

    private static CallView call(String linkedid, String queue, CallStatus status, Instant queuedAt, String member) {
        return new CallView("north", linkedid, "+4144555" + linkedid.substring(linkedid.length() - 4), "Caller " + linkedid,
                null, "1>2", null, queue, status == CallStatus.QUEUED ? 1 : null, status, queuedAt, queuedAt,
                status == CallStatus.CONNECTED ? queuedAt.plusSeconds(20) : null, null, member, member == null ? null : "Agent",
                null, null, null, false, List.of());
    }
}
