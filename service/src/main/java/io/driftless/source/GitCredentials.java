package io.driftless.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.eclipse.jgit.transport.CredentialsProvider;
import org.eclipse.jgit.transport.UsernamePasswordCredentialsProvider;

import io.driftless.config.SourceSpec;

/** Resolves HTTP(S) credentials from environment variables or files at fetch time; never logs them. */
final class GitCredentials {

    private GitCredentials() {
    }

    static CredentialsProvider provider(SourceSpec spec, Map<String, String> env) {
        SourceSpec.GitAuth auth = spec.auth();
        if (auth.isNone() || SourceSpec.isSsh(spec.url())) {
            return null; // SSH authenticates with its key file (see GitSource)
        }
        String username = auth.username();
        if (auth.usernameEnv() != null) {
            username = require(spec, env.get(auth.usernameEnv()), "environment variable " + auth.usernameEnv());
        }
        String secret;
        if (auth.passwordEnv() != null) {
            secret = require(spec, env.get(auth.passwordEnv()), "environment variable " + auth.passwordEnv());
        } else if (auth.tokenEnv() != null) {
            secret = require(spec, env.get(auth.tokenEnv()), "environment variable " + auth.tokenEnv());
        } else {
            String file = auth.passwordFile() != null ? auth.passwordFile() : auth.tokenFile();
            try {
                secret = Files.readString(Path.of(file), StandardCharsets.UTF_8).strip();
            } catch (IOException e) {
                throw new SourceException("source " + spec.name() + ": cannot read credentials file " + file
                        + ": " + e.getClass().getSimpleName());
            }
        }
        if (username == null || username.isEmpty()) {
            username = "driftless"; // token authentication: hosts ignore the user name
        }
        return new UsernamePasswordCredentialsProvider(username, secret);
    }

    private static String require(SourceSpec spec, String value, String what) {
        if (value == null || value.isEmpty()) {
            throw new SourceException("source " + spec.name() + ": credentials: " + what + " is not set");
        }
        return value;
    }
}
