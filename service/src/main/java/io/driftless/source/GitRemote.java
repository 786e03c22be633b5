package io.driftless.source;

import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.SshTransport;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.sshd.SshdSessionFactory;
import org.eclipse.jgit.transport.sshd.SshdSessionFactoryBuilder;

import io.driftless.config.SourceSpec;

/**
 * A source's remote repository as JGit reaches it: its URL with the source's credentials, its own SSH key and
 * known_hosts (never the user's {@code ~/.ssh}) and a timeout per network read. Fetches and ls-remotes; the cache and
 * the fetch's deadline are {@link GitSource}'s.
 */
final class GitRemote implements Closeable {

    /** How long one network read may wait. */
    static final int TIMEOUT_SECONDS = 30;

    private final SourceSpec spec;
    private final Map<String, String> env;
    /** Whether the remote is on this machine (file:// or a path): fetched whole, never shallow. */
    private final boolean local;
    /** For ssh:// sources: the key file and known_hosts of this source only. */
    private final SshdSessionFactory ssh;

    /** @param sshDir a folder of this source's own for the SSH client's state (ssh:// sources only) */
    GitRemote(SourceSpec spec, Map<String, String> env, File sshDir) {
        this.spec = spec;
        this.env = env;
        this.local = isLocal(spec.url());
        this.ssh = SourceSpec.isSsh(spec.url()) ? sshSessions(sshDir) : null;
    }

    boolean local() {
        return local;
    }

    /** Whether a source URL names a repository on this machine (JGit's local transport). */
    static boolean isLocal(String url) {
        if (url == null || SourceSpec.isSsh(url)) {
            return false;
        }
        try {
            String scheme = new URIish(url).getScheme();
            return scheme == null || "file".equalsIgnoreCase(scheme);
        } catch (java.net.URISyntaxException e) {
            return false;
        }
    }

    /**
     * One JGit fetch into the repository: a remote source's branch and tag tips one commit deep, a local source
     * whole; with {@code unlessAt} (a branch or tag), none when the remote's tip of it is the one the cache holds
     * already.
     */
    void fetch(Repository into, List<RefSpec> specs, boolean commitId, String unlessAt) {
        try (Git git = new Git(into)) {
            if (unlessAt != null && unmoved(into, git, unlessAt)) {
                return;
            }
            var fetch = remote(git.fetch()).setRefSpecs(specs).setRemoveDeletedRefs(true);
            if (local) {
                // whole: no depth, so no shallow negotiation (see the class comment)
            } else if (!commitId) {
                fetch.setDepth(1);
            } else if (GitSource.shallow(into)) {
                fetch.setUnshallow(true);
            }
            fetch.call();
        } catch (GitAPIException | java.net.URISyntaxException | org.eclipse.jgit.api.errors.JGitInternalException e) {
            throw new SourceException("source " + spec.name() + ": fetch from " + redactedUrl() + " failed: "
                    + rootMessage(e), e);
        }
    }

    /** Whether the remote's tip of the branch or tag is the one the cache holds (asked with one ls-remote). */
    private boolean unmoved(Repository into, Git git, String ref) throws GitAPIException, java.net.URISyntaxException {
        Map<String, Ref> remote = remote(git.lsRemote()).setHeads(true).setTags(true).callAsMap();
        for (String[] names : List.of(new String[] {Constants.R_HEADS + ref, "refs/remotes/origin/" + ref},
                new String[] {Constants.R_TAGS + ref, Constants.R_TAGS + ref})) {
            Ref there = remote.get(names[0]);
            if (there != null) {
                try {
                    Ref here = into.exactRef(names[1]);
                    return here != null && there.getObjectId().equals(here.getObjectId());
                } catch (IOException e) {
                    return false; // fetched, and read again, below
                }
            }
        }
        return false;
    }

    /** A fetch or ls-remote of the source's URL, with its credentials, SSH keys and timeout. */
    private <C extends org.eclipse.jgit.api.TransportCommand<C, ?>> C remote(C command)
            throws java.net.URISyntaxException {
        if (command instanceof org.eclipse.jgit.api.FetchCommand fetch) {
            fetch.setRemote(new URIish(spec.url()).toString());
        } else if (command instanceof org.eclipse.jgit.api.LsRemoteCommand ls) {
            ls.setRemote(new URIish(spec.url()).toString());
        }
        return command.setCredentialsProvider(GitCredentials.provider(spec, env))
                .setTransportConfigCallback(transport -> {
                    if (transport instanceof SshTransport sshTransport && ssh != null) {
                        sshTransport.setSshSessionFactory(ssh);
                    }
                })
                .setTimeout(TIMEOUT_SECONDS);
    }

    /**
     * Public-key authentication with the source's key file; the server must present a host key listed in the
     * source's known_hosts file (an unknown or changed key fails the fetch, nothing is asked or added).
     */
    private SshdSessionFactory sshSessions(File sshDir) {
        Path key = Path.of(spec.auth().sshKeyFile());
        Path knownHosts = Path.of(spec.auth().knownHostsFile());
        return new SshdSessionFactoryBuilder().setHomeDirectory(sshDir).setSshDirectory(sshDir)
                .setConfigFile(dir -> new File(sshDir, "no-config"))
                .setDefaultIdentities(dir -> List.of(key)).setDefaultKnownHostsFiles(dir -> List.of(knownHosts))
                .setPreferredAuthentications("publickey").build(null);
    }

    /** The URL without any user-info part. */
    public String redactedUrl() {
        return spec.url().replaceAll("://[^/@]*@", "://");
    }

    /**
     * The deepest message of the cause chain that tells a user something: an I/O or transport message, not an
     * internal error (an index out of bounds) of a parser that met garbage, whose caller's message says more.
     */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = e.getMessage();
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
            if (t.getMessage() != null && !(t instanceof RuntimeException && !(t instanceof SourceException))) {
                message = t.getMessage();
            }
        }
        return message == null ? e.getClass().getSimpleName() : message;
    }

    @Override
    public void close() {
        if (ssh != null) {
            ssh.close();
        }
    }
}
