package io.driftless.source;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import javax.net.ssl.SSLContext;

import io.driftless.config.Urls;

/**
 * The GETs of chart repositories and OCI registries. Redirects are followed here, not by the HTTP client, so that
 * credentials never follow one elsewhere: the Authorization header goes only to the scheme, host and port it is
 * for (its <em>origin</em>), and once a redirect leaves that origin the rest of the way goes without it. At most
 * {@value #MAX_REDIRECTS} redirects are followed, only to http and https, never from https down to plain http.
 * Bodies are read up to a limit and no further. URLs in messages lose their query (signed URLs carry their
 * signature there) and any user part.
 */
final class HttpFetch {

    static final int MAX_REDIRECTS = 5;
    static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final Set<Integer> REDIRECTS = Set.of(301, 302, 303, 307, 308);

    /** An answer: its status, body and headers, and the URL that gave it (after any redirects). */
    record Answer(int code, byte[] body, HttpHeaders headers, URI uri, boolean redirected) {

        /** {@code HTTP 404 for <url>}, with where the request started when it was redirected. */
        String failure(URI asked) {
            return "HTTP " + code + " for " + show(uri) + (redirected ? " (redirected from " + show(asked) + ")" : "");
        }
    }

    private final HttpClient http;

    /** @param tls the TLS context, or null for the JVM's */
    HttpFetch(SSLContext tls) {
        HttpClient.Builder builder = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NEVER);
        if (tls != null) {
            builder.sslContext(tls);
        }
        http = builder.build();
    }

    /**
     * A GET that follows redirects.
     *
     * @param where         what the request is for, first in every message ({@code chart <repository>/<name>@<v>})
     * @param origin        the scheme, host and port the authorization is for
     * @param authorization the Authorization header for the origin, or null
     * @param limit         the largest body read; a larger one fails
     */
    Answer get(String where, URI uri, URI origin, String authorization, Map<String, String> headers, int limit) {
        URI at = checked(where, uri, null);
        boolean credentials = authorization != null;
        for (int redirects = 0; ; redirects++) {
            credentials &= sameOrigin(origin, at);
            boolean secure = "https".equals(at.getScheme()) || Urls.isLoopback(at.toString());
            Answer answer = send(where, at, credentials && secure ? authorization : null, headers, limit,
                    redirects > 0);
            if (!REDIRECTS.contains(answer.code())) {
                return answer;
            }
            if (redirects == MAX_REDIRECTS) {
                throw new SourceException(where + ": more than " + MAX_REDIRECTS + " redirects from " + show(uri));
            }
            String location = answer.headers().firstValue("Location").orElseThrow(() -> new SourceException(where
                    + ": HTTP " + answer.code() + " without a Location for " + show(answer.uri())));
            URI next;
            try {
                next = at.resolve(new URI(location));
            } catch (URISyntaxException | IllegalArgumentException e) {
                throw new SourceException(where + ": " + show(at) + " redirects to something that is not a URL");
            }
            at = checked(where, next, at);
        }
    }

    /** The URL, when it can be asked: http or https with a host, and not a step down from https. */
    private static URI checked(String where, URI uri, URI from) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String what = from == null ? show(uri) : show(from) + " redirects to " + show(uri) + ", which";
        if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
            throw new SourceException(where + ": " + what + " is not an http:// or https:// URL");
        }
        if (from != null && "https".equalsIgnoreCase(from.getScheme()) && scheme.equals("http")) {
            throw new SourceException(where + ": " + show(from) + " redirects from https to plain http (" + show(uri)
                    + "); refusing to follow it");
        }
        return uri;
    }

    private Answer send(String where, URI uri, String authorization, Map<String, String> headers, int limit,
                        boolean redirected) {
        HttpResponse<InputStream> answer;
        try {
            HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
            if (authorization != null) {
                request.header("Authorization", authorization);
            }
            headers.forEach(request::header);
            answer = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (IllegalArgumentException e) {
            throw new SourceException(where + ": " + show(uri) + " is not a URL that can be asked");
        } catch (IOException e) {
            throw new SourceException(where + ": cannot reach " + show(uri) + " (" + e.getClass().getSimpleName()
                    + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException(where + ": interrupted");
        }
        try (InputStream body = answer.body()) {
            if (REDIRECTS.contains(answer.statusCode())) {
                return new Answer(answer.statusCode(), new byte[0], answer.headers(), uri, redirected);
            }
            byte[] bytes = body.readNBytes(limit + 1);
            if (bytes.length > limit) {
                throw new SourceException(where + ": " + show(uri) + " is larger than " + limit + " bytes; refusing "
                        + "to read more");
            }
            return new Answer(answer.statusCode(), bytes, answer.headers(), uri, redirected);
        } catch (IOException e) {
            throw new SourceException(where + ": cannot read " + show(uri) + " (" + e.getClass().getSimpleName()
                    + ")");
        }
    }

    /** Whether two URLs have the same scheme, host and port (the port a scheme implies when none is given). */
    static boolean sameOrigin(URI a, URI b) {
        return a.getScheme() != null && a.getScheme().equalsIgnoreCase(b.getScheme()) && a.getHost() != null
                && a.getHost().equalsIgnoreCase(b.getHost()) && port(a) == port(b);
    }

    static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /** A URL as messages show it: without its user part, query (which may carry a signature) or fragment. */
    static String show(URI uri) {
        return uri.getScheme() + "://" + uri.getHost() + (uri.getPort() >= 0 ? ":" + uri.getPort() : "")
                + (uri.getRawPath() == null ? "" : uri.getRawPath());
    }
}
