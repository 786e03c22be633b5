package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;
import io.driftless.testing.RawHttp;

/**
 * Issue 26, item 8: {@code /api/v1/events} streams are bounded per client and in total, and a stream ends when it
 * is too old (the web UI then opens a new one); before, 2,000 anonymous streams were accepted and held for ever.
 */
class ApiEventStreamIT {

    @TempDir
    Path tmp;

    @Test
    void streamsAreBoundedPerClientAndInTotal() throws Exception {
        List<Socket> open = new ArrayList<>();
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp,
                    ApiCredentials.NONE.withAnonymousRead(true), null)) {
                int port = service.httpPort();
                for (int i = 0; i < EventStream.PER_CLIENT; i++) {
                    assertThat(stream(open, "127.0.0.2", port)).as("stream %d of one client", i + 1).isEqualTo(200);
                }
                assertThat(stream(open, "127.0.0.2", port)).as("one more from that client").isEqualTo(429);
                int accepted = EventStream.PER_CLIENT;
                for (int i = 0; accepted < EventStream.TOTAL; i++) {
                    assertThat(stream(open, "127.0.3." + (i / 8 + 1), port)).as("stream %d in all", accepted + 1)
                            .isEqualTo(200);
                    accepted++;
                }
                assertThat(stream(open, "127.0.4.1", port)).as("one more than the total").isEqualTo(503);
                assertThat(RawHttp.get("127.0.4.1", port, "/healthz", Map.of()).status()).isEqualTo(200);

                for (Socket s : open) {
                    s.close();
                }
                open.clear();
                await().atMost(Duration.ofSeconds(10)).until(() -> {
                    int status = stream(open, "127.0.0.2", port);
                    return status == 200;
                });
            }
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    @Test
    void aStreamEndsWhenItIsTooOld() throws Exception {
        System.setProperty(EventStream.MAX_AGE_PROPERTY, "2");
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp,
                    ApiCredentials.NONE.withAnonymousRead(true), null)) {
                int[] status = new int[1];
                StringBuilder seen = new StringBuilder();
                try (Socket s = RawHttp.open("127.0.0.2", service.httpPort(), "/api/v1/events", Map.of(), status)) {
                    assertThat(status[0]).isEqualTo(200);
                    // no target changes: a stream the service did not end would time this read out (and fail)
                    s.setSoTimeout(15_000);
                    InputStream in = s.getInputStream();
                    // the connected comment, then the end of the stream: its last chunk, or the connection closed
                    for (int c; !seen.toString().endsWith("\r\n0\r\n\r\n") && (c = in.read()) >= 0; ) {
                        seen.append((char) c);
                    }
                }
                assertThat(seen.toString()).as("the stream began before it ended").contains(": connected");
            }
        } finally {
            System.clearProperty(EventStream.MAX_AGE_PROPERTY);
        }
    }

    private static int stream(List<Socket> open, String from, int port) throws Exception {
        int[] status = new int[1];
        Socket s = RawHttp.open(from, port, "/api/v1/events", Map.of(), status);
        open.add(s);
        return status[0];
    }
}
