package io.firstline.telephony.agi;

import io.vertx.core.Future;

/** What a phone-menu script may do to the channel that called it. */
interface AgiChannel {

    /** Sets a channel variable; completes with Asterisk's result. */
    Future<String> setVariable(String name, String value);

    /** Reads a channel variable; completes with its value (empty when unset). */
    Future<String> getVariable(String name);
}
