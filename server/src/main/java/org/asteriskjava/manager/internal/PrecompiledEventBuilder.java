package org.asteriskjava.manager.internal;

import java.lang.invoke.LambdaMetafactory;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.Method;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiConsumer;
import java.util.function.Function;
import org.asteriskjava.manager.event.ManagerEvent;
import org.asteriskjava.manager.event.ResponseEvent;
import org.asteriskjava.manager.event.UserEvent;
import org.asteriskjava.util.AstUtil;
import org.asteriskjava.util.ReflectionUtil;

/**
 * Builds AMI events exactly as Asterisk-Java's {@link EventBuilderImpl} does, without its per-event reflection: the
 * event class of each event name is learnt from the stock builder's first result, and each class's setters are looked up
 * once, with their conversion chosen once. Whatever it cannot do identically (an unknown event, an attribute without a
 * setter, a value the stock builder would log about, an odd setter type) it leaves to the stock builder, for the whole
 * event. Called on Asterisk-Java's reader thread; {@link #registerEventClass} may come from another.
 *
 * <p>It lives in Asterisk-Java's package because {@link EventBuilder} is package-private there.
 */
final class PrecompiledEventBuilder implements EventBuilder {

    /** Event names (as Asterisk spells them) known at most, so that a PBX sending made-up names cannot grow the cache. */
    private static final int MAX_NAMES = 2_000;
    /** Another level below the event name: the user event's name (as Asterisk spells it). */
    private static final Object USER_EVENT = new Object();
    private static final MethodHandles.Lookup LOOKUP = MethodHandles.lookup();
    /** Per class, shared by all connections: a class's setters never change. */
    private static final Map<Class<?>, Plan> PLANS = new ConcurrentHashMap<>();

    private final EventBuilder stock;
    /** Event name to its {@link Plan}, or {@link #USER_EVENT}; emptied when the event classes registered change. */
    private final Map<String, Object> byName = new ConcurrentHashMap<>();
    private final Map<String, Plan> byUserEventName = new ConcurrentHashMap<>();
    /** Written by the reader thread only. */
    private volatile long built;
    private volatile long delegated;

    PrecompiledEventBuilder(EventBuilder stock) {
        this.stock = stock;
    }

    @Override
    public void registerEventClass(Class<? extends ManagerEvent> eventClass) {
        stock.registerEventClass(eventClass);
        forgetNames();
    }

    @Override
    public void deregisterEventClass(Class<? extends ManagerEvent> eventClass) {
        stock.deregisterEventClass(eventClass);
        forgetNames();
    }

    private void forgetNames() {
        byName.clear();
        byUserEventName.clear();
    }

    /** Events built here, not by the stock builder (for tests and the benchmark). */
    long built() {
        return built;
    }

    /** Events left to the stock builder (see {@link #built}). */
    long delegated() {
        return delegated;
    }

    @Override
    public ManagerEvent buildEvent(Object source, Map<String, Object> attributes) {
        Plan plan = plan(attributes);
        ManagerEvent event = plan == null ? null : plan.build(source, attributes);
        if (event != null) {
            built++;
            return event;
        }
        delegated++;
        event = stock.buildEvent(source, attributes);
        if (plan == null && event != null && attributes.get("event") instanceof String name) {
            learn(name, attributes, event.getClass());
        }
        return event;
    }

    /** The plan for this event's name, once the stock builder has built one of that name. */
    private Plan plan(Map<String, Object> attributes) {
        if (!(attributes.get("event") instanceof String name)) {
            return null; // a list of PeerEntry events, or no name: the stock builder's
        }
        Object known = byName.get(name);
        if (known != USER_EVENT) {
            return (Plan) known;
        }
        return attributes.get("userevent") instanceof String userEventName ? byUserEventName.get(userEventName) : null;
    }

    private void learn(String name, Map<String, Object> attributes, Class<?> eventClass) {
        if (byName.size() + byUserEventName.size() >= MAX_NAMES) {
            return;
        }
        Plan plan = PLANS.computeIfAbsent(eventClass, Plan::new);
        if ("userevent".equals(name.toLowerCase(Locale.ENGLISH))) {
            if (attributes.get("userevent") instanceof String userEventName) {
                byName.put(name, USER_EVENT);
                byUserEventName.put(userEventName, plan);
            }
        } else {
            byName.put(name, plan);
        }
    }

    /** How one event class is built: its constructor and, by normalised attribute name, its setters. */
    private static final class Plan {
        /** Raw attribute names per class, at most: so that made-up names (a UserEvent's) cannot grow the cache. */
        private static final int MAX_KEYS = 512;
        /** The setter of a raw attribute name that has none. */
        private static final Setter NONE = new Setter(null, Conversion.UNSUPPORTED, false, false);

        private final Function<Object, Object> constructor;
        private final Map<String, Setter> setters = new java.util.HashMap<>();
        /** By attribute name as the reader hands it over, so that it is normalised once per name, not per event. */
        private final Map<String, Setter> byKey = new ConcurrentHashMap<>();
        private final boolean userEvent;
        private final boolean responseEvent;

        Plan(Class<?> eventClass) {
            constructor = constructor(eventClass);
            userEvent = UserEvent.class.isAssignableFrom(eventClass);
            responseEvent = ResponseEvent.class.isAssignableFrom(eventClass);
            // ReflectionUtil's own choice of setter per name (it prefers a subclass's), so the same one is called
            ReflectionUtil.getSetters(eventClass).forEach((name, method) -> setters.put(name, setter(method)));
        }

        /*
         * The constructor and the setters are called through small classes made here once (as a lambda is), not
         * through method handles: at one call site for all the setters of all events, a handle's call costs about what
         * the reflective one did.
         */

        @SuppressWarnings("unchecked")
        private static Function<Object, Object> constructor(Class<?> eventClass) {
            try {
                MethodHandle target = LOOKUP.unreflectConstructor(eventClass.getConstructor(Object.class));
                return (Function<Object, Object>) LambdaMetafactory.metafactory(LOOKUP, "apply",
                        MethodType.methodType(Function.class), MethodType.methodType(Object.class, Object.class), target,
                        MethodType.methodType(eventClass, Object.class)).getTarget().invokeExact();
            } catch (Throwable e) {
                return null; // not public, say: the stock builder says why it cannot build it
            }
        }

        @SuppressWarnings("unchecked")
        private static Setter setter(Method method) {
            Class<?> type = method.getParameterTypes()[0];
            Conversion conversion = Conversion.of(type);
            BiConsumer<Object, Object> call = null;
            if (conversion != Conversion.UNSUPPORTED) {
                try {
                    MethodHandle target = LOOKUP.unreflect(method);
                    Class<?> boxed = MethodType.methodType(type).wrap().returnType();
                    call = (BiConsumer<Object, Object>) LambdaMetafactory.metafactory(LOOKUP, "accept",
                            MethodType.methodType(BiConsumer.class), MethodType.methodType(void.class, Object.class,
                                    Object.class), target, MethodType.methodType(void.class, method.getDeclaringClass(),
                                    boxed)).getTarget().invokeExact();
                } catch (Throwable e) {
                    conversion = Conversion.UNSUPPORTED;
                }
            }
            return new Setter(call, conversion, type.isAssignableFrom(Map.class), type.isPrimitive());
        }

        /** The event, or null when the stock builder must build it (it would log, or convert differently). */
        ManagerEvent build(Object source, Map<String, Object> attributes) {
            if (constructor == null) {
                return null;
            }
            ManagerEvent event;
            try {
                event = (ManagerEvent) constructor.apply(source);
            } catch (Throwable e) {
                return null;
            }
            for (Map.Entry<String, Object> entry : attributes.entrySet()) {
                String key = entry.getKey();
                if ("event".equals(key)) {
                    continue;
                }
                Setter setter = setterFor(key);
                if (setter == null) {
                    if (userEvent) {
                        continue; // the stock builder skips these silently too
                    }
                    return null; // it warns about an attribute it has no setter for (or a Cdr's extra field)
                }
                if (!setter.set(event, entry.getValue())) {
                    return null;
                }
            }
            if (responseEvent) {
                ResponseEvent r = (ResponseEvent) event;
                String actionId = r.getActionId();
                if (actionId != null) {
                    r.setActionId(ManagerUtil.stripInternalActionId(actionId));
                    r.setInternalActionId(ManagerUtil.getInternalActionId(actionId));
                }
            }
            return event;
        }

        private Setter setterFor(String key) {
            Setter known = byKey.get(key);
            if (known == null) {
                known = lookUp(key);
                if (byKey.size() < MAX_KEYS) {
                    byKey.put(key, known == null ? NONE : known);
                }
            }
            return known == NONE ? null : known;
        }

        /** As EventAttributesHelper.setAttributes finds the setter of an attribute. */
        private Setter lookUp(String key) {
            String name = lettersAndDigits(key);
            if ("source".equals(name)) {
                name = "src";
            } else if ("class".equals(name)) {
                name = "clazz";
            }
            Setter setter = setters.get(name);
            if (setter == null && !name.endsWith("s")) {
                setter = setters.get(name + "s");
                if (setter != null && !setter.takesMap()) {
                    setter = null;
                }
            }
            return setter;
        }

        /** As ReflectionUtil.stripIllegalCharacters, without a regex and without a copy when nothing is stripped. */
        static String lettersAndDigits(String s) {
            int n = s.length();
            int i = 0;
            while (i < n && legal(s.charAt(i))) {
                i++;
            }
            if (i == n) {
                return s;
            }
            StringBuilder b = new StringBuilder(n).append(s, 0, i);
            for (; i < n; i++) {
                char c = s.charAt(i);
                if (legal(c)) {
                    b.append(c);
                }
            }
            return b.toString();
        }

        private static boolean legal(char c) {
            return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
        }
    }

    /** The stock builder's conversion for a setter's parameter type, in its order of tests. */
    private enum Conversion {
        BOOLEAN, STRING, MAP, DOUBLE, LONG, INTEGER, UNSUPPORTED;

        static Conversion of(Class<?> type) {
            if (type == Boolean.class) {
                return BOOLEAN;
            } else if (type.isAssignableFrom(String.class)) {
                return STRING;
            } else if (type.isAssignableFrom(Map.class)) {
                return MAP;
            } else if (type.isAssignableFrom(double.class) || type.isAssignableFrom(Double.class)) {
                return DOUBLE;
            } else if (type.isAssignableFrom(long.class) || type.isAssignableFrom(Long.class)) {
                return LONG;
            } else if (type.isAssignableFrom(int.class) || type.isAssignableFrom(Integer.class)) {
                return INTEGER;
            }
            return UNSUPPORTED; // a constructor taking a String, called by reflection: the stock builder's
        }
    }

    private static final Literals NULL_LITERALS = Literals.of("NULL_LITERALS", AstUtil::isNull);
    private static final Literals TRUE_LITERALS = Literals.of("TRUE_LITERALS", AstUtil::isTrue);

    /**
     * AstUtil's words for null and for true, tested as AstUtil tests them (lower-cased, in a set) but without lower-casing
     * a copy of every value: AstUtil's own test wherever that could differ (a non-ASCII value, words not read).
     */
    private record Literals(String[] words, java.util.function.Predicate<String> astUtil) {

        static Literals of(String field, java.util.function.Predicate<String> astUtil) {
            try {
                java.lang.reflect.Field f = AstUtil.class.getDeclaredField(field);
                f.setAccessible(true);
                String[] words = ((java.util.Set<?>) f.get(null)).stream().map(String.class::cast).toArray(String[]::new);
                for (String w : words) {
                    if (!w.chars().allMatch(c -> c < 128) || !w.equals(w.toLowerCase(Locale.ENGLISH))) {
                        return new Literals(null, astUtil);
                    }
                }
                return new Literals(words, astUtil);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return new Literals(null, astUtil);
            }
        }

        boolean matches(String s) {
            if (words == null) {
                return astUtil.test(s);
            }
            int n = s.length();
            for (String w : words) {
                if (w.length() == n && s.equalsIgnoreCase(w)) {
                    return ascii(s) || astUtil.test(s);
                }
            }
            return !ascii(s) && astUtil.test(s);
        }

        private static boolean ascii(String s) {
            for (int i = 0; i < s.length(); i++) {
                if (s.charAt(i) >= 128) {
                    return false;
                }
            }
            return true;
        }
    }

    private record Setter(BiConsumer<Object, Object> call, Conversion conversion, boolean takesMap, boolean primitive) {

        /** Converts and sets the value; false where the stock builder would log (and so must build the event). */
        boolean set(ManagerEvent event, Object raw) {
            try {
                return convertAndSet(event, raw);
            } catch (RuntimeException e) {
                return false; // a value of an unexpected type: the stock builder logs it
            }
        }

        private boolean convertAndSet(ManagerEvent event, Object raw) {
            Object value;
            switch (conversion) {
                case BOOLEAN -> value = raw instanceof String s ? TRUE_LITERALS.matches(s) : AstUtil.isTrue(raw);
                case STRING -> value = string(raw);
                case MAP -> {
                    value = map(raw);
                    if (value == MALFORMED) {
                        return false;
                    }
                }
                case DOUBLE, LONG, INTEGER -> {
                    if (!(raw instanceof String s)) {
                        return false;
                    }
                    if (s.isEmpty()) {
                        if (primitive) {
                            return false;
                        }
                        value = null;
                    } else {
                        try {
                            value = switch (conversion) {
                                case DOUBLE -> Double.parseDouble(s);
                                case LONG -> Long.parseLong(s);
                                default -> Integer.parseInt(s);
                            };
                        } catch (NumberFormatException e) {
                            return false;
                        }
                    }
                }
                default -> {
                    return false;
                }
            }
            try {
                call.accept(event, value);
                return true;
            } catch (Throwable e) {
                return false;
            }
        }

        private static Object string(Object raw) {
            if (raw instanceof String s ? NULL_LITERALS.matches(s) : AstUtil.isNull(raw)) {
                return null;
            }
            if (raw instanceof List<?> lines) {
                StringBuilder b = new StringBuilder();
                for (Object line : lines) {
                    String s = (String) line;
                    if (s != null && !s.isEmpty()) {
                        b.append(s).append('\n');
                    }
                }
                return b.toString();
            }
            return raw;
        }

        private static final Object MALFORMED = new Object();

        private static Object map(Object raw) {
            if (raw instanceof List<?> lines) {
                return lines(lines.toArray(new Object[0]));
            }
            return raw instanceof String s ? lines(s) : null;
        }

        private static Object lines(Object... lines) {
            Map<String, String> map = new LinkedHashMap<>();
            for (Object o : lines) {
                String line = (String) o;
                int at = line.indexOf('=');
                if (at <= 0) {
                    return MALFORMED; // the stock builder warns
                }
                map.put(line.substring(0, at), line.substring(at + 1));
            }
            return map;
        }
    }
}
