package io.driftless.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;

import io.driftless.config.ConfigException;
import io.driftless.config.Problem;
import io.driftless.config.SourceSpec;
import io.driftless.config.Target;
import io.driftless.reconcile.TargetPlanner;
import io.driftless.render.Chart;
import io.driftless.render.ChartCatalogue;
import io.driftless.render.RenderException;
import io.driftless.source.Snapshot;
import io.driftless.source.SourceException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code driftless validate FLEET}: the fleet file, then every target rendered at its source's current commit,
 * offline (no cluster is read: capabilities are unknown and no Secret is looked up). Every problem is printed
 * with its file and line; exit 1 when there is any.
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
                    out.println(render(local.charts, t, snapshot, problems));
                }
            }
        }
        problems.forEach(out::println);
        out.flush();
        return problems.isEmpty() ? 0 : 1;
    }

    /** Renders one target offline; answers its line of the report, and adds its problems. */
    private static String render(ChartCatalogue charts, Target t, Snapshot snapshot, List<String> problems) {
        String at = t.id() + " at " + snapshot.source() + "@" + snapshot.shortCommit();
        try {
            var ref = t.release().chart();
            Chart.Rendered rendered = charts.render(ref, new Chart.Release(t.release().name(), t.release().namespace(),
                    ref.version(), Chart.Lookup.NONE, Chart.Capabilities.UNKNOWN), TargetPlanner.valuesFiles(t,
                    snapshot), snapshot::files);
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
