package io.driftless.cli;

import java.util.List;
import java.util.concurrent.Callable;

import com.fasterxml.jackson.databind.JsonNode;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code driftless get targets|target|objects|clusters|sources|fleet}: what a running Driftless knows. */
@Command(name = "get", mixinStandardHelpOptions = true, description = "Show targets, one target, a target's "
        + "objects, clusters, sources or the fleet of a running Driftless.",
        subcommands = {GetCommand.Targets.class, GetCommand.Target.class, GetCommand.Objects.class,
                GetCommand.Clusters.class, GetCommand.Sources.class, GetCommand.Fleet.class})
public final class GetCommand {

    static final List<Output.Column> TARGET_COLUMNS = List.of(new Output.Column("CLUSTER", "/cluster"),
            new Output.Column("RELEASE", "/release"), new Output.Column("SYNC", "/syncState"),
            new Output.Column("HEALTH", "/health"), new Output.Column("DRIFT", "/outOfSync"),
            new Output.Column("REVISION", "/revision"), new Output.Column("LAST SYNC", "/lastSync"),
            new Output.Column("SUSPENDED", "/suspended"), new Output.Column("ERROR", "/lastError"));

    /** Prints an answer of the service: the one at {@code path}, with these table columns. */
    abstract static class Verb implements Callable<Integer> {
        @Mixin
        ClientOptions options;
        @Spec
        CommandSpec spec;
        private final String path;
        private final List<Output.Column> columns;

        Verb(String path, List<Output.Column> columns) {
            this.path = path;
            this.columns = columns;
        }

        String path() {
            return path;
        }

        /** What a table shows of the answer (JSON and YAML show all of it). */
        JsonNode shown(JsonNode answer) {
            return answer;
        }

        @Override
        public Integer call() {
            JsonNode answer = options.client().get(path());
            Output.print(spec.commandLine().getOut(), options.output, options.output == Output.Format.table
                    ? shown(answer) : answer, columns);
            return 0;
        }
    }

    @Command(name = "targets", mixinStandardHelpOptions = true, description = "Every target: sync state, health, "
            + "objects out of sync, revision.")
    static final class Targets extends Verb {
        Targets() {
            super("/api/v1/targets", TARGET_COLUMNS);
        }
    }

    @Command(name = "target", mixinStandardHelpOptions = true, description = "One target (-o yaml or json for its "
            + "drift, changes, health details and history).")
    static final class Target extends Verb {
        @Parameters(paramLabel = "CLUSTER/RELEASE", description = "The target.")
        String target;

        Target() {
            super(null, TARGET_COLUMNS);
        }

        @Override
        String path() {
            return "/api/v1/targets/" + TargetName.check(target);
        }
    }

    @Command(name = "objects", mixinStandardHelpOptions = true, description = "Every object a target manages: its "
            + "state against Git, health and drift, with what it owns indented below it (ReplicaSets, Pods, Jobs, "
            + "claims).")
    static final class Objects extends Verb {
        @Parameters(paramLabel = "CLUSTER/RELEASE", description = "The target.")
        String target;

        Objects() {
            super(null, List.of(new Output.Column("OBJECT", "/object"), new Output.Column("STATE", "/state"),
                    new Output.Column("HEALTH", "/health"), new Output.Column("DRIFT", "/driftCount"),
                    new Output.Column("INFO", "/info")));
        }

        @Override
        String path() {
            return "/api/v1/targets/" + TargetName.check(target) + "/objects";
        }

        /** A table shows each object, then what it owns, one line each, indented by depth. */
        @Override
        JsonNode shown(JsonNode answer) {
            if (answer.hasNonNull("error")) {
                throw new CliException(answer.path("error").asText(), 2);
            }
            var rows = ServiceClient.JSON.createArrayNode();
            for (JsonNode o : answer.path("objects")) {
                rows.addObject().put("object", o.path("object").asText()).put("state", o.path("state").asText())
                        .put("health", o.path("health").asText("-")).put("driftCount", o.path("driftCount").asInt())
                        .put("info", o.path("healthDetail").asText(o.path("reason").asText("")));
                owned(rows, o.path("owned"), "  ");
            }
            return rows;
        }

        private static void owned(com.fasterxml.jackson.databind.node.ArrayNode rows, JsonNode nodes, String indent) {
            for (JsonNode n : nodes) {
                String name = n.path("kind").asText() + "/" + n.path("name").asText();
                rows.addObject().put("object", indent + "└ " + name)
                        .put("health", n.path("health").asText()).put("info", n.path("summary").asText()
                                + (n.has("ready") ? ", ready " + n.path("ready").asText() + ", restarts "
                                + n.path("restarts").asLong() : ""));
                owned(rows, n.path("children"), indent + "  ");
            }
        }
    }

    @Command(name = "clusters", mixinStandardHelpOptions = true, description = "Every cluster: reachable, last "
            + "contact, last error.")
    static final class Clusters extends Verb {
        Clusters() {
            super("/api/v1/clusters", List.of(new Output.Column("CLUSTER", "/cluster"),
                    new Output.Column("REACHABLE", "/reachable"), new Output.Column("LAST CONTACT", "/lastContact"),
                    new Output.Column("ERROR", "/lastError")));
        }
    }

    @Command(name = "sources", mixinStandardHelpOptions = true, description = "Every Git source: URL, ref, the "
            + "commit of its last fetch and when, poll interval, webhook, the last fetch error.")
    static final class Sources extends Verb {
        Sources() {
            super("/api/v1/sources", List.of(new Output.Column("SOURCE", "/name"), new Output.Column("URL", "/url"),
                    new Output.Column("REF", "/ref"), new Output.Column("REVISION", "/revision"),
                    new Output.Column("LAST FETCH", "/lastFetch"), new Output.Column("POLL", "/pollInterval"),
                    new Output.Column("WEBHOOK", "/webhook"), new Output.Column("ERROR", "/lastError")));
        }
    }

    @Command(name = "fleet", mixinStandardHelpOptions = true, description = "Where the fleet comes from and how its "
            + "last reload went.")
    static final class Fleet extends Verb {
        Fleet() {
            super("/api/v1/fleet", List.of(new Output.Column("ORIGIN", "/origin"),
                    new Output.Column("REVISION", "/revision"), new Output.Column("TARGETS", "/targets"),
                    new Output.Column("LAST RELOAD", "/lastReload/result"),
                    new Output.Column("PROBLEMS", "/lastReload/problems")));
        }
    }
}
