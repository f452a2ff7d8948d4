// Generates help-desk calls from the trace templates and plays them over simulated time; public methods are thread-safe, the calls themselves run on the ami-sim-clock thread.
package io.firstline.sim;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public final class CallGenerator {

    private static final Logger log = LoggerFactory.getLogger(CallGenerator.class);
    static final int KEPT_LINKEDIDS = 10_000;
    private static final String[] FIRST_NAMES = {"Jane", "John", "Sam", "Maria", "Ahmed", "Li", "Olga", "Peter", "Aisha",
        "Carlos", "Emma", "Noah", "Yuki", "Ravi", "Sofia", "Tom"};
    private static final String[] LAST_NAMES = {"Doe", "Smith", "Garcia", "Khan", "Chen", "Ivanova", "Brown", "Okafor",
        "Silva", "Muller", "Tanaka", "Patel", "Rossi", "Jones"};

    private enum Outcome { ANSWERED, ABANDONED, RING_NO_ANSWER, TICKET }

    private final SimScheduler clock;
    private final PbxState pbx;
    private final Consumer<AmiMessage> publish;
    private final TemplateLibrary lib = TemplateLibrary.get();

    // clock-thread state
    private Random random = new Random(1);
    private TrafficConfig config;
    private int trafficGeneration;
    private long callsCreated;
    private long uniqueidSeq;
    private long localIdSeq;
    private long lastUniqueidSecond;
    private final Set<String> busyAgents = new HashSet<>();
    private final Map<String, Integer> roundRobin = new HashMap<>();
    private final List<SimulatedCall> activeCalls = new ArrayList<>();

    // read from any thread
    private final Object countLock = new Object();
    private long callsGenerated;
    private long callsFinished;
    /** The last {@link #KEPT_LINKEDIDS}: a demo runs for days. */
    private final ArrayDeque<String> linkedids = new ArrayDeque<>();

    CallGenerator(SimScheduler clock, PbxState pbx, Consumer<AmiMessage> publish) {
        this.clock = clock;
        this.pbx = pbx;
        this.publish = publish;
    }

    // ------------------------------------------------------------------------------------ public API

    /** Starts (or restarts with new settings) the generation of calls. */
    public void start(TrafficConfig cfg) {
        clock.run(() -> {
            config = cfg;
            random = new Random(cfg.seed);
            callsCreated = 0;
            int gen = ++trafficGeneration;
            // start on a whole simulated second so that a seed gives the same second-rounded durations every run
            long firstSecond = (clock.nowMs() / 1000 + 1) * 1000;
            clock.at(firstSecond, () -> scheduleNextArrival(gen));
        });
    }

    /** Stops generating new calls; calls in progress play to their end. */
    public void stop() {
        clock.run(() -> trafficGeneration++);
    }

    /** Calls whose first event has been sent. */
    public long callsGenerated() {
        synchronized (countLock) {
            return callsGenerated;
        }
    }

    /** Calls whose last event has been sent. */
    public long callsFinished() {
        synchronized (countLock) {
            return callsFinished;
        }
    }

    /** Linkedids of the generated calls, in the order the calls started: the last 10,000 of them. */
    public List<String> linkedids() {
        synchronized (countLock) {
            return List.copyOf(linkedids);
        }
    }

    /** Waits until at least {@code count} calls have finished; false on timeout. */
    public boolean awaitFinished(long count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (countLock) {
            while (callsFinished < count) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                countLock.wait(Math.max(1, left / 1_000_000));
            }
            return true;
        }
    }

    // ------------------------------------------------------------------------------------ ids

    Random random() {
        return random;
    }

    /** Asterisk-style "epoch.sequence" id: unique per run and increasing. */
    String nextUniqueid(long nowMs) {
        lastUniqueidSecond = Math.max(lastUniqueidSecond, nowMs / 1000);
        return lastUniqueidSecond + "." + uniqueidSeq++;
    }

    String nextLocalId() {
        return String.format(Locale.ROOT, "%08x", localIdSeq++);
    }

    void callStarted(SimulatedCall call) {
        synchronized (countLock) {
            callsGenerated++;
            linkedids.addLast(call.linkedid());
            if (linkedids.size() > KEPT_LINKEDIDS) {
                linkedids.removeFirst();
            }
        }
    }

    private void callFinished(SimulatedCall call) {
        call.phase = SimulatedCall.Phase.DONE;
        long wrapUp = config == null ? 0 : config.wrapUpTime.toMillis();
        for (SimulatedCall.AgentLeg leg : call.reservedLegs) {
            if (leg == call.connectedLeg && wrapUp > 0) {
                // the queue offers the agent no call until the wrap-up is over (app_queue's wrapuptime)
                clock.after(wrapUp, () -> busyAgents.remove(leg.iface));
            } else {
                busyAgents.remove(leg.iface);
            }
        }
        call.reservedLegs.clear();
        activeCalls.remove(call);
        if (call.hasCaller) {
            synchronized (countLock) {
                callsFinished++;
                countLock.notifyAll();
            }
        }
    }

    // ------------------------------------------------------------------------------------ arrivals

    private void scheduleNextArrival(int gen) {
        double meanMs = 1000.0 / config.callsPerSecond;
        long delay = Math.max(1, Math.round(-Math.log(1 - random.nextDouble()) * meanMs));
        if (callsCreated == 0) {
            delay = 0;
        }
        clock.after(delay, () -> {
            if (gen != trafficGeneration) {
                return;
            }
            if (config.maxCalls > 0 && callsCreated >= config.maxCalls) {
                return;
            }
            try {
                newCall();
            } catch (RuntimeException e) {
                log.error("could not generate a call", e);
            }
            scheduleNextArrival(gen);
        });
    }

    private double pick(double[] weights) {
        double sum = 0;
        for (double w : weights) {
            sum += w;
        }
        double r = random.nextDouble() * sum;
        for (int i = 0; i < weights.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private long between(Duration min, Duration max) {
        long a = min.toMillis();
        long b = Math.max(a, max.toMillis());
        return a == b ? a : a + (long) (random.nextDouble() * (b - a));
    }

    private void newCall() {
        TrafficConfig cfg = config;
        callsCreated++;
        double[] menuWeights = cfg.menuChoices.stream().mapToDouble(TrafficConfig.MenuChoice::weight).toArray();
        TrafficConfig.MenuChoice choice = cfg.menuChoices.get((int) pick(menuWeights));
        String num;
        String name;
        if (!cfg.callers.isEmpty()) {
            TrafficConfig.Caller c = cfg.callers.get(random.nextInt(cfg.callers.size()));
            num = c.number();
            name = c.name();
        } else {
            num = String.format(Locale.ROOT, "+1555%07d", random.nextInt(10_000_000));
            name = FIRST_NAMES[random.nextInt(FIRST_NAMES.length)] + " " + LAST_NAMES[random.nextInt(LAST_NAMES.length)];
        }
        String callerId = Integer.toString(1 + random.nextInt(99_999));
        String ticket = String.format(Locale.ROOT, "%04d", random.nextInt(10_000));
        Outcome outcome;
        if (choice.queue() == null) {
            outcome = Outcome.TICKET;
        } else {
            outcome = Outcome.values()[(int) pick(new double[] {cfg.answeredWeight, cfg.abandonedWeight,
                cfg.ringNoAnswerWeight})];
        }
        // drawn only when asked for, so that a seed gives the same traffic as before PJSIP-shaped calls existed
        boolean pjsip = cfg.pjsipShare > 0 && (outcome == Outcome.ANSWERED || outcome == Outcome.ABANDONED)
                && random.nextDouble() < cfg.pjsipShare;
        SimulatedCall call = new SimulatedCall(this, callsCreated, true, num, name, callerId, choice.digit(),
                choice.queue(), choice.menuPath(), ticket,
                pjsip ? TemplateLibrary.CallShape.PJSIP : TemplateLibrary.CallShape.LOCAL);
        activeCalls.add(call);
        long talkMs = between(cfg.talkTimeMin, cfg.talkTimeMax);
        long waitMs = between(cfg.waitTimeMin, cfg.waitTimeMax);
        long ringMs = cfg.ringTime.toMillis();
        switch (outcome) {
            case TICKET -> play(call, lib.ticketAll, -1, Map.of(), () -> callFinished(call));
            case ANSWERED -> {
                // the caller's phone hangs up after the talk (sim-caller Wait(N) started ~0.25 s after the DTMF)
                call.simHangupAfter = seconds(ringMs + talkMs - 250 + 30);
                play(call, lib.answeredFlow(call.shape).ivr(), -1, Map.of(), () -> answered(call, ringMs, talkMs, 0));
            }
            case RING_NO_ANSWER -> {
                call.simHangupAfter = "60";
                play(call, lib.rnaIvr, -1, Map.of(), () -> ringNoAnswer(call, ringMs, talkMs, 0));
            }
            case ABANDONED -> {
                call.simHangupAfter = seconds(waitMs + 1300);
                play(call, lib.abandonedFlow(call.shape).ivr(), -1, Map.of(), () -> abandoned(call, waitMs));
            }
            default -> throw new IllegalStateException();
        }
    }

    private static String seconds(long ms) {
        if (ms % 1000 == 0) {
            return Long.toString(ms / 1000);
        }
        return String.format(Locale.ROOT, "%.1f", ms / 1000.0);
    }

    // ------------------------------------------------------------------------------------ agents

    /** Free agents of the queue in the order the queue's strategy would ring them. */
    private List<PbxState.Member> freeAgents(String queueName, Set<String> exclude) {
        PbxState.Queue q = pbx.queue(queueName);
        List<PbxState.Member> free = new ArrayList<>();
        if (q == null) {
            return free;
        }
        List<PbxState.Member> members = new ArrayList<>(q.members.values());
        if (members.isEmpty()) {
            return free;
        }
        int start = q.strategy.startsWith("rr") ? roundRobin.getOrDefault(queueName, 0) % members.size() : 0;
        for (int i = 0; i < members.size(); i++) {
            PbxState.Member m = members.get((start + i) % members.size());
            if (!m.paused && !busyAgents.contains(m.interfaceName) && !exclude.contains(m.interfaceName)
                    && m.interfaceName.matches("Local/[^@/]+@[^/]+/n")) {
                free.add(m);
            }
        }
        return free;
    }

    private SimulatedCall.AgentLeg reserve(SimulatedCall call, PbxState.Member m) {
        busyAgents.add(m.interfaceName);
        PbxState.Queue q = pbx.queue(call.queue);
        if (q != null && q.strategy.startsWith("rr")) {
            List<String> order = new ArrayList<>(q.members.keySet());
            roundRobin.put(call.queue, order.indexOf(m.interfaceName) + 1);
        }
        SimulatedCall.AgentLeg leg = new SimulatedCall.AgentLeg(m.interfaceName, m.memberName);
        leg.calledMs = clock.nowMs();
        call.reservedLegs.add(leg);
        return leg;
    }

    private void release(SimulatedCall call, SimulatedCall.AgentLeg leg) {
        busyAgents.remove(leg.iface);
        call.reservedLegs.remove(leg);
    }

    // ------------------------------------------------------------------------------------ call flows

    private void waitForAgent(SimulatedCall call, long waitedMs, Runnable retryFlow) {
        if (waitedMs >= config.maxQueueWait.toMillis()) {
            play(call, lib.abandonedFlow(call.shape).hangup(), -1, Map.of(), () -> callFinished(call));
            return;
        }
        int gen = call.generation;
        clock.after(1000, () -> {
            if (gen == call.generation) {
                retryFlow.run();
            }
        });
    }

    private void answered(SimulatedCall call, long ringMs, long talkMs, long waitedMs) {
        call.phase = SimulatedCall.Phase.QUEUED;
        List<PbxState.Member> free = freeAgents(call.queue, Set.of());
        if (free.isEmpty()) {
            waitForAgent(call, waitedMs, () -> answered(call, ringMs, talkMs, waitedMs + 1000));
            return;
        }
        SimulatedCall.AgentLeg leg = reserve(call, free.get(0));
        Map<String, SimulatedCall.AgentLeg> legs = Map.of("A0", leg);
        call.phase = SimulatedCall.Phase.RINGING;
        TemplateLibrary.AnsweredFlow flow = lib.answeredFlow(call.shape);
        play(call, flow.ring(), ringMs, legs, () -> {
            call.phase = SimulatedCall.Phase.TALKING;
            call.connectedLeg = leg;
            play(call, flow.talk(), talkMs, legs, () -> {
                call.phase = SimulatedCall.Phase.ENDING;
                play(call, flow.hangup(), -1, legs, () -> endWithSupervisor(call, legs));
            });
        });
    }

    private void ringNoAnswer(SimulatedCall call, long ringMs, long talkMs, long waitedMs) {
        call.phase = SimulatedCall.Phase.QUEUED;
        List<PbxState.Member> free = freeAgents(call.queue, Set.of());
        if (free.size() < 2) {
            if (free.size() == 1) {
                answered(call, ringMs, talkMs, waitedMs);
            } else {
                waitForAgent(call, waitedMs, () -> ringNoAnswer(call, ringMs, talkMs, waitedMs + 1000));
            }
            return;
        }
        SimulatedCall.AgentLeg first = reserve(call, free.get(0));
        SimulatedCall.AgentLeg second = reserve(call, free.get(1));
        Map<String, SimulatedCall.AgentLeg> firstLegs = Map.of("A0", first);
        call.phase = SimulatedCall.Phase.RINGING;
        play(call, lib.rnaFirstRing, config.memberTimeout.toMillis(), firstLegs, () ->
                play(call, lib.rnaFirstRingEnd, config.retry.toMillis(), firstLegs, () -> {
                    release(call, first);
                    second.calledMs = clock.nowMs();
                    Map<String, SimulatedCall.AgentLeg> legs = Map.of("A1", second);
                    play(call, lib.rnaSecondRing, ringMs, legs, () -> {
                        call.phase = SimulatedCall.Phase.TALKING;
                        call.connectedLeg = second;
                        play(call, lib.rnaTalk, talkMs, legs, () -> {
                            call.phase = SimulatedCall.Phase.ENDING;
                            play(call, lib.rnaHangup, -1, legs, () -> endWithSupervisor(call, legs));
                        });
                    });
                }));
    }

    private void abandoned(SimulatedCall call, long waitMs) {
        call.phase = SimulatedCall.Phase.QUEUED;
        PbxState.Queue q = pbx.queue(call.queue);
        List<PbxState.Member> free = freeAgents(call.queue, Set.of());
        Map<String, SimulatedCall.AgentLeg> legs = new HashMap<>();
        TemplateLibrary.AbandonedFlow flow = lib.abandonedFlow(call.shape);
        boolean ringall = q != null && q.strategy.equals("ringall");
        // a ringall recording's other legs ring together with its first: in a queue of another strategy, that one alone
        int ringing = flow.ringsAllAtOnce() && !ringall ? 1 : flow.ring().template().legs().size();
        for (int i = 0; i < Math.min(ringing, free.size()); i++) {
            String leg = "A" + i;
            // play() leaves out a leg that starts after the caller hangs up: its agent stays free for other calls
            if (flow.ring().startsWithin(leg, waitMs)) {
                legs.put(leg, reserve(call, free.get(i)));
            }
        }
        Map<String, SimulatedCall.AgentLeg> bound = Collections.unmodifiableMap(legs);
        play(call, flow.ring(), waitMs, bound, () ->
                play(call, flow.hangup(), -1, bound, () -> callFinished(call)));
    }

    private void endWithSupervisor(SimulatedCall call, Map<String, SimulatedCall.AgentLeg> legs) {
        if (call.supervisor != null) {
            Map<String, SimulatedCall.AgentLeg> spyLegs = call.connectedLeg == null ? Map.of()
                    : Map.of("A0", call.connectedLeg);
            play(call, lib.spyStop, -1, spyLegs, () -> callFinished(call));
        } else {
            callFinished(call);
        }
    }

    /**
     * Plays the events of a segment starting now: each at its recorded offset, clamped to {@code durationMs}
     * (-1 = the recorded duration), leaving out the legs that the segment, so cut short, never starts; then runs
     * {@code next} at the end of the duration.
     */
    void play(SimulatedCall call, TemplateLibrary.Segment seg, long durationMs, Map<String, SimulatedCall.AgentLeg> legs,
            Runnable next) {
        long duration = durationMs < 0 ? seg.recordedMillis() : durationMs;
        Map<String, SimulatedCall.AgentLeg> started = startedWithin(seg, duration, legs);
        long start = clock.nowMs();
        int gen = call.generation;
        for (int idx : seg.indices()) {
            CallTemplate.Event e = seg.template().events().get(idx);
            long offset = Math.min(duration, seg.offsetMillis(e));
            clock.at(start + offset, () -> {
                if (gen != call.generation) {
                    return;
                }
                for (AmiMessage m : call.render(e, started, clock.nowMs(), pbx)) {
                    publish.accept(m);
                }
            });
        }
        clock.at(start + duration, () -> {
            if (gen == call.generation) {
                next.run();
            }
        });
    }

    private static Map<String, SimulatedCall.AgentLeg> startedWithin(TemplateLibrary.Segment seg, long durationMs,
            Map<String, SimulatedCall.AgentLeg> legs) {
        Map<String, SimulatedCall.AgentLeg> started = legs;
        for (String leg : legs.keySet()) {
            if (!seg.startsWithin(leg, durationMs)) {
                if (started == legs) {
                    started = new HashMap<>(legs);
                }
                started.remove(leg);
            }
        }
        return started;
    }

    // ------------------------------------------------------------------------------------ actions on calls

    /**
     * The active call whose connected agent leg is this channel (";1" half), or null. The transfer and ChanSpy
     * recordings are of Local-channel calls, so a PJSIP-shaped call cannot be transferred or spied on here.
     */
    SimulatedCall callByAgentChannel(String channel) {
        for (SimulatedCall c : activeCalls) {
            if (c.phase == SimulatedCall.Phase.TALKING && c.connectedLeg != null && c.connectedLeg.base != null
                    && c.shape == TemplateLibrary.CallShape.LOCAL && channel.equals(c.connectedLeg.base + ";1")) {
                return c;
            }
        }
        return null;
    }

    /** BlindTransfer of the agent leg: replaces the rest of the call by the transfer template. Clock thread. */
    void blindTransfer(SimulatedCall call, String context, String exten) {
        call.generation++;
        call.transferContext = context;
        call.transferExten = exten;
        call.phase = SimulatedCall.Phase.ENDING;
        Map<String, SimulatedCall.AgentLeg> legs = Map.of("A0", call.connectedLeg);
        play(call, lib.transferTail, -1, legs, () -> endWithSupervisor(call, legs));
    }

    /**
     * ChanSpy originate: the supervisor's Local channel listens to the agent named by {@code target}, their
     * phone's channel prefix as Firstline sends it ("PJSIP/1002-", the phone [agents] dials) or their Local
     * device ("Local/1002@agents"). Clock thread.
     */
    void chanSpy(String extAtContext, String num, String name, String data, String actionId) {
        String target = data.contains(",") ? data.substring(0, data.indexOf(',')) : data;
        SimulatedCall call = null;
        for (SimulatedCall c : activeCalls) {
            if (c.phase == SimulatedCall.Phase.TALKING && c.connectedLeg != null && c.supervisor == null
                    && c.shape == TemplateLibrary.CallShape.LOCAL
                    && (c.connectedLeg.device().equals(target) || ("PJSIP/" + c.connectedLeg.ext + "-").equals(target))) {
                call = c;
                break;
            }
        }
        SimulatedCall.Supervisor sup = new SimulatedCall.Supervisor(extAtContext, num, name, data, actionId);
        if (call == null) {
            SimulatedCall alone = new SimulatedCall(this, 0, false, "", "", "", "", null, "", "",
                    TemplateLibrary.CallShape.LOCAL);
            alone.supervisor = sup;
            activeCalls.add(alone);
            play(alone, lib.spyStart, -1, Map.of(), () -> play(alone, lib.spyLeave, -1, Map.of(),
                    () -> play(alone, lib.spyStop, -1, Map.of(), () -> callFinished(alone))));
            return;
        }
        call.supervisor = sup;
        SimulatedCall spied = call;
        Map<String, SimulatedCall.AgentLeg> legs = Map.of("A0", call.connectedLeg);
        // the spy runs beside the call: a transfer of the call does not cancel it
        playBeside(spied, lib.spyStart, legs, () -> playBeside(spied, lib.spyLeave, legs, () -> {
        }));
    }

    /** Like play() but not cancelled by transfers (supervisor events beside a call). */
    private void playBeside(SimulatedCall call, TemplateLibrary.Segment seg, Map<String, SimulatedCall.AgentLeg> legs,
            Runnable next) {
        long duration = seg.recordedMillis();
        long start = clock.nowMs();
        for (int idx : seg.indices()) {
            CallTemplate.Event e = seg.template().events().get(idx);
            long offset = Math.min(duration, seg.offsetMillis(e));
            clock.at(start + offset, () -> {
                for (AmiMessage m : call.render(e, legs, clock.nowMs(), pbx)) {
                    publish.accept(m);
                }
            });
        }
        clock.at(start + duration, next);
    }
}
