package io.firstline.store;

import java.time.Instant;
import java.util.List;

/** Someone who calls the help desk, with the numbers they call from (E.164); {@code pinSet}: the menu asks for their PIN. */
public record Caller(long id, String name, String organisation, String email, boolean vip, List<String> phones,
        Instant createdAt, boolean pinSet) {

    public Caller {
        phones = List.copyOf(phones);
    }
}
