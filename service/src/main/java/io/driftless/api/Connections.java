package io.driftless.api;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import io.vertx.core.http.HttpServerOptions;

/**
 * Limits on the HTTP server's connections, so slow or idle clients cannot hold it: a connection on which
 * nothing moves for the idle timeout is closed (a client that sends half a request and waits is dropped), and
 * request lines and headers are bounded in size. Requests that wait for work answer before the idle timeout
 * ({@link #answerWithin()}), so the timeout never cuts a request the server is still working on.
 */
final class Connections {

    /** Overrides the idle timeout (seconds), for tests that cannot wait a minute. */
    static final String IDLE_TIMEOUT_PROPERTY = "driftless.http.idle-timeout-seconds";
    static final int MAX_HEADER_BYTES = 16 * 1024;

    private Connections() {
    }

    static Duration idleTimeout() {
        return Duration.ofSeconds(Math.max(2, Integer.getInteger(IDLE_TIMEOUT_PROPERTY, 30)));
    }

    /** How long a request may wait for the work it started before it is answered with what is known. */
    static Duration answerWithin() {
        return idleTimeout().multipliedBy(3).dividedBy(4);
    }

    /** TLS 1.2 and 1.3 only. */
    static final Set<String> PROTOCOLS = new LinkedHashSet<>(List.of("TLSv1.3", "TLSv1.2"));
    /**
     * TLS 1.3's suites, and TLS 1.2's with an ephemeral (EC)DH key exchange (forward secrecy) and an AEAD cipher: no
     * RSA key exchange, no CBC, no SHA-1 MAC.
     */
    static final List<String> CIPHER_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
            "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

    /** HTTPS with {@link #PROTOCOLS} and {@link #CIPHER_SUITES} only; the caller adds the certificate. */
    static HttpServerOptions secure(HttpServerOptions options) {
        options.setSsl(true).setEnabledSecureTransportProtocols(PROTOCOLS);
        CIPHER_SUITES.forEach(options::addEnabledCipherSuite);
        return options;
    }

    static HttpServerOptions options() {
        return new HttpServerOptions().setIdleTimeout((int) idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS).setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxInitialLineLength(8 * 1024).setMaxFormAttributeSize(64 * 1024);
    }
}
