// An action a client sent to the simulator, with its headers in the order received; immutable, handed to test threads.
package io.firstline.sim;

import java.util.List;

public record ReceivedAction(String name, List<Header> headers) {

    public record Header(String name, String value) {
    }

    public ReceivedAction {
        headers = List.copyOf(headers);
    }

    /** First value of a header (case-insensitive), or null. */
    public String get(String header) {
        for (Header h : headers) {
            if (h.name().equalsIgnoreCase(header)) {
                return h.value();
            }
        }
        return null;
    }
}
