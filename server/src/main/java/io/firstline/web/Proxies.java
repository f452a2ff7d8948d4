package io.firstline.web;

import io.vertx.core.MultiMap;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The reverse proxies named in FIRSTLINE_TRUSTED_PROXIES, and what a request is as its client sent
 * it: {@code X-Forwarded-Proto}, {@code -Host} and {@code -For} are believed only when the peer is one
 * of them, and then their last value (the one that proxy set). Immutable; any thread.
 */
final class Proxies {

    /** One address or range: the first {@code prefix} bits of {@code network}. */
    private record Range(byte[] network, int prefix) {
        boolean contains(byte[] a) {
            if (a.length != network.length) {
                return false;
            }
            for (int bit = 0; bit < prefix; bit++) {
                int mask = 0x80 >>> (bit % 8);
                if ((a[bit / 8] & mask) != (network[bit / 8] & mask)) {
                    return false;
                }
            }
            return true;
        }
    }

    private static final Pattern IPV4 = Pattern.compile("(25[0-5]|2[0-4]\\d|1?\\d?\\d)(\\.(25[0-5]|2[0-4]\\d|1?\\d?\\d)){3}");
    /** With a colon, Java parses the text as IPv6 and never asks DNS. */
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*");

    private final List<Range> ranges;

    /** From the settings' entries, already checked to be address literals or CIDR ranges. */
    Proxies(List<String> entries) {
        this.ranges = entries.stream().map(Proxies::range).toList();
    }

    private static Range range(String entry) {
        int slash = entry.indexOf('/');
        byte[] network = literal(slash < 0 ? entry : entry.substring(0, slash));
        if (network == null) {
            throw new IllegalArgumentException("not an IP address: " + entry);
        }
        return new Range(network, slash < 0 ? network.length * 8 : Integer.parseInt(entry.substring(slash + 1)));
    }

    /** The bytes of an address literal (never a DNS look-up), or null. */
    private static byte[] literal(String address) {
        if (address == null || !(IPV4.matcher(address).matches() || IPV6.matcher(address).matches())) {
            return null;
        }
        try {
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether the connection's peer is a trusted proxy. */
    boolean trusted(String peer) {
        if (ranges.isEmpty()) {
            return false;
        }
        byte[] a = literal(peer);
        return a != null && ranges.stream().anyMatch(r -> r.contains(a));
    }

    /** Whether the client used HTTPS: this server's own TLS, or a trusted proxy's. */
    boolean https(String peer, boolean ssl, MultiMap headers) {
        if (ssl) {
            return true;
        }
        String proto = forwarded(peer, headers, "X-Forwarded-Proto");
        return proto != null && proto.equalsIgnoreCase("https");
    }

    /** The host (and port) the client addressed: a trusted proxy's X-Forwarded-Host, else Host. */
    String host(String peer, MultiMap headers) {
        String forwarded = forwarded(peer, headers, "X-Forwarded-Host");
        return forwarded != null ? forwarded : headers.get("Host");
    }

    /** The client's address: a trusted proxy's X-Forwarded-For (its last entry), else the peer. */
    String client(String peer, MultiMap headers) {
        String forwarded = forwarded(peer, headers, "X-Forwarded-For");
        return forwarded != null && literal(forwarded) != null ? forwarded.toLowerCase(Locale.ROOT) : peer;
    }

    private String forwarded(String peer, MultiMap headers, String name) {
        List<String> values = headers.getAll(name);
        if (values.isEmpty() || !trusted(peer)) {
            return null;
        }
        String all = values.get(values.size() - 1);
        String last = all.substring(all.lastIndexOf(',') + 1).strip();
        return last.isEmpty() ? null : last;
    }
}
