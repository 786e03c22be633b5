package io.driftless.config;

import java.time.Duration;
import java.util.List;

/**
 * A Git repository holding values files.
 *
 * @param url          https://, http://, file:// URL or a local path
 * @param ref          branch, tag or full commit id
 * @param pollInterval how often to fetch when no webhook arrives (jitter is added)
 * @param webhook      the shared secret push webhooks must prove, or {@link Webhook#NONE} (no webhook)
 * @param trustedKeys  files of OpenPGP public keys; when any is given, a head commit not signed by one of
 *                     them is refused
 * @param decryption   the keys that open the SOPS-encrypted files of the releases that read it, or
 *                     {@link Decryption#NONE}
 */
public record SourceSpec(String name, String url, String ref, Duration pollInterval, GitAuth auth,
                         Webhook webhook, List<String> trustedKeys, Decryption decryption, Origin origin) {

    /** {@code ssh://...} or scp-like {@code user@host:path}. */
    public static boolean isSsh(String url) {
        return url != null && (url.startsWith("ssh://") || url.matches("[\\w.-]+@[\\w.-]+:.+"));
    }

    public SourceSpec(String name, String url, String ref, Duration pollInterval, GitAuth auth, Webhook webhook,
                      Origin origin) {
        this(name, url, ref, pollInterval, auth, webhook, List.of(), Decryption.NONE, origin);
    }

    /** Where the webhook secret lives: an environment variable or a file, never inline. */
    public record Webhook(String secretEnv, String secretFile) {
        public static final Webhook NONE = new Webhook(null, null);

        public boolean isNone() {
            return equals(NONE);
        }
    }

    /**
     * Credentials: for HTTP(S) each secret comes from an environment variable or a file, never inline; for SSH a
     * private key file and the known_hosts file that must list the server's host key.
     */
    public record GitAuth(String username, String usernameEnv, String passwordEnv, String passwordFile,
                          String tokenEnv, String tokenFile, String sshKeyFile, String knownHostsFile) {
        public static final GitAuth NONE = new GitAuth(null, null, null, null, null, null, null, null);

        public GitAuth(String username, String usernameEnv, String passwordEnv, String passwordFile, String tokenEnv,
                       String tokenFile) {
            this(username, usernameEnv, passwordEnv, passwordFile, tokenEnv, tokenFile, null, null);
        }

        public boolean isNone() {
            return equals(NONE);
        }
    }
}
