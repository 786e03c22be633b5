package io.driftless.app;

import java.nio.file.Path;
import java.util.concurrent.Callable;

import io.driftless.config.ConfigException;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the sync service for a fleet file until stopped. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = "Run the sync service for a fleet file until stopped (Ctrl-C).")
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--fleet"}, required = true, description = "Fleet file (YAML).")
    Path fleetFile;

    @Option(names = "--state-dir", defaultValue = ".driftless", description = "Git cache and state (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Mixin
    ServiceOptions options;

    @Override
    public Integer call() throws InterruptedException {
        Main.configureLogging(options.logLevel == null ? "info" : options.logLevel);
        Fleet fleet;
        try {
            fleet = FleetLoader.load(fleetFile);
        } catch (ConfigException e) {
            System.err.println("driftless: the fleet file is invalid:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        }
        DriftlessService.Settings settings;
        try {
            settings = options.settings(stateDir, options.httpHost);
        } catch (IllegalArgumentException e) {
            System.err.println("driftless: " + e.getMessage());
            return 2;
        }
        DriftlessService service = DriftlessService.start(fleet, settings);
        System.out.println("driftless: " + fleet.targets().size() + " target(s); HTTP on http://" + options.httpHost
                + ":" + service.httpPort());
        service.awaitShutdown();
        return 0;
    }
}
