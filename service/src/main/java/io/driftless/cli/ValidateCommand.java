package io.driftless.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;

import io.driftless.config.ConfigException;
import io.driftless.config.Decryption;
import io.driftless.config.Problem;
import io.driftless.config.SourceSpec;
import io.driftless.config.Target;
import io.driftless.decrypt.Keyring;
import io.driftless.diff.Redaction;
import io.driftless.reconcile.TargetPlanner;
import io.driftless.render.Chart;
import io.driftless.render.ChartCatalogue;
import io.driftless.render.RenderException;
import io.driftless.source.DecryptionKeys;
import io.driftless.source.Snapshot;
import io.driftless.source.SourceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code driftless validate FLEET}: the fleet file, then every target rendered at its source's current commit,
 * offline (no cluster is read: capabilities are unknown and no Secret is looked up). Every problem is printed
 * with its file and line; exit 1 when there is any. SOPS-encrypted files are opened in memory with the keys given
 * on the command line (else each release's own), and no opened value is printed.
 */
@Command(name = "validate", mixinStandardHelpOptions = true, description = {"Check a fleet file and render every "
        + "target at its source's current commit, offline (no cluster is read).",
        "Prints every problem as file:line; exit 0 valid, 1 any problem."})
public final class ValidateCommand implements Callable<Integer> {

    @Parameters(paramLabel = "FLEET", description = "The fleet file.")
    Path fleetFile;
    @Option(names = "--cache-dir", description = "Where to fetch the sources (default: a temporary folder, removed "
            + "afterwards).")
    Path cacheDir;
    /** With any key, these keys open every release's files; without, each release's own as the fleet names them. */
    @Mixin
    SopsKeyOptions keys;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        List<String> problems = new ArrayList<>();
        LocalFleet local;
        try {
            local = new LocalFleet(fleetFile, cacheDir);
        } catch (ConfigException e) {
            e.problems().forEach(p -> out.println(p));
            out.flush();
            return 1;
        }
        Function<Decryption, Keyring> opening;
        try {
            opening = opening();
        } catch (ConfigException e) {
            e.problems().forEach(p -> out.println(p));
            out.flush();
            return 1;
        }
        try (local) {
            Map<String, Snapshot> fetched = new LinkedHashMap<>();
            for (SourceSpec s : local.fleet.sources()) {
                try {
                    fetched.put(s.name(), local.snapshot(s.name(), null));
                } catch (SourceException | IllegalStateException e) {
                    problems.add(s.origin() + ": " + e.getMessage());
                }
            }
            for (Target t : local.fleet.targets()) {
                Snapshot snapshot = fetched.get(t.release().source());
                if (snapshot != null) {
                    out.println(render(local.charts, t, snapshot, opening, problems));
                }
            }
        }
        problems.forEach(p -> out.println(Redaction.secretsRedacted(p))); // a chart's error may quote a value
        out.flush();
        local.fleet.targets().forEach(t -> Redaction.forget(t.id()));
        return problems.isEmpty() ? 0 : 1;
    }

    /** The keys given on the command line for every release, else each release's own as the fleet names them. */
    private Function<Decryption, Keyring> opening() {
        DecryptionKeys fleetKeys = new DecryptionKeys(System.getenv());
        if (!keys.given()) {
            return fleetKeys;
        }
        Keyring given = keys.keyring(fleetKeys);
        return d -> given;
    }

    /** Renders one target offline; answers its line of the report, and adds its problems. */
    private static String render(ChartCatalogue charts, Target t, Snapshot snapshot, Function<Decryption, Keyring> keys,
                                 List<String> problems) {
        String at = t.id() + " at " + snapshot.source() + "@" + snapshot.shortCommit();
        try {
            var ref = t.release().chart();
            Set<String> opened = new HashSet<>();
            Chart.Rendered rendered;
            try {
                rendered = charts.render(ref, new Chart.Release(t.release().name(), t.release().namespace(),
                        ref.version(), Chart.Lookup.NONE, Chart.Capabilities.UNKNOWN), TargetPlanner.valuesFiles(t,
                        snapshot, keys, opened), TargetPlanner.files(t, snapshot, keys, opened));
            } finally {
                Redaction.remember(t.id(), opened, false);
            }
            return "ok      " + at + ": " + rendered.objects().size() + " objects"
                    + (rendered.warnings().isEmpty() ? "" : "; warnings: " + String.join("; ", rendered.warnings()));
        } catch (ConfigException e) {
            e.problems().stream().map(Problem::toString).forEach(problems::add);
        } catch (RenderException e) {
            e.messages().forEach(m -> problems.add(t.id() + ": " + m));
        } catch (SourceException e) {
            problems.add(t.id() + ": " + e.getMessage());
        }
        return "invalid " + at;
    }
}
