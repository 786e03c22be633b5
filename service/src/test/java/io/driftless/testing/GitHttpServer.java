package io.driftless.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

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
 * serving one repository that tests commit to.
 */
public final class GitHttpServer implements AutoCloseable {

    public static final String USER = "driftless";
    public static final String PASSWORD = "s3cret-token";

    private final Git repo;
    private Server server;
    private int port;

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
