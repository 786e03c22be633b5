package io.driftless.faults;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/** A fault test on a fresh {@link FaultyFleet} per test, consistent before the fault is injected. */
abstract class FaultyFleetTest {

    @TempDir
    Path tmp;
    FaultyFleet fleet;

    @BeforeEach
    void start() throws Exception {
        fleet = new FaultyFleet(tmp, tmp.resolve("state"));
        fleet.assertConsistent(FaultyFleet.SQLITE);
    }

    @AfterEach
    void stop() throws Exception {
        if (fleet != null) {
            fleet.close();
        }
    }
}
