package dev.conveyor.store;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.zip.CRC32;
import javax.sql.DataSource;

/**
 * Whether a schema history already records every bundled migration of one location, applied and unchanged, so that a
 * start need not load Flyway at all (its configuration, scanning and validation were about a second of every start on
 * two cores: issues 8 and 20). One query per history table; the bundled scripts the history names are read from the
 * classpath and their checksums computed as Flyway computes them, so that a migration edited after it was applied is
 * still refused (by Flyway, which is run whenever anything here is in doubt: no history, a failed, missing, newer or
 * changed migration).
 */
final class AppliedMigrations {
    private AppliedMigrations() {
    }

    /**
     * @param location      the classpath folder of the migrations, e.g. {@code db/migration}
     * @param historyTable  its Flyway history table (a plain name: it is pasted into SQL)
     * @param latest        the newest bundled version
     * @param versions      how many versioned migrations are bundled (V1…latest without gaps: {@code latest}), or -1
     *                      when the module's numbering does not start at 1 and only the newest is checked
     */
    static boolean current(DataSource dataSource, String location, String historyTable, int latest, int versions) {
        try (Connection c = dataSource.getConnection(); var s = c.createStatement();
             var r = s.executeQuery("SELECT version, script, checksum, success, type FROM " + historyTable
                     + " WHERE version IS NOT NULL")) {
            int newest = -1;
            int applied = 0;
            while (r.next()) {
                if (!r.getBoolean(4)) {
                    return false; // a failed migration: Flyway says what to do
                }
                if (!"SQL".equals(r.getString(5))) {
                    continue; // the baseline a module's history starts with
                }
                int version = Integer.parseInt(r.getString(1));
                Integer recorded = (Integer) r.getObject(3, Integer.class);
                if (recorded == null || !matches(location + "/" + r.getString(2), recorded)) {
                    return false; // edited since, or not bundled (a newer release's): Flyway validates or ignores it
                }
                newest = Math.max(newest, version);
                applied++;
            }
            return newest == latest && (versions < 0 || applied == versions);
        } catch (SQLException | NumberFormatException e) {
            return false; // no history yet, or one this check does not understand
        }
    }

    private static boolean matches(String resource, int recordedChecksum) {
        ClassLoader loader = AppliedMigrations.class.getClassLoader();
        try (InputStream in = loader.getResourceAsStream(resource)) {
            return in != null && checksum(in) == recordedChecksum;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * Flyway's checksum of a script (its ChecksumCalculator): the CRC-32 of the script's lines in UTF-8, without their
     * line terminators and without a byte-order mark, so that a script checked out with other line endings matches.
     */
    static int checksum(InputStream script) throws IOException {
        CRC32 crc = new CRC32();
        BufferedReader lines = new BufferedReader(new InputStreamReader(script, StandardCharsets.UTF_8), 4096);
        for (String line = lines.readLine(); line != null; line = lines.readLine()) {
            if (!line.isEmpty() && line.charAt(0) == '\uFEFF') {
                line = line.substring(1);
            }
            crc.update(line.getBytes(StandardCharsets.UTF_8));
        }
        return (int) crc.getValue();
    }
}
