package io.driftless.api;

import static io.driftless.api.Answers.json;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import io.netty.util.NetUtil;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.RoutingContext;

/**
 * What a browser can be made to do to the service by a page of another site, and what stops it:
 * <ul>
 * <li>DNS rebinding: a name the attacker controls, resolved to the service's address, makes the attacker's page
 * same-origin with the service. Every request's Host must name what is served ({@link Hosts}), else 421.</li>
 * <li>Cross-site writes: a form or fetch of another site is sent with whatever credentials the browser holds for
 * the service. A write to {@code /api/v1} needs {@code Content-Type: application/json} and
 * {@code X-Driftless-Request: 1} (which a form cannot send and a cross-site fetch cannot send without a CORS
 * preflight, which is refused), an {@code Origin}, when there is one, of the served host, and no
 * {@code Sec-Fetch-Site} but {@code same-origin}; else 403. Webhooks prove themselves by their signature.</li>
 * <li>Every answer tells the browser to be strict: a Content-Security-Policy (the UI's scripts, styles and requests
 * from its own origin only, no inline script; nothing at all for the API's answers), no framing, no MIME sniffing,
 * no referrer; and over HTTPS, Strict-Transport-Security.</li>
 * </ul>
 */
final class BrowserGuards {

    /** The header a write must carry; a page of another site cannot set it without a preflight. */
    static final String REQUEST_HEADER = "X-Driftless-Request";
    static final String UI_POLICY = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
    static final String API_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
    /** A year: browsers that once reached the service over HTTPS never try plain HTTP for it again. */
    static final String HSTS = "max-age=31536000";
    private static final String WRITES = "writes need Content-Type: application/json and " + REQUEST_HEADER
            + ": 1, from this service's own pages or a client that is not a browser";

    private final Hosts hosts;

    BrowserGuards(Hosts hosts) {
        this.hosts = hosts;
    }

    /** Before every request: the headers every answer carries, then the Host check. */
    void every(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        response.putHeader("x-content-type-options", "nosniff").putHeader("referrer-policy", "no-referrer")
                .putHeader("x-frame-options", "DENY")
                .putHeader("content-security-policy", request.path().startsWith("/ui") ? UI_POLICY : API_POLICY);
        if (request.isSSL()) {
            response.putHeader("strict-transport-security", HSTS);
        }
        String host = request.authority() == null ? null : request.authority().host();
        if (host != null && !hosts.allows(host)) {
            Answers.LOG.warn("http request refused: client={} request={} {} reason=\"Host is not a name this service "
                    + "answers for\"", Guards.client(ctx), request.method(), request.path());
            json(ctx, 421, Map.of("error", "this service does not answer for the host name in the request; use "
                    + "the address it listens on, localhost, or a name given with --allowed-host"));
            return;
        }
        ctx.next();
    }

    /** Before every {@code /api/v1} request: a write must come from no other site (see the class comment). */
    void write(RoutingContext ctx) {
        HttpServerRequest request = ctx.request();
        if (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD
                || request.path().startsWith("/api/v1/webhooks/")) {
            ctx.next();
            return;
        }
        String problem = crossSite(request);
        if (problem != null) {
            Answers.LOG.warn("api write refused: client={} request={} {} reason=\"{}\"", Guards.client(ctx),
                    request.method(), request.path(), problem);
            json(ctx, 403, Map.of("error", problem + "; " + WRITES));
            return;
        }
        ctx.next();
    }

    /** Why a write may come from a page of another site, or null when it cannot. */
    static String crossSite(HttpServerRequest request) {
        String type = request.getHeader("content-type");
        String media = type == null ? "" : type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json") || !"1".equals(request.getHeader(REQUEST_HEADER))) {
            return "a form or a script of any site could have sent this";
        }
        String origin = request.getHeader("origin");
        if (origin != null && !sameHost(origin, request)) {
            return "a page of another site sent this (its Origin is not this service)";
        }
        String site = request.getHeader("sec-fetch-site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none")) {
            return "a page of another site sent this (Sec-Fetch-Site: " + (site.equalsIgnoreCase("same-site")
                    ? "same-site" : "cross-site") + ")";
        }
        return null;
    }

    /** Whether an Origin header names the host and port the request was sent to. */
    private static boolean sameHost(String origin, HttpServerRequest request) {
        URI uri;
        try {
            uri = new URI(origin);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null
                || request.authority() == null) {
            return false;
        }
        int defaultPort = scheme.equals("https") ? 443 : 80;
        int originPort = uri.getPort() < 0 ? defaultPort : uri.getPort();
        int requestPort = request.authority().port() < 0 ? defaultPort : request.authority().port();
        return Hosts.normalize(uri.getHost()).equals(Hosts.normalize(request.authority().host()))
                && originPort == requestPort;
    }

    /**
     * The host names the service answers for: {@code localhost}; the IP address it listens on (any IP address when
     * it listens on all of them: a rebound name is never an address, and probes and scrapes come by address); the
     * name it listens on and the names given (with {@code --allowed-host}); and, when it listens on all addresses and
     * no name is given, any name (then the Host is not checked: nothing says which names are right).
     */
    record Hosts(boolean anyAddress, boolean anyName, Set<String> addresses, Set<String> names) {

        static Hosts of(String listenHost, List<String> allowedNames) {
            Set<String> names = new LinkedHashSet<>();
            allowedNames.forEach(n -> names.add(normalize(n)));
            String listen = normalize(listenHost == null ? "" : listenHost);
            byte[] ip = NetUtil.createByteArrayFromIpAddressString(listen);
            if (listen.isEmpty() || ip != null && isWildcard(ip)) {
                return new Hosts(true, names.isEmpty(), Set.of(), Set.copyOf(names));
            }
            Set<String> addresses = new LinkedHashSet<>();
            if (ip != null) {
                addresses.add(HexFormat.of().formatHex(ip));
            } else {
                names.add(listen);
                try {
                    for (InetAddress a : InetAddress.getAllByName(listen)) {
                        addresses.add(HexFormat.of().formatHex(a.getAddress()));
                    }
                } catch (UnknownHostException e) {
                    // it cannot be listened on either; the server's start says so
                }
            }
            return new Hosts(false, false, Set.copyOf(addresses), Set.copyOf(names));
        }

        boolean allows(String host) {
            String h = normalize(host);
            if (h.equals("localhost")) {
                return true;
            }
            byte[] ip = NetUtil.createByteArrayFromIpAddressString(h);
            if (ip != null) {
                return anyAddress || addresses.contains(HexFormat.of().formatHex(ip));
            }
            return anyName || names.contains(h);
        }

        /** Lower case, without IPv6 brackets or a trailing dot. */
        static String normalize(String host) {
            String h = host.strip().toLowerCase(Locale.ROOT);
            if (h.startsWith("[") && h.endsWith("]")) {
                h = h.substring(1, h.length() - 1);
            }
            return h.endsWith(".") ? h.substring(0, h.length() - 1) : h;
        }

        private static boolean isWildcard(byte[] ip) {
            for (byte b : ip) {
                if (b != 0) {
                    return false;
                }
            }
            return true;
        }
    }
}
