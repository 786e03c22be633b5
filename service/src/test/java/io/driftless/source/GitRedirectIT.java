package io.driftless.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpServer;

import io.driftless.config.Origin;
import io.driftless.config.SourceSpec;

/** A Git server that redirects a fetch to another host never gets the source's credentials there. */
class GitRedirectIT {

    @TempDir
    Path tmp;

    @Test
    void credentialsDoNotFollowARedirectToAnotherHost() throws Exception {
        List<String> sentThere = new CopyOnWriteArrayList<>();
        HttpServer elsewhere = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        elsewhere.createContext("/", exchange -> {
            sentThere.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"elsewhere\"");
            exchange.sendResponseHeaders(401, -1);
            exchange.close();
        });
        HttpServer redirecting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        redirecting.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Location", "http://127.0.0.1:" + elsewhere.getAddress().getPort()
                    + exchange.getRequestURI());
            exchange.sendResponseHeaders(302, -1);
            exchange.close();
        });
        elsewhere.start();
        redirecting.start();
        try {
            SourceSpec spec = new SourceSpec("values", "http://localhost:" + redirecting.getAddress().getPort()
                    + "/values.git", "main", Duration.ofMinutes(1), new SourceSpec.GitAuth("bot", null, "TOKEN", null,
                    null, null), SourceSpec.Webhook.NONE, Origin.NONE);
            try (GitSource source = new GitSource(spec, tmp, Map.of("TOKEN", "the-source-token"))) {
                assertThatThrownBy(source::fetch).isInstanceOf(SourceException.class)
                        .hasMessageStartingWith("source values: fetch from ");
            }
            assertThat(sentThere).as("the redirect was followed").isNotEmpty();
            assertThat(sentThere).as("what the other host was sent").allMatch("null"::equals);
        } finally {
            redirecting.stop(0);
            elsewhere.stop(0);
        }
    }
}
