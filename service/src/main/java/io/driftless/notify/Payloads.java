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

    public static String body(NotifierSpec.Format format, Notice n) {
        return switch (format) {
            case JSON -> json(n).encode();
            case SLACK -> slack(n).encode();
            case ALERTMANAGER -> new JsonArray().add(alert(n)).encode();
        };
    }

    static JsonObject json(Notice n) {
        return new JsonObject().put("type", n.type().name()).put("severity", n.warning() ? "warning" : "info")
                .put("target", n.target()).put("cluster", n.cluster()).put("release", n.release())
                .put("namespace", n.namespace()).put("revision", n.revision()).put("message", n.message())
                .put("details", new JsonArray(List.copyOf(n.details()))).put("time", n.at().toString());
    }

    static JsonObject slack(Notice n) {
        StringBuilder text = new StringBuilder(n.warning() ? ":warning: " : ":white_check_mark: ")
                .append('*').append(n.type()).append("* `").append(n.target()).append("`: ").append(n.message());
        n.details().stream().limit(MAX_DETAILS).forEach(d -> text.append("\n• ").append(d));
        if (n.details().size() > MAX_DETAILS) {
            text.append("\n… and ").append(n.details().size() - MAX_DETAILS).append(" more");
        }
        return new JsonObject().put("text", text.toString());
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
