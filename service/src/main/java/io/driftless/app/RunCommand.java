package io.driftless.app;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;

import io.driftless.config.ConfigException;
import io.driftless.config.Fleet;
import io.driftless.config.FleetLoader;
import io.driftless.config.FleetSource;
import io.driftless.source.SourceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** Runs the sync service for a fleet file (or the fleet in Git it points to) until stopped, following its changes. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Run the sync service for a fleet file until stopped (Ctrl-C, SIGTERM).",
                "The fleet is reloaded when the file changes (checked every --fleet-check-interval seconds, and at "
                        + "once on SIGHUP); a file with only a fleetSource reads the fleet from Git and reloads it when "
                        + "its commit changes. A fleet that fails validation is reported and the running one stays.",
                "--api-users and --api-auth-file are read again the same way (on SIGHUP, and when they change, "
                        + "checked every --fleet-check-interval seconds); a broken file is reported and the "
                        + "credentials in use stay."})
final class RunCommand implements Callable<Integer> {

    @Option(names = {"-c", "--fleet"}, required = true, description = "Fleet file (YAML), or a file with a fleetSource.")
    Path fleetFile;

    @Option(names = "--state-dir", defaultValue = ".driftless", description = "Git cache and state (default: ${DEFAULT-VALUE}).")
    Path stateDir;

    @Option(names = "--fleet-check-interval", defaultValue = "5",
            description = "Seconds between checks of the fleet file for a change (default: ${DEFAULT-VALUE}).")
    int checkSeconds;

    @Option(names = "--fleet-env-prefix", description = "A fleet read from Git (fleetSource) may name environment "
            + "variables for credentials whose names start with this (repeatable); by default it may name none.")
    java.util.List<String> fleetEnvPrefixes = new java.util.ArrayList<>();

    @Option(names = "--fleet-secrets-dir", description = "A fleet read from Git may name credential files in this "
            + "folder (mount them there); by default it may name none.")
    Path fleetSecretsDir;

    @Option(names = "--kubeconfig-dir", description = "A fleet read from Git may name kubeconfig files in this folder, "
            + "besides the folder of the file that points to it.")
    Path kubeconfigDir;

    @Option(names = "--local-sources-dir", description = "A fleet read from Git may name Git repositories on this "
            + "machine (a path or file://) in this folder; by default it may name none.")
    Path localSourcesDir;

    @Option(names = "--verify-builtin", defaultValue = "0", description = "Share of the builtin charts' renders "
            + "(0 to 1) also rendered by Helm from the upstream package, off the sync path, and compared: a "
            + "difference is a BuiltinMismatch warning and metric (default: ${DEFAULT-VALUE}; a release's "
            + "syncPolicy.verifyBuiltin verifies all of its renders).")
    double verifyBuiltin;

    @Mixin
    ServiceOptions options;

    @Override
    public Integer call() throws InterruptedException {
        Main.configureLogging(options.logLevel == null ? "info" : options.logLevel);
        DriftlessService.Settings settings;
        io.driftless.api.CredentialFiles credentialFiles = options.apiCredentialFiles(false);
        io.driftless.api.CredentialFiles.Read credentials;
        try {
            credentials = credentialFiles.read();
            settings = options.settings(stateDir, options.httpHost, credentials.credentials());
        } catch (IllegalArgumentException e) {
            System.err.println("driftless: " + e.getMessage());
            return 2;
        }
        FleetReloads.Origin origin;
        FleetReloads.Read read;
        Fleet fleet;
        try {
            Optional<FleetSource> pointer = FleetLoader.fleetSource(fleetFile);
            origin = pointer.isPresent()
                    ? FleetReloads.git(pointer.get(), fleetFile, stateDir.resolve("fleet-cache"), settings.env(),
                    io.driftless.config.FleetTrust.git(fleetEnvPrefixes, fleetSecretsDir, kubeconfigDir,
                            localSourcesDir))
                    : FleetReloads.file(fleetFile, Duration.ofSeconds(Math.max(1, checkSeconds)));
            read = origin.read();
            fleet = origin.parse(read);
        } catch (ConfigException e) {
            System.err.println("driftless: the fleet is invalid:");
            e.problems().forEach(p -> System.err.println("  " + p));
            return 2;
        } catch (SourceException | IllegalStateException e) {
            System.err.println("driftless: cannot read the fleet: " + e.getMessage());
            return 2;
        }
        if (verifyBuiltin < 0 || verifyBuiltin > 1) {
            System.err.println("driftless: --verify-builtin is a share from 0 to 1, not " + verifyBuiltin);
            return 2;
        }
        DriftlessService service = DriftlessService.start(fleet, settings).verifyingBuiltin(verifyBuiltin);
        FleetReloads reloads = new FleetReloads(origin, read.revision(), service, Clock.systemUTC()).start();
        ApiCredentialReloads credentialReloads = new ApiCredentialReloads(credentialFiles, credentials.revision(),
                service::useApiCredentials).start(Duration.ofSeconds(Math.max(1, checkSeconds)));
        sun.misc.Signal.handle(new sun.misc.Signal("HUP"), signal -> {
            reloads.checkSoon();
            credentialReloads.checkSoon();
        });
        System.out.println("driftless: " + fleet.targets().size() + " target(s) from " + origin.describe()
                + "; HTTP on http://" + options.httpHost + ":" + service.httpPort());
        service.awaitShutdown();
        reloads.close();
        credentialReloads.close();
        return 0;
    }
}
