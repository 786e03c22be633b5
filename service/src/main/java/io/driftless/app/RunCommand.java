package io.driftless.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

import io.driftless.config.ConfigException;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Runs the sync service for a fleet file until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the sync service for a fleet file until stopped (Ctrl-C).")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--fleet"}, required = true, description = "Fleet file (YAML).")
    Path fleetFile;

    @Option(names = "--state-dir", defaultValue = ".driftless", description = "Git cache and state (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--http-host", defaultValue = "127.0.0.1", description = "HTTP listen address (default: ${DEFAULT-VALUE}).")
    String httpHost;

    @Option(names = "--http-port", defaultValue = "8080", description = "HTTP port (default: ${DEFAULT-VALUE}).")
    int httpPort;

    @Option(names = "--parallelism", defaultValue = "4", description = "Targets synced at once (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--log-level", defaultValue = "info", description = "trace, debug, info, warn or error (default: ${DEFAULT-VALUE}).")
    String logLevel;

    @Override
    public Integer call() throws InterruptedException {
        Main.configureLogging(logLevel);
        Fleet fleet;
        try {
            fleet = FleetLoader.load(fleetFile);
        } catch (ConfigException e) {
            System.err.println("driftless: the fleet file is invalid:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        }
        DriftlessService service = DriftlessService.start(fleet, new DriftlessService.Settings(stateDir, httpHost,
                httpPort, parallelism, System.getenv()));
        System.out.println("driftless: " + fleet.targets().size() + " target(s); HTTP on http://" + httpHost + ":"
                + service.httpPort());
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            service.close();
            stop.countDown();
        }));
        stop.await();
        return 0;
    }
}
