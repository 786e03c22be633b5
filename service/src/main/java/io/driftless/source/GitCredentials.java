package io.driftless.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.eclipse.jgit.transport.CredentialItem;
import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

import io.driftless.config.SourceSpec;

/** Resolves HTTP(S) credentials from environment variables or files at fetch time; never logs them. */
final class GitCredentials {

    private GitCredentials() {
    }

    /** A user name and its password or token. */
    record Basic(String username, String secret) {
        @Override
        public String toString() {
            return "Basic[" + username + ", secret redacted]";
        }
    }

    /**
     * The source's credentials, for its own scheme, host and port only: a server that redirects the fetch elsewhere
     * and asks for credentials there gets none (JGit follows redirects and asks the provider again for the new
     * address).
     */
    static CredentialsProvider provider(SourceSpec spec, Map<String, String> env) {
        if (spec.auth().isNone() || SourceSpec.isSsh(spec.url())) {
            return null; // SSH authenticates with its key file (see GitSource)
        }
        Basic basic = basic("source " + spec.name(), spec.auth(), env);
        URIish own;
        try {
            own = new URIish(spec.url());
        } catch (java.net.URISyntaxException e) {
            throw new SourceException("source " + spec.name() + ": the URL is not valid");
        }
        return new UsernamePasswordCredentialsProvider(basic.username(), basic.secret()) {
            @Override
            public boolean get(URIish uri, CredentialItem... items) {
                return sameOrigin(own, uri) && super.get(uri, items);
            }
        };
    }

    static boolean sameOrigin(URIish a, URIish b) {
        return b != null && String.valueOf(a.getScheme()).equalsIgnoreCase(String.valueOf(b.getScheme()))
                && String.valueOf(a.getHost()).equalsIgnoreCase(String.valueOf(b.getHost()))
                && port(a) == port(b);
    }

    private static int port(URIish uri) {
        return uri.getPort() > 0 ? uri.getPort() : "https".equalsIgnoreCase(uri.getScheme()) ? 443 : 80;
    }

    /**
     * The credentials the auth settings name, read now from the environment or a file.
     *
     * @param who for errors, e.g. {@code source values}
     */
    static Basic basic(String who, SourceSpec.GitAuth auth, Map<String, String> env) {
        String username = auth.username();
        if (auth.usernameEnv() != null) {
            username = require(who, env.get(auth.usernameEnv()), "environment variable " + auth.usernameEnv());
        }
        String secret;
        if (auth.passwordEnv() != null) {
            secret = require(who, env.get(auth.passwordEnv()), "environment variable " + auth.passwordEnv());
        } else if (auth.tokenEnv() != null) {
            secret = require(who, env.get(auth.tokenEnv()), "environment variable " + auth.tokenEnv());
        } else {
            String file = auth.passwordFile() != null ? auth.passwordFile() : auth.tokenFile();
            try {
                secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new SourceException(who + ": cannot read credentials file " + file + ": "
                        + e.getClass().getSimpleName());
            }
        }
        if (username == null || username.isEmpty()) {
            username = "driftless"; // token authentication: hosts ignore the user name
        }
        return new Basic(username, secret);
    }

    private static String require(String who, String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new SourceException(who + ": credentials: " + what + " is not set");
        }
        return value;
    }
}
