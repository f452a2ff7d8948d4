package io.firstline.db;

import java.nio.file.Path;

/** The embedded MariaDB's data directory is held by another Firstline process (a running server, most likely). */
public final class DataDirectoryInUseException extends StoreException {

    private static final long serialVersionUID = 1L;

    private final transient Path dataDir;

    DataDirectoryInUseException(Path dataDir) {
        super("the data directory " + dataDir + " is in use by another Firstline process;"
                + " stop it or set FIRSTLINE_DATA_DIR to another directory");
        this.dataDir = dataDir;
    }

    public Path dataDir() {
        return dataDir;
    }
}
