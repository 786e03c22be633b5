package io.driftless.notify;

import io.driftless.status.Notice;
import java.util.List;

import io.driftless.config.NotifierSpec;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The body of a notification in each format. Pure. */
public final class Payloads {

    /** Slack shows long messages poorly; further lines are counted, not listed. */
    static final int MAX_DETAILS = 20;

    private Payloads() {
    }

    /**
     * Where a message links to: the UI's page of a target or a release under the service's external address.
     *
     * @param base the address users reach the service at, or null for no links
     */
    public record Links(String base) {
        public Links {
            base = base == null || base.isBlank() ? null : base.replaceAll("/+$", "");
        }

        String target(String id) {
            return base == null ? null : base + "/ui/#/targets/" + id;
        }

        String release(String release) {
            return base == null ? null : base + "/ui/#/releases/" + release;
        }
    }

    public static String body(NotifierSpec.Format format, Notice n) {
        return body(format, n, new Links(null));
    }

    public static String body(NotifierSpec.Format format, Notice n, Links links) {
        return switch (format) {
            case JSON -> json(n, links).encode();
            case SLACK -> slack(n, links).encode();
            case ALERTMANAGER -> new JsonArray().add(alert(n)).encode();
        };
    }

    /** One message for the notices of a release's commit ({@link Digest}); Alertmanager gets one alert per target. */
    public static String body(NotifierSpec.Format format, Digest d, Links links) {
        return switch (format) {
            case JSON -> {
                JsonObject out = new JsonObject().put("type", d.type().name())
                        .put("severity", d.warning() ? "warning" : "info").put("release", d.release())
                        .put("revision", d.revision()).put("message", d.summary()).put("targets", d.targets())
                        .put("time", d.notices().get(d.notices().size() - 1).at().toString())
                        .put("outcomes", new JsonArray(d.notices().stream().map(n -> json(n, links)).toList()));
                yield (links.base() == null ? out : out.put("link", links.release(d.release()))).encode();
            }
            case SLACK -> slack(d, links).encode();
            case ALERTMANAGER -> new JsonArray(d.notices().stream().map(Payloads::alert).toList()).encode();
        };
    }

    static JsonObject json(Notice n, Links links) {
        JsonObject out = new JsonObject().put("type", n.type().name()).put("severity", n.warning() ? "warning" : "info")
                .put("target", n.target()).put("cluster", n.cluster()).put("release", n.release())
                .put("namespace", n.namespace()).put("revision", n.revision()).put("message", n.message())
                .put("details", new JsonArray(List.copyOf(n.details()))).put("time", n.at().toString());
        return links.base() == null ? out : out.put("link", links.target(n.target()));
    }

    /** A Slack message: {@code text} for notifications and old clients, blocks for the message itself. */
    static JsonObject slack(Notice n, Links links) {
        String head = icon(n.warning()) + " *" + n.type() + "* `" + n.target() + "`: " + n.message();
        StringBuilder text = new StringBuilder(head);
        n.details().stream().limit(MAX_DETAILS).forEach(d -> text.append("\n• ").append(d));
        if (n.details().size() > MAX_DETAILS) {
            text.append("\n… and ").append(n.details().size() - MAX_DETAILS).append(" more");
        }
        JsonArray blocks = new JsonArray().add(section(head + link(links.target(n.target()))));
        if (!n.details().isEmpty()) {
            blocks.add(section(lines(n.details().stream().map(d -> "• " + d).toList())));
        }
        return new JsonObject().put("text", text.toString()).put("blocks", blocks);
    }

    /**
     * A digest in Slack: the summary, each target's outcome by cluster name (the first {@link #MAX_DETAILS}, the same
     * ones whatever order the syncs ended in), and the changes they share, counted.
     */
    static JsonObject slack(Digest d, Links links) {
        String head = icon(d.warning()) + " *" + d.type() + "* " + d.summary();
        JsonArray blocks = new JsonArray().add(section(head + link(links.release(d.release()))))
                .add(section(lines(d.notices().stream().sorted(java.util.Comparator.comparing(Notice::cluster))
                        .map(n -> "• *" + n.cluster() + "*: " + n.message()
                        + (links.base() == null ? "" : " <" + links.target(n.target()) + "|view>")).toList())));
        java.util.Map<String, Integer> shared = new java.util.LinkedHashMap<>();
        d.notices().forEach(n -> n.details().forEach(line -> shared.merge(line, 1, Integer::sum)));
        if (!shared.isEmpty()) {
            blocks.add(new JsonObject().put("type", "context").put("elements", new JsonArray().add(new JsonObject()
                    .put("type", "mrkdwn").put("text", lines(shared.entrySet().stream().map(e -> e.getKey()
                            + (e.getValue() > 1 ? " ×" + e.getValue() : "")).toList())))));
        }
        return new JsonObject().put("text", head).put("blocks", blocks);
    }

    private static String icon(boolean warning) {
        return warning ? ":warning:" : ":white_check_mark:";
    }

    private static String link(String url) {
        return url == null ? "" : " <" + url + "|open in Driftless>";
    }

    /** Slack's text object: mrkdwn, at most its 3,000 characters. */
    private static JsonObject section(String text) {
        return new JsonObject().put("type", "section").put("text", new JsonObject().put("type", "mrkdwn")
                .put("text", text.length() > 3000 ? text.substring(0, 2990) + " …" : text));
    }

    /** Lines, at most {@link #MAX_DETAILS}, the rest counted. */
    private static String lines(List<String> all) {
        StringBuilder out = new StringBuilder();
        all.stream().limit(MAX_DETAILS).forEach(l -> out.append(out.length() == 0 ? "" : "\n").append(l));
        if (all.size() > MAX_DETAILS) {
            out.append("\n… and ").append(all.size() - MAX_DETAILS).append(" more");
        }
        return out.toString();
    }

    /**
     * One alert of Alertmanager's {@code POST /api/v2/alerts}. A resolving notice ends the alert its problem
     * started (same labels, {@code endsAt} set); other notices start one.
     */
    static JsonObject alert(Notice n) {
        String problem = (n.resolves() != null ? n.resolves() : n.type()).name();
        JsonObject labels = new JsonObject().put("alertname", "Driftless" + problem).put("cluster", n.cluster())
                .put("release", n.release()).put("namespace", n.namespace())
                .put("severity", n.warning() || n.resolves() != null ? "warning" : "info");
        JsonObject annotations = new JsonObject().put("summary", n.target() + ": " + n.message());
        if (!n.details().isEmpty()) {
            annotations.put("description", String.join("\n", n.details().stream().limit(MAX_DETAILS).toList()));
        }
        JsonObject alert = new JsonObject().put("labels", labels).put("annotations", annotations)
                .put("startsAt", n.at().toString());
        if (n.resolves() != null || !n.warning()) {
            alert.put("endsAt", n.at().toString());
        }
        return alert;
    }
}
