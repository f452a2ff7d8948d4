package io.firstline.demo;

import static io.firstline.db.schema.Tables.AGENTS;
import static io.firstline.db.schema.Tables.AGENT_PRESENCE;
import static io.firstline.db.schema.Tables.CALLBACK_REQUESTS;
import static io.firstline.db.schema.Tables.CALLERS;
import static io.firstline.db.schema.Tables.CALLER_PHONES;
import static io.firstline.db.schema.Tables.CALLS;
import static io.firstline.db.schema.Tables.CALL_OUTCOMES;
import static io.firstline.db.schema.Tables.KB_ARTICLES;
import static io.firstline.db.schema.Tables.TICKETS;
import static io.firstline.db.schema.Tables.TICKET_NOTES;

import io.firstline.db.BulkInsert;
import io.firstline.db.Database;
import io.firstline.desk.Outcome;
import io.firstline.presence.PresenceKind;
import io.firstline.tickets.Ticket;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.TableField;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The help desk that {@code --demo} shows: agents alice, bob and carol (interfaces
 * {@code Local/1001..1003@agents/n}) and supervisor sam, whose own phone {@code Local/9000@supervisor}
 * (in no queue) rings when he listens in on a call from the wallboard; all sign in with
 * {@link #PASSWORD}. Around them 3,000 callers in 100 organisations, a month of calls with their
 * outcomes in the queues of dialplans/ (some 110 a weekday, a load of about 1.5 Erlangs at the peak hour, so that
 * some 82% are answered within the 20 s of the service level and 5% abandoned), tickets with notes, callbacks (a
 * handful open), and some 200 knowledge-base articles. Jane Doe
 * ({@value #JANE_DOE_PHONE}, caller {@value #JANE_DOE_ID}, as in the recorded Asterisk traces) has
 * two past calls and open ticket {@value #JANE_DOE_TICKET}, the same on any day. Fills an empty database only, the same
 * way every time (fixed random seed, times relative to the database's clock's now). Blocking: the main thread calls it
 * once at start-up, after the migrations.
 */
public final class DemoData {

    private static final Logger log = LoggerFactory.getLogger(DemoData.class);

    public static final String PASSWORD = "demo-password";
    static final long JANE_DOE_ID = 42;
    static final String JANE_DOE_PHONE = "+15551234567";
    static final long JANE_DOE_TICKET = 1234;
    static final String PBX = "demo";

    private static final int CHUNK = 1000;
    private static final int ORGANISATIONS = 100;
    private static final int CALLERS_TOTAL = 3000;
    private static final int DAYS = 30;
    private static final int TICKETS_WITHOUT_CALL = 450;
    private static final long SEED = 1001;
    /** Exchanges (the 3 digits after +1555) not given to organisations: Jane's, the traces' unknown callers', mobiles. */
    private static final Set<Integer> RESERVED_EXCHANGES = Set.of(123, 765, 777);

    /** The queues of dialplans/queues_firstline.conf; helpdesk is the general one (menu key 0, path main/operator). */
    private static final List<String> QUEUES = List.of("software", "hardware", "network", "helpdesk");
    private static final double[] QUEUE_WEIGHTS = {35, 25, 20, 20};
    private static final double[] HOUR_WEIGHTS = {0, 0, 0, 0, 0, 0, 0, 0, 6, 12, 13, 11, 7, 9, 11, 10, 8, 5};
    private static final List<String> DISPOSITIONS = List.of("resolved", "ticket-opened", "ticket-updated", "escalated",
            "callback-needed", "no-problem");
    private static final double[] DISPOSITION_WEIGHTS = {44, 18, 12, 5, 6, 15};
    private static final List<String> PRIORITIES = List.of("low", "normal", "high", "urgent");
    private static final List<String> STATUSES = List.of("open", "pending", "resolved", "closed");

    private final Database db;
    private final ZoneId zone;
    private final Instant now;
    private final Random random = new Random(SEED);

    private List<DemoAgent> agents;
    private final List<Article> articles = new ArrayList<>();
    private final Map<String, List<Article>> articlesByCategory = new HashMap<>();
    private final List<Organisation> organisations = new ArrayList<>();
    private final List<Person> people = new ArrayList<>();
    private double[] callWeights;
    private final List<Call> calls = new ArrayList<>();
    /** Today's presence intervals so far: pbx, interface, kind, reason, start, end. */
    private final List<Object[]> presence = new ArrayList<>();
    private final List<Ticket> tickets = new ArrayList<>();
    private final List<Outcome> outcomes = new ArrayList<>();
    private List<String[]> requests;

    private DemoData(Database db, ZoneId zone) {
        this.db = db;
        this.zone = zone;
        this.now = db.now();
    }

    /**
     * Loads the demo help desk unless the database has callers already.
     *
     * @param passwordHash the hash of {@link #PASSWORD}, asked for once, for all four accounts
     * @return whether it loaded anything
     */
    public static boolean fillIfEmpty(Database db, ZoneId zone, Supplier<String> passwordHash) {
        if (db.dsl().fetchExists(CALLERS)) {
            log.info("Demo data not loaded: the database has callers already");
            return false;
        }
        long t0 = System.nanoTime();
        DemoData demo = new DemoData(db, zone);
        demo.agents = demo.ensureAgents(passwordHash.get());
        demo.plan();
        demo.insert();
        log.info("Demo data loaded in {} ms: {} callers in {} organisations, {} calls, {} tickets, {} knowledge-base"
                + " articles. Sign in as alice, bob or carol (agents) or sam (supervisor) with the password '{}'",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0), demo.people.size(), demo.organisations.size(),
                demo.calls.size(), demo.tickets.size(), demo.articles.size(), PASSWORD);
        return true;
    }

    /** A caller as the demo's PBX lets them call: one of their numbers, and their name. */
    public record Listed(String number, String name) {
    }

    /**
     * Up to {@code max} callers of the database that have a number, drawn from the whole directory in an order of
     * {@code random}'s, each with one of their own numbers: one no other of them shares when they have one (not the
     * organisation's switchboard), else the shared one. Blocking.
     */
    public static List<Listed> directory(Database db, Random random, int max) {
        DSLContext dsl = db.dsl();
        Map<Long, String> names = new HashMap<>();
        dsl.select(CALLERS.ID, CALLERS.NAME).from(CALLERS)
                .where(DSL.exists(DSL.selectOne().from(CALLER_PHONES).where(CALLER_PHONES.CALLER_ID.eq(CALLERS.ID))))
                .orderBy(DSL.rand()).limit(max)
                .forEach(r -> names.put(r.value1(), r.value2()));
        Map<Long, List<String>> phonesOf = new HashMap<>();
        Map<String, Integer> holders = new HashMap<>();
        for (var r : dsl.select(CALLER_PHONES.CALLER_ID, CALLER_PHONES.PHONE).from(CALLER_PHONES)
                .where(CALLER_PHONES.CALLER_ID.in(names.keySet())).orderBy(CALLER_PHONES.CALLER_ID, CALLER_PHONES.PHONE)) {
            phonesOf.computeIfAbsent(r.value1(), id -> new ArrayList<>()).add(r.value2());
            holders.merge(r.value2(), 1, Integer::sum);
        }
        List<Long> ids = new ArrayList<>(phonesOf.keySet());
        Collections.sort(ids);
        Collections.shuffle(ids, random);
        List<Listed> out = new ArrayList<>(ids.size());
        for (long id : ids) {
            List<String> phones = phonesOf.get(id);
            List<String> own = phones.stream().filter(p -> holders.get(p) == 1).toList();
            List<String> from = own.isEmpty() ? phones : own;
            out.add(new Listed(from.get(random.nextInt(from.size())), names.get(id)));
        }
        return out;
    }

    private record DemoAgent(long id, String iface) {
    }

    private record Organisation(String name, String domain, int exchange, String switchboard) {
    }

    private record Person(long id, String firstName, String name, Organisation organisation, String email, boolean vip,
            List<String> phones, Instant createdAt) {
    }

    private static final class Article {
        final long id;
        final DemoResources.Article text;
        final long createdBy;
        final Instant createdAt;
        int timesUsed;

        Article(long id, DemoResources.Article text, long createdBy, Instant createdAt) {
            this.id = id;
            this.text = text;
            this.createdBy = createdBy;
            this.createdAt = createdAt;
        }
    }

    private static final class Call {
        long id;
        String linkedid;
        Person caller;
        String number;
        String queue;
        DemoAgent agent;
        Instant entered;
        Instant queued;
        Instant answered;
        Instant ended;
        int waitSeconds;
        Integer talkSeconds;
    }

    private static final class Ticket {
        long id;
        Person caller;
        Call call;
        String category;
        String priority;
        String status;
        String subject;
        String problem;
        String resolution;
        DemoAgent createdBy;
        Instant createdAt;
        Instant resolvedAt;
        final List<Note> notes = new ArrayList<>();
    }

    private record Note(DemoAgent agent, String body, Instant at) {
    }

    private record Outcome(Call call, String disposition, String notes, Ticket ticket, String ticketAction,
            Article article, int wrapupSeconds, Instant at) {
    }

    private List<DemoAgent> ensureAgents(String passwordHash) {
        List<DemoAgent> out = new ArrayList<>();
        DSLContext dsl = db.dsl();
        String[][] accounts = {
                {"alice", "Alice Agent", "agent", "Local/1001@agents/n"},
                {"bob", "Bob Agent", "agent", "Local/1002@agents/n"},
                {"carol", "Carol Agent", "agent", "Local/1003@agents/n"},
                {"sam", "Sam Supervisor", "supervisor", "Local/9000@supervisor"}};
        for (String[] a : accounts) {
            var existing = dsl.selectFrom(AGENTS).where(AGENTS.USERNAME.eq(a[0])).fetchOne();
            if (existing != null) {
                if (a[2].equals("agent")) {
                    out.add(new DemoAgent(existing.getId(), existing.getInterface()));
                }
                continue;
            }
            String iface = a[3];
            if (iface != null && dsl.fetchExists(AGENTS, AGENTS.INTERFACE.eq(iface))) {
                log.warn("Demo agent {} gets no interface: {} belongs to another agent", a[0], iface);
                iface = null;
            }
            var r = dsl.newRecord(AGENTS).setUsername(a[0]).setName(a[1]).setPasswordHash(passwordHash).setRole(a[2])
                    .setInterface(iface).setActive(true).setCreatedAt(now.minus(400, ChronoUnit.DAYS));
            r.store();
            if (a[2].equals("agent")) {
                out.add(new DemoAgent(r.getId(), iface));
            }
        }
        return out;
    }

    private void plan() {
        planArticles();
        planOrganisations();
        planPeople();
        planCalls();
        planPresence();
        planOutcomesAndTickets();
        planTicketsWithoutCall();
        numberTickets();
        planNotes();
        for (Article a : articles) {
            a.timesUsed += random.nextDouble() < 0.15 ? 10 + random.nextInt(50) : random.nextInt(8);
        }
    }

    private void planArticles() {
        List<DemoResources.Article> texts = new ArrayList<>(DemoResources.articles());
        Collections.shuffle(texts, random);
        long base = nextId(KB_ARTICLES.ID);
        Instant first = now.minus(700, ChronoUnit.DAYS);
        long span = Duration.between(first, now.minus(5, ChronoUnit.DAYS)).toSeconds();
        for (int i = 0; i < texts.size(); i++) {
            Instant created = first.plusSeconds(span * i / texts.size() + random.nextInt(3600));
            Article a = new Article(base + i, texts.get(i), pickAgent().id(), created);
            articles.add(a);
            articlesByCategory.computeIfAbsent(a.text.category(), c -> new ArrayList<>()).add(a);
        }
        requests = DemoResources.words("requests.txt").stream().map(l -> l.split("\\s*\\|\\s*", 2)).toList();
    }

    private void planOrganisations() {
        List<String> stems = new ArrayList<>(DemoResources.words("organisation-stems.txt"));
        List<String> trades = DemoResources.words("organisation-trades.txt");
        Collections.shuffle(stems, random);
        List<Integer> exchanges = new ArrayList<>();
        for (int e = 200; e < 990; e++) {
            if (!RESERVED_EXCHANGES.contains(e)) {
                exchanges.add(e);
            }
        }
        Collections.shuffle(exchanges, random);
        for (int i = 0; i < ORGANISATIONS; i++) {
            String stem = stems.get(i % stems.size());
            String trade = trades.get(random.nextInt(trades.size()));
            double suffix = random.nextDouble();
            String name = stem + " " + trade + (suffix < 0.2 ? " LLC" : suffix < 0.35 ? " Inc." : "");
            String domain = slug(stem) + slug(trade.split(" ")[0]) + ".example";
            int exchange = exchanges.get(i);
            organisations.add(new Organisation(name, domain, exchange, phone(exchange, 100)));
        }
    }

    private void planPeople() {
        List<String> firstNames = DemoResources.words("first-names.txt");
        List<String> lastNames = DemoResources.words("last-names.txt");
        double[] orgWeights = new double[ORGANISATIONS];
        for (int i = 0; i < ORGANISATIONS; i++) {
            orgWeights[i] = 1 / Math.pow(i + 2, 0.8);
        }
        Map<Organisation, Integer> nextLine = new HashMap<>();
        Set<String> emails = new HashSet<>();
        Set<String> mobiles = new HashSet<>();
        callWeights = new double[CALLERS_TOTAL];
        for (int i = 0; i < CALLERS_TOTAL; i++) {
            long id = i + 1;
            Instant created = now.minus(30 + random.nextInt(700), ChronoUnit.DAYS).plusSeconds(random.nextInt(86_400));
            if (id == JANE_DOE_ID) {
                Organisation org = organisations.get(0);
                emails.add("jane.doe@" + org.domain());
                people.add(new Person(id, "Jane", "Jane Doe", org, "jane.doe@" + org.domain(), false,
                        List.of(JANE_DOE_PHONE), created));
                continue;
            }
            Organisation org = organisations.get(pickIndex(orgWeights));
            String first = firstNames.get(random.nextInt(firstNames.size()));
            String last = lastNames.get(random.nextInt(lastNames.size()));
            String local = slug(first) + "." + slug(last);
            String email = local + "@" + org.domain();
            for (int n = 2; !emails.add(email); n++) {
                email = local + n + "@" + org.domain();
            }
            int line = nextLine.merge(org, 2000 + random.nextInt(500), (old, ignored) -> old + 1 + random.nextInt(3));
            String desk = phone(org.exchange(), line);
            String mobile;
            do {
                mobile = phone(990 + random.nextInt(10), random.nextInt(10_000));
            } while (!mobiles.add(mobile));
            double kind = random.nextDouble();
            List<String> phones = kind < 0.55 ? List.of(desk)
                    : kind < 0.75 ? List.of(desk, mobile)
                    : kind < 0.85 ? List.of(mobile)
                    : kind < 0.95 ? List.of(desk, org.switchboard())
                    : List.of(org.switchboard());
            boolean vip = random.nextDouble() < 0.05;
            people.add(new Person(id, first, first + " " + last, org, email, vip, phones, created));
            callWeights[i] = (random.nextDouble() < 0.3 ? 5 : 1) * (vip ? 2 : 1);
        }
    }

    private void planCalls() {
        LocalDate today = LocalDate.ofInstant(now, zone);
        for (LocalDate day = today.minusDays(DAYS); !day.isAfter(today); day = day.plusDays(1)) {
            boolean weekend = day.getDayOfWeek() == DayOfWeek.SATURDAY || day.getDayOfWeek() == DayOfWeek.SUNDAY;
            int count = weekend ? random.nextInt(5) : 90 + random.nextInt(40);
            // How hard the day was on the three agents: 0.7 a quiet one, 1.5 a day with an outage.
            double strain = 0.7 + 0.8 * random.nextDouble();
            for (int i = 0; i < count; i++) {
                Instant entered = day.atTime(pickIndex(HOUR_WEIGHTS), random.nextInt(60), random.nextInt(60))
                        .atZone(zone).toInstant().plusMillis(random.nextInt(1000));
                if (entered.isAfter(now.minus(15, ChronoUnit.MINUTES))) {
                    continue;
                }
                Person caller = random.nextDouble() < 0.9 ? people.get(pickIndex(callWeights)) : null;
                String number = caller == null ? phone(800 + random.nextInt(100), random.nextInt(10_000))
                        : caller.phones().get(random.nextInt(caller.phones().size()));
                String queue = QUEUES.get(pickIndex(QUEUE_WEIGHTS));
                // Most answered within the 20 s of the service level (some 82% of the calls over the month), 5% abandoned.
                boolean answered = random.nextDouble() >= 0.02 + 0.03 * strain;
                int waitSeconds = answered ? 3 + (int) Math.min(600, exponential(8 * strain))
                        : 10 + (int) Math.min(900, exponential(60));
                Integer talkSeconds = answered ? 45 + (int) Math.min(3600, exponential(195)) : null;
                calls.add(call(caller, number, queue, answered ? pickAgent() : null, entered, waitSeconds, talkSeconds));
            }
        }
        Person jane = people.get((int) JANE_DOE_ID - 1);
        calls.add(call(jane, JANE_DOE_PHONE, "software", agents.get(0),
                daysAgoAt(9, 10, 12), 22, 418));
        calls.add(call(jane, JANE_DOE_PHONE, "hardware", agents.get(1 % agents.size()),
                daysAgoAt(2, 14, 37), 41, 655));
        calls.sort(Comparator.comparing((Call c) -> c.entered));
        long base = nextId(CALLS.ID);
        long sequence = 1000;
        for (int i = 0; i < calls.size(); i++) {
            Call c = calls.get(i);
            c.id = base + i;
            sequence += 2 + random.nextInt(5);
            c.linkedid = c.entered.getEpochSecond() + "." + sequence;
        }
    }

    /**
     * Today's morning so far, for the board's "signed in" and "paused": each agent signed in shortly before their
     * first call of the day, with a break in the longest quiet stretch between their calls. The intervals end now; the
     * demo's PBX lists the agents as signed in when Firstline connects, which opens the next ones.
     */
    private void planPresence() {
        Instant startOfDay = LocalDate.ofInstant(now, zone).atStartOfDay(zone).toInstant();
        Instant usualStart = LocalDate.ofInstant(now, zone).atTime(7, 45).atZone(zone).toInstant();
        for (DemoAgent agent : agents) {
            List<Call> mine = calls.stream().filter(c -> c.agent == agent && !c.answered.isBefore(startOfDay))
                    .sorted(Comparator.comparing((Call c) -> c.answered)).toList();
            Instant signIn = usualStart.plusSeconds(60L * random.nextInt(15));
            if (!mine.isEmpty() && mine.get(0).answered.isBefore(signIn)) {
                signIn = mine.get(0).answered.minusSeconds(60L + random.nextInt(240));
            }
            if (!signIn.isBefore(now)) {
                continue;
            }
            presence.add(new Object[] {PBX, agent.iface(), PresenceKind.SIGNED_IN.wire(), null, signIn, now});
            Instant quietFrom = signIn;
            Instant longestFrom = null;
            Duration longest = Duration.ofMinutes(20);
            for (Call c : mine) {
                if (Duration.between(quietFrom, c.answered).compareTo(longest) > 0) {
                    longest = Duration.between(quietFrom, c.answered);
                    longestFrom = quietFrom;
                }
                quietFrom = c.ended.isAfter(quietFrom) ? c.ended : quietFrom;
            }
            if (longestFrom != null) {
                Instant pause = longestFrom.plusSeconds(120 + random.nextInt(180));
                presence.add(new Object[] {PBX, agent.iface(), PresenceKind.PAUSED.wire(), random.nextBoolean() ? "break" : "back-office",
                        pause, pause.plusSeconds(60L * (8 + random.nextInt(8)))});
            }
        }
    }

    private Call call(Person caller, String number, String queue, DemoAgent agent, Instant entered, int waitSeconds,
            Integer talkSeconds) {
        Call c = new Call();
        c.caller = caller;
        c.number = number;
        c.queue = queue;
        c.agent = agent;
        c.entered = entered;
        c.queued = entered.plusSeconds(6 + random.nextInt(20));
        c.waitSeconds = waitSeconds;
        c.talkSeconds = talkSeconds;
        if (agent != null) {
            c.answered = c.queued.plusSeconds(waitSeconds);
            c.ended = c.answered.plusSeconds(talkSeconds);
        } else {
            c.ended = c.queued.plusSeconds(waitSeconds);
        }
        return c;
    }

    private Instant daysAgoAt(int days, int hour, int minute) {
        return LocalDate.ofInstant(now, zone).minusDays(days).atTime(hour, minute, 7).atZone(zone).toInstant()
                .plusMillis(412);
    }

    private void planOutcomesAndTickets() {
        Map<Person, List<Ticket>> ticketsOf = new HashMap<>();
        for (Call call : calls) {
            if (call.agent == null) {
                continue;
            }
            int wrapup = 10 + random.nextInt(170);
            Instant at = call.ended.plusSeconds(wrapup);
            boolean jane = call.caller != null && call.caller.id() == JANE_DOE_ID;
            String category = categoryOf(call.queue);
            String disposition;
            if (jane) {
                disposition = call.queue.equals("software") ? "resolved" : "ticket-opened";
            } else if (call.caller == null) {
                double d = random.nextDouble();
                disposition = d < 0.5 ? "resolved" : d < 0.9 ? "no-problem" : "callback-needed";
            } else {
                disposition = DISPOSITIONS.get(pickIndex(DISPOSITION_WEIGHTS));
            }
            Ticket ticket = null;
            String action = null;
            Article article = null;
            if (disposition.equals("ticket-updated")) {
                ticket = ticketsOf.getOrDefault(call.caller, List.of()).stream()
                        .filter(t -> t.createdAt.isBefore(call.entered)
                                && (t.resolvedAt == null || t.resolvedAt.isAfter(at)))
                        .reduce((a, b) -> b).orElse(null);
                if (ticket == null) {
                    disposition = "ticket-opened";
                } else {
                    action = "updated";
                }
            }
            if (disposition.equals("ticket-opened") || disposition.equals("escalated")) {
                ticket = jane ? janeTicket(call, at) : ticket(call.caller, call, category, call.agent, at,
                        disposition.equals("escalated"));
                action = "opened";
                tickets.add(ticket);
                ticketsOf.computeIfAbsent(call.caller, p -> new ArrayList<>()).add(ticket);
            }
            if (disposition.equals("resolved")) {
                article = jane ? articleTitled("Outlook keeps asking for the password", "software")
                        : random.nextDouble() < 0.6 ? pickArticle(category) : null;
                if (article != null) {
                    article.timesUsed++;
                }
            }
            String notes = outcomeNotes(disposition, call, ticket, article);
            if (action != null && action.equals("updated")) {
                ticket.notes.add(new Note(call.agent, notes, at));
            }
            outcomes.add(new Outcome(call, disposition, notes, ticket, action, article, wrapup, at));
        }
    }

    private Ticket janeTicket(Call call, Instant at) {
        Ticket t = new Ticket();
        t.id = JANE_DOE_TICKET;
        t.caller = call.caller;
        t.call = call;
        t.category = "hardware";
        t.priority = "normal";
        t.status = "open";
        t.subject = "Docking station monitors stay black";
        t.problem = "Since Monday both external monitors on the docking station at Jane's desk stay black; the laptop"
                + " charges and its own screen works. Another laptop on the same dock shows the same, so the dock is"
                + " the suspect. Jane works from the laptop screen meanwhile.";
        t.createdBy = call.agent;
        t.createdAt = at;
        t.notes.add(new Note(call.agent, "Updated the dock firmware remotely and reseated the USB-C cable with Jane;"
                + " monitors still black. Ordered a replacement dock.", at.plusSeconds(600)));
        Instant later = at.plus(20, ChronoUnit.HOURS);
        if (later.isBefore(now)) {
            t.notes.add(new Note(agents.get(agents.size() - 1), "Replacement dock shipped, expected on Thursday."
                    + " Will swap it at Jane's desk and check both monitors.", later));
        }
        return t;
    }

    private Ticket ticket(Person caller, Call call, String category, DemoAgent agent, Instant at, boolean escalated) {
        Ticket t = new Ticket();
        t.caller = caller;
        t.call = call;
        t.category = category;
        t.createdBy = agent;
        t.createdAt = at;
        Article article = null;
        if (category.equals("other")) {
            String[] request = requests.get(random.nextInt(requests.size()));
            t.subject = request[0];
            t.problem = request[1];
        } else {
            article = pickArticle(category);
            t.subject = article.text.title();
            t.problem = firstSentences(article.text.problem(), 2);
        }
        if (escalated) {
            t.priority = random.nextDouble() < 0.6 ? "high" : "urgent";
        } else if (caller.vip() && random.nextDouble() < 0.5) {
            t.priority = "high";
        } else {
            t.priority = PRIORITIES.get(pickIndex(new double[] {20, 58, 18, 4}));
        }
        double days = Duration.between(at, now).toMinutes() / 1440.0;
        double[] weights = days < 2 ? new double[] {55, 30, 15, 0}
                : days < 7 ? new double[] {25, 20, 40, 15}
                : days < 30 ? new double[] {6, 6, 33, 55}
                : new double[] {2, 1, 17, 80};
        t.status = STATUSES.get(pickIndex(weights));
        if (t.status.equals("resolved") || t.status.equals("closed")) {
            long maxMinutes = Math.max(31, Math.min(Duration.between(at, now).toMinutes(), 5 * 1440));
            t.resolvedAt = at.plus(30 + (long) (random.nextDouble() * (maxMinutes - 30)), ChronoUnit.MINUTES);
            t.resolution = article != null && random.nextDouble() < 0.7
                    ? "Followed KB #" + article.id + " (" + article.text.title() + "); " + t.caller.firstName()
                            + " confirmed it works."
                    : pick(category.equals("other") ? DONE_REQUESTS : RESOLUTIONS).formatted(t.caller.firstName());
        }
        return t;
    }

    private void planTicketsWithoutCall() {
        double[] categoryWeights = {25, 30, 15, 20, 10};
        List<String> categories = List.of("hardware", "software", "network", "account", "other");
        long span = Duration.ofDays(120).toSeconds();
        for (int i = 0; i < TICKETS_WITHOUT_CALL; i++) {
            Instant at = now.minusSeconds(3600 + (long) (random.nextDouble() * span));
            Person caller = people.get(pickIndex(callWeights));
            DemoAgent agent = random.nextDouble() < 0.4 ? null : pickAgent();
            tickets.add(ticket(caller, null, categories.get(pickIndex(categoryWeights)), agent, at, false));
        }
    }

    /**
     * Numbers the tickets in the order they were opened, Jane's with {@value #JANE_DOE_TICKET} whatever the day: how
     * many tickets come before hers depends on the weekdays of the last month, so it is set aside, not counted to.
     */
    private void numberTickets() {
        tickets.sort(Comparator.comparing((Ticket t) -> t.createdAt));
        long next = nextId(TICKETS.ID);
        for (Ticket t : tickets) {
            if (t.id == JANE_DOE_TICKET) {
                continue;
            }
            if (next == JANE_DOE_TICKET) {
                next++;
            }
            t.id = next++;
        }
    }

    private void planNotes() {
        for (Ticket t : tickets) {
            if (t.caller.id() == JANE_DOE_ID) {
                continue;
            }
            Instant end = t.resolvedAt != null ? t.resolvedAt : now;
            long minutes = Math.max(2, Duration.between(t.createdAt, end).toMinutes());
            int count = 1 + (random.nextDouble() < 0.5 ? 1 : 0);
            List<Note> notes = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                Instant at = t.createdAt.plus(1 + (long) (random.nextDouble() * Math.min(minutes - 1, 2 * 1440)),
                        ChronoUnit.MINUTES);
                notes.add(new Note(t.createdBy != null ? t.createdBy : pickAgent(),
                        pick(PROGRESS_NOTES).formatted(t.caller.firstName(), t.caller.organisation().name()), at));
            }
            if (t.resolvedAt != null) {
                notes.add(new Note(pickAgent(), pick(CLOSING_NOTES).formatted(t.caller.firstName()), t.resolvedAt));
            }
            t.notes.addAll(notes);
        }
    }

    private void insert() {
        DSLContext dsl = db.dsl();
        List<Object[]> rows = new ArrayList<>();
        for (Article a : articles) {
            rows.add(new Object[] {a.id, a.text.title(), a.text.problem(), a.text.solution(), a.text.category(),
                    a.timesUsed, a.createdBy, a.createdAt, a.createdAt});
        }
        insert(dsl, KB_ARTICLES, List.of(KB_ARTICLES.ID, KB_ARTICLES.TITLE, KB_ARTICLES.PROBLEM, KB_ARTICLES.SOLUTION,
                KB_ARTICLES.CATEGORY, KB_ARTICLES.TIMES_USED, KB_ARTICLES.CREATED_BY, KB_ARTICLES.CREATED_AT,
                KB_ARTICLES.UPDATED_AT), rows);

        rows = new ArrayList<>();
        List<Object[]> phones = new ArrayList<>();
        for (Person p : people) {
            rows.add(new Object[] {p.id(), p.name(), p.organisation().name(), p.email(), p.vip(), p.createdAt(),
                    p.createdAt()});
            for (String phone : p.phones()) {
                phones.add(new Object[] {p.id(), phone});
            }
        }
        insert(dsl, CALLERS, List.of(CALLERS.ID, CALLERS.NAME, CALLERS.ORGANISATION, CALLERS.EMAIL, CALLERS.VIP,
                CALLERS.CREATED_AT, CALLERS.UPDATED_AT), rows);
        insert(dsl, CALLER_PHONES, List.of(CALLER_PHONES.CALLER_ID, CALLER_PHONES.PHONE), phones);

        rows = new ArrayList<>();
        for (Call c : calls) {
            rows.add(new Object[] {c.id, PBX, c.linkedid, c.number, c.caller == null ? null : c.caller.name(),
                    c.caller == null ? null : c.caller.id(), menuPath(c.queue), c.queue,
                    c.agent != null ? "answered" : "abandoned", c.agent == null ? null : c.agent.id(),
                    c.agent == null ? null : c.agent.iface(), c.entered, c.queued, c.answered, c.ended,
                    c.agent == null ? "abandoned" : random.nextDouble() < 0.7 ? "caller-hangup" : "agent-hangup",
                    c.waitSeconds, c.talkSeconds, c.ended});
        }
        insert(dsl, CALLS, List.of(CALLS.ID, CALLS.PBX, CALLS.LINKEDID, CALLS.CALLER_NUMBER, CALLS.CALLER_NAME,
                CALLS.CALLER_ID, CALLS.MENU_PATH, CALLS.QUEUE, CALLS.STATUS, CALLS.AGENT_ID, CALLS.AGENT_INTERFACE,
                CALLS.ENTERED_AT, CALLS.QUEUED_AT, CALLS.ANSWERED_AT, CALLS.ENDED_AT, CALLS.END_REASON,
                CALLS.WAIT_SECONDS, CALLS.TALK_SECONDS, CALLS.UPDATED_AT), rows);

        rows = new ArrayList<>();
        for (Object[] p : presence) {
            rows.add(new Object[] {p[0], p[1], p[2], p[3], p[4], p[5], p[5]});
        }
        insert(dsl, AGENT_PRESENCE, List.of(AGENT_PRESENCE.PBX, AGENT_PRESENCE.INTERFACE, AGENT_PRESENCE.KIND,
                AGENT_PRESENCE.REASON, AGENT_PRESENCE.STARTED_AT, AGENT_PRESENCE.ENDED_AT, AGENT_PRESENCE.CONFIRMED_AT), rows);

        rows = new ArrayList<>();
        List<Object[]> notes = new ArrayList<>();
        for (Ticket t : tickets) {
            Instant updated = t.notes.stream().map(Note::at).max(Comparator.naturalOrder()).orElse(t.createdAt);
            rows.add(new Object[] {t.id, t.caller.id(), t.call == null ? null : t.call.id, t.category, t.priority,
                    t.status, t.subject, t.problem, t.resolution, t.createdBy == null ? null : t.createdBy.id(),
                    t.createdAt, updated, t.resolvedAt});
            for (Note n : t.notes) {
                notes.add(new Object[] {t.id, n.agent().id(), n.body(), n.at()});
            }
        }
        insert(dsl, TICKETS, List.of(TICKETS.ID, TICKETS.CALLER_ID, TICKETS.CALL_ID, TICKETS.CATEGORY, TICKETS.PRIORITY,
                TICKETS.STATUS, TICKETS.SUBJECT, TICKETS.PROBLEM, TICKETS.RESOLUTION, TICKETS.CREATED_BY,
                TICKETS.CREATED_AT, TICKETS.UPDATED_AT, TICKETS.RESOLVED_AT), rows);
        notes.sort(Comparator.comparing(n -> (Instant) n[3]));
        insert(dsl, TICKET_NOTES, List.of(TICKET_NOTES.TICKET_ID, TICKET_NOTES.AGENT_ID, TICKET_NOTES.BODY,
                TICKET_NOTES.CREATED_AT), notes);

        rows = new ArrayList<>();
        for (Outcome o : outcomes) {
            String text = o.ticket() == null ? o.notes() : o.notes().replace(TICKET_NUMBER, Long.toString(o.ticket().id));
            rows.add(new Object[] {o.call().id, o.call().agent.id(), o.disposition(), text,
                    o.ticket() == null ? null : o.ticket().id, o.ticketAction(),
                    o.article() == null ? null : o.article().id, o.wrapupSeconds(), o.at()});
        }
        insert(dsl, CALL_OUTCOMES, List.of(CALL_OUTCOMES.CALL_ID, CALL_OUTCOMES.AGENT_ID, CALL_OUTCOMES.DISPOSITION,
                CALL_OUTCOMES.NOTES, CALL_OUTCOMES.TICKET_ID, CALL_OUTCOMES.TICKET_ACTION, CALL_OUTCOMES.KB_ARTICLE_ID,
                CALL_OUTCOMES.WRAPUP_SECONDS, CALL_OUTCOMES.CREATED_AT), rows);

        insert(dsl, CALLBACK_REQUESTS, List.of(CALLBACK_REQUESTS.CALL_ID, CALLBACK_REQUESTS.CALLER_ID,
                CALLBACK_REQUESTS.PHONE, CALLBACK_REQUESTS.QUEUE, CALLBACK_REQUESTS.MENU_PATH, CALLBACK_REQUESTS.REASON,
                CALLBACK_REQUESTS.STATUS, CALLBACK_REQUESTS.CREATED_AT, CALLBACK_REQUESTS.HANDLED_BY,
                CALLBACK_REQUESTS.HANDLED_AT, CALLBACK_REQUESTS.RESULT), callbacks());
    }

    /** A callback for each abandoned call: the last few still open, the others handled. */
    private List<Object[]> callbacks() {
        List<Call> abandoned = calls.stream().filter(c -> c.agent == null).toList();
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < abandoned.size(); i++) {
            Call c = abandoned.get(i);
            boolean open = i >= abandoned.size() - 6;
            Instant handled = c.ended.plus(3 + random.nextInt(90), ChronoUnit.MINUTES);
            if (handled.isAfter(now)) {
                open = true;
            }
            double r = random.nextDouble();
            String status = open ? "open" : r < 0.85 ? "done" : "failed";
            String result = open ? null : r < 0.6 ? "reached" : r < 0.85 ? "voicemail" : "no-answer";
            rows.add(new Object[] {c.id, c.caller == null ? null : c.caller.id(), c.number, c.queue, menuPath(c.queue),
                    "abandoned", status, c.ended, open ? null : pickAgent().id(), open ? null : handled, result});
        }
        return rows;
    }

    private static void insert(DSLContext dsl, org.jooq.Table<?> table, List<Field<?>> columns, List<Object[]> rows) {
        BulkInsert.inChunks(dsl, table, columns, rows, CHUNK);
    }

    private String outcomeNotes(String disposition, Call call, Ticket ticket, Article article) {
        String first = call.caller == null ? "the caller" : call.caller.firstName();
        return switch (disposition) {
            case "resolved" -> article != null
                    ? "Walked " + first + " through KB #" + article.id + " (" + article.text.title() + "). Works again."
                    : pick(RESOLVED_NOTES).formatted(first);
            case "ticket-opened" -> "Opened #" + TICKET_NUMBER + ": " + ticket.subject + ".";
            case "ticket-updated" -> pick(UPDATE_NOTES).formatted(first);
            case "escalated" -> "Escalated to second line: " + ticket.subject + ". " + first + " needs it today.";
            case "callback-needed" -> pick(CALLBACK_NOTES).formatted(first);
            default -> pick(NO_PROBLEM_NOTES).formatted(first);
        };
    }

    /** The phone menu's path to a queue, as dialplans/extensions_firstline.conf sets it. */
    static String menuPath(String queue) {
        return queue.equals("helpdesk") ? "main/operator" : "main/" + queue;
    }

    private String categoryOf(String queue) {
        return queue.equals("helpdesk") ? (random.nextDouble() < 0.65 ? "account" : "other") : queue;
    }

    private Article pickArticle(String category) {
        List<Article> list = articlesByCategory.getOrDefault(category, articles);
        // Earlier articles in the list come up more often: a few problems make most of the calls.
        int i = (int) Math.min(list.size() - 1, exponential(list.size() / 4.0));
        return list.get(i);
    }

    private Article articleTitled(String prefix, String category) {
        return articles.stream().filter(a -> a.text.title().startsWith(prefix)).findFirst()
                .orElseGet(() -> pickArticle(category));
    }

    private DemoAgent pickAgent() {
        double[] weights = {40, 35, 25};
        return agents.get(pickIndex(java.util.Arrays.copyOf(weights, agents.size())));
    }

    private String pick(List<String> list) {
        return list.get(random.nextInt(list.size()));
    }

    private int pickIndex(double[] weights) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        double x = random.nextDouble() * total;
        for (int i = 0; i < weights.length; i++) {
            x -= weights[i];
            if (x < 0) {
                return i;
            }
        }
        return weights.length - 1;
    }

    private double exponential(double mean) {
        return -mean * Math.log(1 - random.nextDouble());
    }

    private long nextId(TableField<?, Long> id) {
        Long max = db.dsl().select(DSL.max(id)).from(id.getTable()).fetchOne(0, Long.class);
        return max == null ? 1 : max + 1;
    }

    static String phone(int exchange, int line) {
        return String.format("+1555%03d%04d", exchange, line);
    }

    private static String slug(String s) {
        return s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]", "");
    }

    private static String firstSentences(String text, int count) {
        String[] sentences = text.split("(?<=[.!?])\\s+");
        return String.join(" ", java.util.Arrays.asList(sentences).subList(0, Math.min(count, sentences.length)));
    }

    /** Stands for the ticket's number in outcome notes written before tickets are numbered. */
    private static final String TICKET_NUMBER = "{ticket}";
    private static final List<String> RESOLUTIONS = List.of(
            "Fixed in a remote session with %s; tested together before closing.",
            "Could not reproduce any more; %s confirmed it works again.",
            "Replaced the device; the old one went back to the supplier under warranty.",
            "Reinstalled the application and restored the settings; %s confirmed it works.",
            "Reset the profile and signed %s in again; problem gone.",
            "Caused by the outage on the provider's side; resolved once the provider fixed it.");
    private static final List<String> DONE_REQUESTS = List.of(
            "Done and handed over to %s.",
            "Set up as requested; %s confirmed everything is in place.",
            "Completed; the manager approved it by email first.");
    private static final List<String> PROGRESS_NOTES = List.of(
            "Remote session with %s; collected logs and screenshots.",
            "Asked %s to restart and try again; will check back this afternoon.",
            "Left a voicemail for %s, will try again tomorrow morning.",
            "Waiting for %s to confirm from the office.",
            "Reproduced the problem on a test machine with the same build.",
            "Checked with the network team: no outage known at %2$s.",
            "Replacement ordered from the supplier, expected in three working days.",
            "Sent %s the steps by email as well.",
            "Escalated to second line with the logs attached.",
            "Booked a visit at %2$s for Thursday morning.");
    private static final List<String> CLOSING_NOTES = List.of(
            "%s confirmed it works. Closing.",
            "No reply from %s for three days after the fix; closing.",
            "Checked with %s today: still fine. Closing.");
    private static final List<String> RESOLVED_NOTES = List.of(
            "Cleared the cached credentials with %s; works again.",
            "Restarted the device with %s on the line; fine now.",
            "Showed %s where the setting is; nothing broken.",
            "Reset the password for %s and checked the sign-in.",
            "Reconnected %s to the network; tested browsing and mail.");
    private static final List<String> UPDATE_NOTES = List.of(
            "%s called for news: still happening, added the details.",
            "%s reports it happened again this morning.",
            "%s asked when the replacement arrives; told them Thursday.",
            "Update from %s: the workaround helps for now.");
    private static final List<String> CALLBACK_NOTES = List.of(
            "%s had to go into a meeting; call back after 2 pm.",
            "%s was not at the computer; call back when they are at their desk.",
            "Need the error message from %s; they will be called back.");
    private static final List<String> NO_PROBLEM_NOTES = List.of(
            "%s wanted the guest Wi-Fi password; gave it.",
            "Wrong number: %s wanted facilities; transferred.",
            "%s called to say the earlier problem is fixed.",
            "%s asked about the planned maintenance on Saturday.");
}
