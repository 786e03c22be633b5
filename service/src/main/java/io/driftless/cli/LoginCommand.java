package io.driftless.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;

import io.driftless.api.Pkce;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code driftless login}: single sign-on for the CLI, as a native app does it (RFC 8252): the authorization code
 * flow with PKCE, its redirect to a port of this machine's loopback address that the command listens on for that
 * one answer. The browser opens the printed address (any browser, on any machine that can reach the provider, when
 * the loopback answer is forwarded); the ID token is kept in the config folder, readable by this user only, and
 * sent by the other verbs to that server until it expires.
 */
@Command(name = "login", mixinStandardHelpOptions = true, description = "Sign in to a Driftless that uses single "
        + "sign-on: open the printed address in a browser; the token is kept for the other verbs.")
public final class LoginCommand implements Callable<Integer> {

    @Mixin
    ClientOptions options;
    @Option(names = "--timeout", defaultValue = "300", description = "Seconds to wait for the browser (default: "
            + "${DEFAULT-VALUE}).")
    int timeout;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        JsonNode oidc = new ServiceClient(options.server, null, options.insecureHttp).get("/api/v1/auth")
                .path("oidc");
        if (oidc.isMissingNode()) {
            throw new CliException(options.server + " has no single sign-on; use --token-file or $DRIFTLESS_TOKEN", 2);
        }
        String state = Pkce.random();
        String verifier = Pkce.verifier();
        CompletableFuture<Map<String, String>> answer = new CompletableFuture<>();
        HttpServer loopback = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        loopback.createContext("/callback", exchange -> {
            Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
            boolean ours = state.equals(query.get("state"));
            byte[] page = (ours && query.containsKey("code") ? "Signed in to Driftless; you may close this tab."
                    : "Sign-in failed: " + query.getOrDefault("error", "unknown or expired sign-in"))
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/plain; charset=utf-8");
            exchange.sendResponseHeaders(200, page.length);
            exchange.getResponseBody().write(page);
            exchange.close();
            if (ours) {
                answer.complete(query);
            }
        });
        loopback.start();
        try {
            String redirect = "http://127.0.0.1:" + loopback.getAddress().getPort() + "/callback";
            String endpoint = oidc.path("authorizationEndpoint").asText();
            Map<String, String> ask = new LinkedHashMap<>();
            ask.put("response_type", "code");
            ask.put("client_id", oidc.path("clientId").asText());
            ask.put("redirect_uri", redirect);
            ask.put("scope", String.join(" ", ServiceClient.JSON.convertValue(oidc.path("scopes"), String[].class)));
            ask.put("state", state);
            ask.put("code_challenge", Pkce.challenge(verifier));
            ask.put("code_challenge_method", "S256");
            out.println("Open this address in a browser to sign in:");
            out.println("  " + endpoint + (endpoint.contains("?") ? "&" : "?") + Pkce.form(ask));
            out.flush();
            Map<String, String> query;
            try {
                query = answer.get(timeout, TimeUnit.SECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                throw new CliException("no sign-in within " + timeout + " s", 2);
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new CliException("sign-in interrupted", 2);
            }
            if (!query.containsKey("code")) {
                throw new CliException("the provider refused the sign-in: " + query.getOrDefault("error", "no code"),
                        2);
            }
            Map<String, String> exchange = new LinkedHashMap<>();
            exchange.put("grant_type", "authorization_code");
            exchange.put("code", query.get("code"));
            exchange.put("redirect_uri", redirect);
            exchange.put("client_id", oidc.path("clientId").asText());
            exchange.put("code_verifier", verifier);
            String token = idToken(oidc.path("tokenEndpoint").asText(), exchange);
            java.nio.file.Path stored = options.storeToken(token);
            JsonNode who = new ServiceClient(options.server, token, options.insecureHttp).get("/api/v1/targets");
            out.printf("Signed in to %s (%d targets visible); the token is kept in %s%n", options.server, who.size(),
                    stored);
            out.flush();
            return 0;
        } finally {
            loopback.stop(0);
        }
    }

    private static String idToken(String tokenEndpoint, Map<String, String> fields) {
        try {
            Pkce.Exchange answer = Pkce.exchange(HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
                    .build(), tokenEndpoint, fields, Duration.ofSeconds(30));
            if (answer.idToken() == null) {
                throw new CliException("the provider refused the code: HTTP " + answer.status() + " "
                        + answer.error(), 2);
            }
            return answer.idToken();
        } catch (IOException e) {
            throw new CliException("cannot reach the provider's token endpoint (" + e.getClass().getSimpleName()
                    + ")", 2);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 2);
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new LinkedHashMap<>();
        if (raw != null) {
            for (String pair : raw.split("&")) {
                int eq = pair.indexOf('=');
                out.put(java.net.URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8),
                        eq < 0 ? "" : java.net.URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }
}
