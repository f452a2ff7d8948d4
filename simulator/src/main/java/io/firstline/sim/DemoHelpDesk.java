// The PBX and the traffic of Firstline's --demo: the queues of dialplans/, three agents, a normal morning's load; stateless.
package io.firstline.sim;

import java.time.Duration;

/**
 * A small help desk on a normal morning, as {@code --demo} shows it: the queues of {@code dialplans/queues_firstline.conf}
 * (hardware, software and network by round robin, the general queue helpdesk ringing all), the agents Alice, Bob and
 * Carol as dynamic members of each (as Firstline's QueueAdd leaves them and {@code persistentmembers} restores them),
 * and calls sized for those three agents.
 *
 * <p>The load: a call that reaches a queue holds an agent for {@link #HANDLE_SECONDS} on average (2 s ringing, a talk
 * of 30 to 120 s, the queues' 15 s wrap-up). {@link #CALLS_PER_SECOND} (a call about every {@link
 * #SECONDS_BETWEEN_CALLS} s), of which 90% reach a queue (the others only ask for a ticket's status), offer
 * {@link #OFFERED_ERLANGS} Erlangs to the 3 agents: each is busy about 43% of the time. Erlang C then gives about a
 * sixth of the calls a wait, and 88% of the answered calls an answer within 20 s; with 5% of the callers hanging up
 * and 4% of the calls first ringing an agent who does not answer (15 s, then 5 s until the next is rung), the service
 * level lies a little above the usual target of 80% within 20 s (DemoHelpDeskIT measures 87% over 400 calls, at most
 * 4 callers waiting at once), and now and then a few callers wait.
 */
public final class DemoHelpDesk {

    /** The agents' mean time on a call that reaches a queue: ringing + talk + wrap-up. */
    public static final double HANDLE_SECONDS = 2 + (30 + 120) / 2.0 + 15;
    /** The traffic the queues get, in Erlangs (calls per second × handle time). */
    public static final double OFFERED_ERLANGS = 1.3;
    /** The share of calls that reach a queue (menu keys 0 to 3; key 4 is the ticket status, no agent). */
    public static final double QUEUE_SHARE = 0.9;
    public static final double CALLS_PER_SECOND = OFFERED_ERLANGS / HANDLE_SECONDS / QUEUE_SHARE;
    public static final long SECONDS_BETWEEN_CALLS = Math.round(1 / CALLS_PER_SECOND);
    public static final int AGENTS = 3;
    public static final String[] QUEUES = {"hardware", "software", "network", "helpdesk"};

    private DemoHelpDesk() {
    }

    /** The PBX: its queues and members (the caller sets host, port, credentials and manager user). */
    public static AmiSimulator.Builder pbx() {
        AmiSimulator.Builder b = AmiSimulator.builder().queue("hardware", "rrmemory").queue("software", "rrmemory")
                .queue("network", "rrmemory").queue("helpdesk", "ringall");
        String[] names = {"Alice Agent", "Bob Agent", "Carol Agent"};
        for (int i = 0; i < AGENTS; i++) {
            b.dynamicAgent("Local/100" + (i + 1) + "@agents/n", names[i], "PJSIP/100" + (i + 1));
        }
        return b;
    }

    /**
     * The traffic, as extensions_firstline.conf routes the menu's keys, with the timings of queues_firstline.conf
     * (timeout 15 s, retry 5 s, wrapuptime 15 s); the caller adds the callers and the seed.
     */
    public static TrafficConfig.Builder traffic() {
        return TrafficConfig.builder().callsPerSecond(CALLS_PER_SECOND)
                .menuChoice("1", "hardware", "main/hardware", 25)
                .menuChoice("2", "software", "main/software", 35)
                .menuChoice("3", "network", "main/network", 20)
                .menuChoice("0", "helpdesk", "main/operator", 10)
                .menuChoice("4", null, "main/ticket-status", 10)
                .outcomes(0.91, 0.05, 0.04)
                .ringTime(Duration.ofSeconds(2))
                .talkTime(Duration.ofSeconds(30), Duration.ofSeconds(120))
                .memberTimeout(Duration.ofSeconds(15))
                .retry(Duration.ofSeconds(5))
                .wrapUpTime(Duration.ofSeconds(15));
    }
}
