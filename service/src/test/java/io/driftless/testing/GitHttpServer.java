package io.driftless.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.http.server.GitServlet;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.resolver.RepositoryResolver;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * A real Git smart-HTTP server on 127.0.0.1 (JGit's GitServlet on Jetty) with basic authentication,
 * serving one repository that tests commit to. It can misbehave on cue, for fault tests: answer 503
 * ({@link #down}), answer slowly ({@link #slow}), send garbage for a pack ({@link #corruptPack}), and have its
 * history rewritten as a force-push does ({@link #rewriteMain}).
 */
public final class GitHttpServer implements AutoCloseable {

    public static final String USER = "driftless";
    public static final String PASSWORD = "s3cret-token";

    /** What {@link #corruptPack} sends instead of a pack: the same bytes each time. */
    private static final byte[] GARBAGE = garbage();

    private final Git repo;
    private Server server;
    private int port;
    private volatile boolean down;
    private volatile Duration slow = Duration.ZERO;
    private volatile boolean corruptPack;
    private final AtomicInteger faults = new AtomicInteger();
    private final AtomicInteger fetches = new AtomicInteger();

    public GitHttpServer(Path dir) throws Exception {
        Files.createDirectories(dir);
        this.repo = Git.init().setDirectory(dir.toFile()).setInitialBranch("main").call();
        start(0);
    }

    /** Starts (or restarts on the same port) the HTTP server. */
    public void start(int onPort) throws Exception {
        GitServlet git = new GitServlet();
        RepositoryResolver<HttpServletRequest> resolver = (req, name) -> {
            Repository r = repo.getRepository();
            r.incrementOpen();
            return r;
        };
        git.setRepositoryResolver(resolver);
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(onPort);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(git), "/*");
        context.addFilter(new FilterHolder(basicAuth()), "/*", java.util.EnumSet.of(DispatcherType.REQUEST));
        context.addFilter(new FilterHolder(faults()), "/*", java.util.EnumSet.of(DispatcherType.REQUEST));
        server.setHandler(context);
        server.start();
        port = connector.getLocalPort();
    }

    private static Filter basicAuth() {
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        return (request, response, chain) -> {
            HttpServletRequest req = (HttpServletRequest) request;
            if (!expected.equals(req.getHeader("Authorization"))) {
                HttpServletResponse res = (HttpServletResponse) response;
                res.setHeader("WWW-Authenticate", "Basic realm=\"git\"");
                res.sendError(401);
                return;
            }
            chain.doFilter(request, response);
        };
    }

    /**
     * The faults switched on, applied to authenticated requests (the basic-auth challenge before them stays
     * quick): each waits {@link #slow} first, then {@link #down} answers 503 and {@link #corruptPack} answers an
     * upload-pack POST that asks for objects with a well-framed answer whose pack is garbage.
     */
    private Filter faults() {
        return (request, response, chain) -> {
            HttpServletRequest req = (HttpServletRequest) request;
            HttpServletResponse res = (HttpServletResponse) response;
            if ("GET".equals(req.getMethod()) && req.getRequestURI().endsWith("/info/refs")) {
                fetches.incrementAndGet(); // every fetch starts with the ref advertisement
            }
            Duration wait = slow;
            if (!wait.isZero()) {
                faults.incrementAndGet();
                try {
                    Thread.sleep(wait.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
            if (down) {
                faults.incrementAndGet();
                res.sendError(503, "Service Unavailable");
                return;
            }
            if (corruptPack && "POST".equals(req.getMethod()) && req.getRequestURI().endsWith("/git-upload-pack")) {
                byte[] body = req.getInputStream().readAllBytes();
                String command = new String("gzip".equals(req.getHeader("Content-Encoding"))
                        ? new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(body)).readAllBytes()
                        : body, StandardCharsets.ISO_8859_1);
                if (command.contains("command=ls-refs")) { // protocol v2 lists refs by POST: that part works
                    chain.doFilter(replaying(req, body), response);
                    return;
                }
                faults.incrementAndGet();
                byte[] answer = corruptPackResponse(command.contains("command=fetch"), command.contains("0009done\n"));
                res.setStatus(200);
                res.setContentType("application/x-git-upload-pack-result");
                res.setContentLength(answer.length);
                res.getOutputStream().write(answer);
                return;
            }
            chain.doFilter(request, response);
        };
    }

    /** A pack header (version 2, one object) followed by garbage instead of the object and the checksum. */
    private static byte[] garbage() {
        byte[] bytes = new byte[12 + 512];
        new java.util.Random(42).nextBytes(bytes);
        System.arraycopy(new byte[] {'P', 'A', 'C', 'K', 0, 0, 0, 2, 0, 0, 0, 1}, 0, bytes, 0, 12);
        return bytes;
    }

    /**
     * An upload-pack answer framed as the protocol wants (v2: acknowledgments saying it is ready unless the
     * client said done, then a {@code packfile} section; v0: a NAK), whose pack data (side band 1) is
     * {@link #GARBAGE}.
     */
    private static byte[] corruptPackResponse(boolean v2, boolean done) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        if (v2 && !done) {
            packetLine(out, "acknowledgments\n".getBytes(StandardCharsets.US_ASCII));
            packetLine(out, "ready\n".getBytes(StandardCharsets.US_ASCII));
            out.write("0001".getBytes(StandardCharsets.US_ASCII));
        }
        packetLine(out, (v2 ? "packfile\n" : "NAK\n").getBytes(StandardCharsets.US_ASCII));
        byte[] band = new byte[GARBAGE.length + 1];
        band[0] = 1;
        System.arraycopy(GARBAGE, 0, band, 1, GARBAGE.length);
        packetLine(out, band);
        out.write("0000".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    private static void packetLine(java.io.OutputStream out, byte[] payload) throws IOException {
        out.write(String.format("%04x", payload.length + 4).getBytes(StandardCharsets.US_ASCII));
        out.write(payload);
    }

    /** The request with its body, already read, readable again. */
    private static HttpServletRequest replaying(HttpServletRequest request, byte[] body) {
        return new jakarta.servlet.http.HttpServletRequestWrapper(request) {
            @Override
            public jakarta.servlet.ServletInputStream getInputStream() {
                java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(body);
                return new jakarta.servlet.ServletInputStream() {
                    @Override
                    public boolean isFinished() {
                        return in.available() == 0;
                    }

                    @Override
                    public boolean isReady() {
                        return true;
                    }

                    @Override
                    public void setReadListener(jakarta.servlet.ReadListener listener) {
                        throw new UnsupportedOperationException("blocking reads only");
                    }

                    @Override
                    public int read() {
                        return in.read();
                    }

                    @Override
                    public int read(byte[] b, int off, int len) {
                        return in.read(b, off, len);
                    }
                };
            }
        };
    }

    /** While true, every request is answered 503 Service Unavailable. */
    public void down(boolean down) {
        this.down = down;
    }

    /** Each request waits this long before it is answered ({@link Duration#ZERO}: no wait). */
    public void slow(Duration perRequest) {
        this.slow = perRequest;
    }

    /**
     * While true, upload-pack requests that ask for objects (what a fetch downloads its pack with) are answered
     * with a corrupt pack, framed as the protocol wants and of the right content type; listing refs still works.
     */
    public void corruptPack(boolean corrupt) {
        this.corruptPack = corrupt;
    }

    /** Switches every fault off. */
    public void healthy() {
        down = false;
        slow = Duration.ZERO;
        corruptPack = false;
    }

    /** Fetches (and pushes) begun so far: authenticated requests for the ref advertisement. */
    public int fetchesServed() {
        return fetches.get();
    }

    /** Requests a fault was applied to so far (a slow answer, a 503 or garbage). */
    public int faultsServed() {
        return faults.get();
    }

    public void stop() throws Exception {
        server.stop();
    }

    /** The repository served, for serving it over another transport too. */
    public org.eclipse.jgit.lib.Repository repository() {
        return repo.getRepository();
    }

    public int port() {
        return port;
    }

    public String url() {
        return "http://127.0.0.1:" + port + "/values.git";
    }

    /** Writes the files (path -> content; null deletes) and commits them; returns the commit id. */
    public String commit(String message, Map<String, String> files) throws Exception {
        return commit(message, files, null);
    }

    /** As {@link #commit(String, Map)}, signed by the signer (when not null), as {@code git commit -S} would. */
    public String commit(String message, Map<String, String> files, org.eclipse.jgit.lib.Signer signer)
            throws Exception {
        Path root = repo.getRepository().getWorkTree().toPath();
        for (Map.Entry<String, String> f : files.entrySet()) {
            Path p = root.resolve(f.getKey());
            if (f.getValue() == null) {
                Files.deleteIfExists(p);
                repo.rm().addFilepattern(f.getKey()).call();
            } else {
                Files.createDirectories(p.getParent());
                Files.writeString(p, f.getValue());
                repo.add().addFilepattern(f.getKey()).call();
            }
        }
        var command = repo.commit().setMessage(message).setAuthor("Test", "test@driftless.invalid")
                .setCommitter("Test", "test@driftless.invalid");
        RevCommit c = (signer == null ? command.setSign(false) : command.setSign(true).setSigner(signer)
                .setSigningKey("values-bot")).call();
        return c.getName();
    }

    /** Commits the files on a new branch started from the current one, then returns to it; returns the commit id. */
    public String commitOnBranch(String branch, String message, Map<String, String> files) throws Exception {
        String current = repo.getRepository().getBranch();
        repo.checkout().setCreateBranch(true).setName(branch).call();
        try {
            return commit(message, files);
        } finally {
            repo.checkout().setName(current).call();
        }
    }

    /**
     * Rewrites {@code main} as a force-push does: resets it (hard) to {@code resetTo}, then commits the files
     * there, so the new head's history does not contain the old head. Returns the new head's commit id.
     */
    public String rewriteMain(String resetTo, String message, Map<String, String> files) throws Exception {
        repo.reset().setMode(org.eclipse.jgit.api.ResetCommand.ResetType.HARD).setRef(resetTo).call();
        return commit(message, files);
    }

    /** Reads a file of the working tree (what was last committed). */
    public String read(String path) throws IOException {
        return Files.readString(repo.getRepository().getWorkTree().toPath().resolve(path));
    }

    @Override
    public void close() throws Exception {
        server.stop();
        repo.close();
    }
}
