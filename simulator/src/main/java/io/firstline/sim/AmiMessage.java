// One AMI message (action, response or event) as an ordered list of "Name: value" headers; immutable, shared by all simulator threads.
package io.firstline.sim;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

final class AmiMessage {

    record Header(String name, String value) {
    }

    private final List<Header> headers;

    private AmiMessage(List<Header> headers) {
        this.headers = Collections.unmodifiableList(headers);
    }

    static Builder builder() {
        return new Builder();
    }

    /** Parses the lines of one message (without the empty terminating line). */
    static AmiMessage parse(List<String> lines) {
        Builder b = new Builder();
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                b.add(line, "");
                continue;
            }
            String value = line.substring(colon + 1);
            if (value.startsWith(" ")) {
                value = value.substring(1);
            }
            b.add(line.substring(0, colon), value);
        }
        return b.build();
    }

    List<Header> headers() {
        return headers;
    }

    /** First value of the header (case-insensitive name, as Asterisk's astman_get_header), or null. */
    String get(String name) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(name)) {
                return h.value();
            }
        }
        return null;
    }

    /** Like {@link #get} but returns "" for a missing header, trimmed as Asterisk does. */
    String getOrEmpty(String name) {
        String v = get(name);
        return v == null ? "" : v.trim();
    }

    String eventName() {
        return get("Event");
    }

    List<String> names() {
        List<String> names = new ArrayList<>(headers.size());
        for (Header h : headers) {
            names.add(h.name());
        }
        return names;
    }

    String toWire() {
        StringBuilder sb = new StringBuilder(64 * headers.size());
        for (Header h : headers) {
            sb.append(h.name()).append(": ").append(h.value()).append("\r\n");
        }
        return sb.append("\r\n").toString();
    }

    byte[] toBytes() {
        return toWire().getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return toWire();
    }

    static final class Builder {
        private final List<Header> headers = new ArrayList<>();

        Builder add(String name, String value) {
            headers.add(new Header(name, value == null ? "" : value));
            return this;
        }

        Builder add(String name, long value) {
            return add(name, Long.toString(value));
        }

        /** Adds "ActionID: id" only when the action carried one (Asterisk omits the line otherwise). */
        Builder actionId(String id) {
            if (id != null && !id.isEmpty()) {
                add("ActionID", id);
            }
            return this;
        }

        Builder addAll(List<Header> more) {
            headers.addAll(more);
            return this;
        }

        AmiMessage build() {
            return new AmiMessage(new ArrayList<>(headers));
        }
    }
}
