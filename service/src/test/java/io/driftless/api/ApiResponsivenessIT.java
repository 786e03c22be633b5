package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.Target;
import io.driftless.diff.FieldDrift;
import io.driftless.model.ObjectRef;
import io.driftless.status.Drift;
import io.driftless.status.SyncResult;
import io.driftless.status.SyncState;
import io.driftless.status.TargetStatus;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;

/**
 * Issue 25: nothing blocks the event loop. While 40 clients present wrong bearer tokens (each a PBKDF2 of 600,000
 * iterations, from 40 addresses so the per-client lockout does not spare it) and 40 more ask for a target list of
 * several MB at once, {@code /healthz} keeps answering within the liveness probe's budget.
 */
class ApiResponsivenessIT {

    /** The bound on every {@code /healthz} answer under load (the Deployment's liveness probe allows 1 s). */
    static final long HEALTHZ_MILLIS = 100;
    static final int TARGETS = 6_000;
    static final int CLIENTS = 40;

    @TempDir
    Path tmp;

    @Test
    void healthzAnswersWhileCredentialsAreCheckedAndLargeListsAreSent() throws Exception {
        Path users = tmp.resolve("users");
        Files.writeString(users, "vera viewer " + ApiCredentials.hash("vera-token", ApiCredentials.ITERATIONS) + "\n");
        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp,
                    ApiCredentials.NONE.withUsers(ApiCredentials.readUsers(users)), null)) {
                seed(service);
                int port = service.httpPort();
                Answer baseline = get(port, "127.0.0.1", "/api/v1/targets", "Bearer vera-token");
                assertThat(baseline.status()).isEqualTo(200);
                assertThat(baseline.bytes()).as("the target list is several MB").isGreaterThan(5_000_000L);
                assertThat(get(port, "127.0.0.1", "/healthz", null).status()).isEqualTo(200);

                int guesses = ClientLimits.AUTH_FAILURES + 2;
                ExecutorService pool = Executors.newFixedThreadPool(2 * CLIENTS + guesses);
                CountDownLatch sent = new CountDownLatch(2 * CLIENTS + guesses);
                List<Future<Answer>> wrong = new ArrayList<>();
                List<Future<Answer>> lists = new ArrayList<>();
                List<Future<Answer>> oneClient = new ArrayList<>();
                long started = System.nanoTime();
                for (int i = 0; i < CLIENTS; i++) {
                    String from = "127.0.0." + (2 + i); // one address each: the per-client lockout does not apply
                    String token = "Bearer wrong-token-" + i;
                    wrong.add(pool.submit(() -> get(port, from, "/api/v1/targets", token, sent)));
                    lists.add(pool.submit(() -> get(port, "127.0.0.1", "/api/v1/targets", "Bearer vera-token", sent)));
                }
                for (int i = 0; i < guesses; i++) { // at once from one address: the lockout counts checks in flight
                    String token = "Bearer guess-" + i;
                    oneClient.add(pool.submit(() -> get(port, "127.0.0.99", "/api/v1/targets", token, sent)));
                }
                assertThat(sent.await(30, TimeUnit.SECONDS)).isTrue();
                Thread.sleep(200);
                List<Long> probes = new ArrayList<>();
                for (int i = 0; i < 10; i++) {
                    long t0 = System.nanoTime();
                    assertThat(get(port, "127.0.0.1", "/healthz", null).status()).isEqualTo(200);
                    probes.add((System.nanoTime() - t0) / 1_000_000);
                    Thread.sleep(100);
                }
                boolean loadInFlight = wrong.stream().anyMatch(f -> !f.isDone())
                        || lists.stream().anyMatch(f -> !f.isDone());
                System.out.printf("ApiResponsivenessIT: list %d bytes; /healthz under load %s ms (max %d)%n",
                        baseline.bytes(), probes, probes.stream().mapToLong(Long::longValue).max().orElseThrow());
                for (Future<Answer> f : wrong) {
                    assertThat(f.get(5, TimeUnit.MINUTES).status()).as("a wrong token").isEqualTo(401);
                }
                List<Integer> lockout = new ArrayList<>();
                for (Future<Answer> f : oneClient) {
                    lockout.add(f.get(5, TimeUnit.MINUTES).status());
                }
                assertThat(lockout).as("one client's guesses").containsOnly(401, 429)
                        .filteredOn(status -> status == 401).hasSize(ClientLimits.AUTH_FAILURES);
                for (Future<Answer> f : lists) { // the whole list; the synced target's own status may change meanwhile
                    Answer list = f.get(5, TimeUnit.MINUTES);
                    assertThat(list.status()).as("a target list").isEqualTo(200);
                    assertThat(list.bytes()).as("a target list").isCloseTo(baseline.bytes(), within(64 * 1024L));
                }
                long loadMillis = (System.nanoTime() - started) / 1_000_000;
                pool.shutdownNow();
                System.out.printf("ApiResponsivenessIT: the load was done in %d ms%n", loadMillis);
                assertThat(probes).as("/healthz answer times (ms) under load").allMatch(ms -> ms < HEALTHZ_MILLIS);
                assertThat(loadInFlight).as("the probes ran while the load was in flight").isTrue();
            }
        }
    }

    /** Many targets beside the synced one, each with some drift and history: a target list of several MB. */
    private static void seed(DriftlessService service) {
        Target real = service.fleet().targets().get(0);
        ReleaseSpec r = real.release();
        List<Target> targets = new ArrayList<>(List.of(real));
        for (int i = 0; i < TARGETS; i++) {
            targets.add(new Target(new ReleaseSpec("release-" + i, r.namespace(), r.chart(), r.source(), r.values(),
                    r.clusters(), r.syncPolicy(), r.ignoreDifferences(), r.origin(), r.tenant(), r.adopt(), r.delivery(),
                    r.decryption()),
                    real.cluster()));
        }
        service.board().follow(targets);
        Instant now = Instant.parse("2026-01-02T03:04:05Z");
        String commit = "0123456789abcdef0123456789abcdef01234567";
        for (Target t : targets.subList(1, targets.size())) {
            List<Drift> drift = new ArrayList<>();
            List<TargetStatus.SyncRecord> history = new ArrayList<>();
            for (int j = 0; j < 3; j++) {
                drift.add(new Drift(new ObjectRef("apps/v1", "Deployment", r.namespace(), t.release().name() + "-" + j),
                        Drift.Kind.FIELD, new FieldDrift(FieldDrift.Kind.CHANGED, "/spec/replicas", "/spec/replicas",
                        2, 3, new FieldDrift.Writer("kubectl-edit", "Update", "2026-01-02T03:04:05Z")), null));
                history.add(new TargetStatus.SyncRecord(now.minusSeconds(60L * j), commit, SyncResult.SUCCESS,
                        SyncState.OutOfSync, "0 created, 1 configured, 7 unchanged, 0 pruned", null));
            }
            service.board().adopt(new TargetStatus(t.cluster().name(), t.release().name(), t.release().namespace(),
                    t.release().source(), SyncState.OutOfSync, commit, commit, now, now, drift.size(),
                    "3 objects out of sync", null, List.of(), List.of(), drift, "Healthy", List.of(), history));
        }
    }

    /** An HTTP answer: its status and how many bytes its body had. */
    record Answer(int status, long bytes) {
    }

    private static Answer get(int port, String from, String path, String authorization) throws IOException {
        return get(port, from, path, authorization, null);
    }

    /** One request on its own connection from the address {@code from}; the whole answer is read. */
    private static Answer get(int port, String from, String path, String authorization, CountDownLatch sent)
            throws IOException {
        try (Socket socket = new Socket()) {
            socket.setSoTimeout(120_000);
            socket.bind(new InetSocketAddress(from, 0));
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + (authorization == null ? "" : "Authorization: " + authorization + "\r\n") + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (sent != null) {
                sent.countDown();
            }
            InputStream in = socket.getInputStream();
            StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("the connection closed within the head: " + head);
                }
                head.append((char) c);
            }
            long bytes = 0;
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                bytes += n;
            }
            return new Answer(Integer.parseInt(head.substring(9, 12)), bytes);
        }
    }
}
