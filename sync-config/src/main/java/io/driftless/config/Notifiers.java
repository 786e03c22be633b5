package io.driftless.config;

import java.util.ArrayList;
import java.util.List;

/** One notification endpoint of a fleet file: where, in which format, for which events, with its problems at file:line. */
final class Notifiers {

    private Notifiers() {
    }

    static NotifierSpec notifier(Cursor c) {
        c.allowOnly("name", "url", "urlEnv", "format", "events", "tokenEnv", "window");
        String name = FleetLoader.dnsLabel(c, "name", 63);
        String url = c.string("url", null);
        String urlEnv = c.string("urlEnv", null);
        if (FleetLoader.count(url, urlEnv) != 1) {
            c.problem(null, "set exactly one of url or urlEnv (keep URLs that carry a secret, like Slack's, in urlEnv)");
        }
        if (url != null && !url.startsWith("https://") && !url.startsWith("http://")) {
            c.problem("url", "'" + url + "' must be an http:// or https:// URL");
        }
        String tokenEnv = c.string("tokenEnv", null);
        if (url != null && url.startsWith("http://") && tokenEnv != null && !Urls.isLoopback(url)) {
            c.problem("tokenEnv", "a token over plain http:// would travel unencrypted; use https://");
        }
        String format = c.string("format", "json");
        NotifierSpec.Format parsed = switch (format) {
            case "json" -> NotifierSpec.Format.JSON;
            case "slack" -> NotifierSpec.Format.SLACK;
            case "alertmanager" -> NotifierSpec.Format.ALERTMANAGER;
            default -> {
                c.problem("format", "unknown format '" + format + "'; expected json, slack or alertmanager");
                yield NotifierSpec.Format.JSON;
            }
        };
        List<NoticeType> events = new ArrayList<>();
        for (Object e : c.list("events")) {
            NoticeType type = NoticeType.named(String.valueOf(e));
            if (type == null) {
                c.problem("events", "unknown event '" + e + "'; expected some of "
                        + java.util.Arrays.toString(NoticeType.values()));
            } else {
                events.add(type);
            }
        }
        java.time.Duration window = c.duration("window", NotifierSpec.DEFAULT_WINDOW);
        if (window.compareTo(java.time.Duration.ofMinutes(10)) > 0) {
            c.problem("window", "must be at most 10m: a notice gathered longer comes too late to act on");
        }
        return new NotifierSpec(name, url, urlEnv, parsed, events.isEmpty() ? NotifierSpec.DEFAULT_EVENTS
                : List.copyOf(events), tokenEnv, window, c.origin());
    }
}
