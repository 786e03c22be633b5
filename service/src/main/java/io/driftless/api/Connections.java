package io.driftless.api;

import java.time.Duration;
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

    static HttpServerOptions options() {
        return new HttpServerOptions().setIdleTimeout((int) idleTimeout().toSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS).setMaxHeaderSize(MAX_HEADER_BYTES)
                .setMaxInitialLineLength(8 * 1024).setMaxFormAttributeSize(64 * 1024);
    }
}
