// Settings of the generated help-desk traffic (rates, outcome ratios, menu choices, durations, seed); immutable, built on any thread.
package io.firstline.sim;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

public final class TrafficConfig {

    /** An IVR menu choice: the digit pressed, the queue it leads to (null: ticket-status self service), its weight. */
    public record MenuChoice(String digit, String queue, String menuPath, double weight) {
    }

    /** A calling customer. */
    public record Caller(String number, String name) {
    }

    final double callsPerSecond;
    final long maxCalls;
    final long seed;
    final double answeredWeight;
    final double abandonedWeight;
    final double ringNoAnswerWeight;
    final List<MenuChoice> menuChoices;
    final List<Caller> callers;
    final Duration ringTime;
    final Duration talkTimeMin;
    final Duration talkTimeMax;
    final Duration waitTimeMin;
    final Duration waitTimeMax;
    final Duration memberTimeout;
    final Duration retry;
    final Duration maxQueueWait;
    final Duration wrapUpTime;
    final double pjsipShare;

    private TrafficConfig(Builder b) {
        this.callsPerSecond = b.callsPerSecond;
        this.maxCalls = b.maxCalls;
        this.seed = b.seed;
        this.answeredWeight = b.answeredWeight;
        this.abandonedWeight = b.abandonedWeight;
        this.ringNoAnswerWeight = b.ringNoAnswerWeight;
        this.menuChoices = List.copyOf(b.menuChoices.isEmpty() ? defaultMenu() : b.menuChoices);
        this.callers = List.copyOf(b.callers);
        this.ringTime = b.ringTime;
        this.talkTimeMin = b.talkTimeMin;
        this.talkTimeMax = b.talkTimeMax;
        this.waitTimeMin = b.waitTimeMin;
        this.waitTimeMax = b.waitTimeMax;
        this.memberTimeout = b.memberTimeout;
        this.retry = b.retry;
        this.maxQueueWait = b.maxQueueWait;
        this.wrapUpTime = b.wrapUpTime;
        this.pjsipShare = b.pjsipShare;
    }

    private static List<MenuChoice> defaultMenu() {
        return List.of(new MenuChoice("1", "hardware", "main/hardware", 1), new MenuChoice("2", "software", "main/software", 1),
                new MenuChoice("3", "network", "main/network", 1), new MenuChoice("4", null, "main/ticket-status", 0.5));
    }

    public static Builder builder() {
        return new Builder();
    }

    public static final class Builder {
        private double callsPerSecond = 0.1;
        private long maxCalls;
        private long seed = System.nanoTime();
        private double answeredWeight = 0.7;
        private double abandonedWeight = 0.15;
        private double ringNoAnswerWeight = 0.15;
        private final List<MenuChoice> menuChoices = new ArrayList<>();
        private final List<Caller> callers = new ArrayList<>();
        private Duration ringTime = Duration.ofSeconds(2);
        private Duration talkTimeMin = Duration.ofSeconds(30);
        private Duration talkTimeMax = Duration.ofSeconds(300);
        private Duration waitTimeMin = Duration.ofSeconds(3);
        private Duration waitTimeMax = Duration.ofSeconds(12);
        private Duration memberTimeout = Duration.ofSeconds(15);
        private Duration retry = Duration.ofSeconds(2);
        private Duration maxQueueWait = Duration.ofSeconds(300);
        private Duration wrapUpTime = Duration.ZERO;
        private double pjsipShare;

        /** Mean arrival rate in simulated time (arrivals are Poisson). */
        public Builder callsPerSecond(double v) {
            if (!(v > 0)) {
                throw new IllegalArgumentException("callsPerSecond must be > 0");
            }
            callsPerSecond = v;
            return this;
        }

        /** Stop generating after this many calls (0 = no limit). */
        public Builder maxCalls(long v) {
            maxCalls = v;
            return this;
        }

        public Builder seed(long v) {
            seed = v;
            return this;
        }

        /** Relative weights of the outcomes of calls that reach a queue. */
        public Builder outcomes(double answered, double abandoned, double ringNoAnswer) {
            if (answered < 0 || abandoned < 0 || ringNoAnswer < 0 || answered + abandoned + ringNoAnswer <= 0) {
                throw new IllegalArgumentException("outcome weights must be >= 0 and not all 0");
            }
            answeredWeight = answered;
            abandonedWeight = abandoned;
            ringNoAnswerWeight = ringNoAnswer;
            return this;
        }

        /** Adds a menu choice; when none is added, 1 hardware, 2 software, 3 network, 4 ticket status are used. */
        public Builder menuChoice(String digit, String queue, String menuPath, double weight) {
            if (digit == null || !digit.matches("[0-9]")) {
                throw new IllegalArgumentException("menu digit must be one digit 0-9");
            }
            menuChoices.add(new MenuChoice(digit, queue, menuPath, weight));
            return this;
        }

        public Builder caller(String number, String name) {
            callers.add(new Caller(number, name));
            return this;
        }

        public Builder ringTime(Duration v) {
            ringTime = v;
            return this;
        }

        public Builder talkTime(Duration min, Duration max) {
            talkTimeMin = min;
            talkTimeMax = max;
            return this;
        }

        /** How long a caller who abandons waits in the queue before hanging up. */
        public Builder waitTime(Duration min, Duration max) {
            waitTimeMin = min;
            waitTimeMax = max;
            return this;
        }

        /** Queue member ring timeout before AgentRingNoAnswer (queues.conf timeout). */
        public Builder memberTimeout(Duration v) {
            memberTimeout = v;
            return this;
        }

        /** Pause between two ring attempts (queues.conf retry). */
        public Builder retry(Duration v) {
            retry = v;
            return this;
        }

        /** How long a caller who would be answered waits for a free agent before giving up. */
        public Builder maxQueueWait(Duration v) {
            maxQueueWait = v;
            return this;
        }

        /**
         * How long an agent is not offered a call after talking on one (queues.conf wrapuptime); 0 unless set. The
         * member events still say {@code Wrapuptime: 0}, as Asterisk's do for a member without a wrap-up of its own.
         */
        public Builder wrapUpTime(Duration v) {
            if (v.isNegative()) {
                throw new IllegalArgumentException("wrapUpTime must not be negative");
            }
            wrapUpTime = v;
            return this;
        }

        /**
         * The share (0 to 1) of answered and abandoned calls that come in over a PJSIP trunk and ring the agents'
         * PJSIP phones through their Local legs, as recorded in pjsip-trunk-*; the others, and every ticket-status
         * and ring-no-answer call, are Local channels end to end. 0 by default.
         */
        public Builder pjsipShare(double v) {
            if (!(v >= 0 && v <= 1)) {
                throw new IllegalArgumentException("pjsipShare must be between 0 and 1");
            }
            pjsipShare = v;
            return this;
        }

        public TrafficConfig build() {
            return new TrafficConfig(this);
        }
    }
}
