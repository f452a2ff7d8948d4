package io.firstline.config;

/** A setting that is missing or wrong; its message is one line that names the setting. */
public final class ConfigException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
