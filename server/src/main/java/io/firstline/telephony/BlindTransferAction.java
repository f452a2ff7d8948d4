package io.firstline.telephony;

import org.asteriskjava.manager.action.AbstractManagerAction;

/**
 * AMI {@code BlindTransfer} (Asterisk 12+): sends the party bridged with {@code Channel} to
 * {@code Exten} in {@code Context}. Asterisk-Java 3.42 has no class for it; its action writer sends
 * every getter as a header, in the order of the trace {@code blind-transfer-action}. Public, as its
 * reflection cannot call the getters of a package-private class (the headers were silently dropped).
 */
public final class BlindTransferAction extends AbstractManagerAction {

    private static final long serialVersionUID = 1L;

    private String channel;
    private String context;
    private String exten;

    @Override
    public String getAction() {
        return "BlindTransfer";
    }

    public String getChannel() {
        return channel;
    }

    public void setChannel(String channel) {
        this.channel = channel;
    }

    public String getContext() {
        return context;
    }

    public void setContext(String context) {
        this.context = context;
    }

    public String getExten() {
        return exten;
    }

    public void setExten(String exten) {
        this.exten = exten;
    }
}
