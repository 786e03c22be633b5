package io.driftless.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.driftless.config.ClusterSpec;
import io.fabric8.kubernetes.client.Config;

/**
 * Reading a cluster's kubeconfig, as untrusted input: only a YAML mapping of kind Config is handed to the client
 * (whose parser would quote anything else in its errors), a user that runs a command (an exec plugin) or an auth
 * provider is refused unless the operator allowed it, and what a certificate failure tells about trust.
 */
final class Kubeconfigs {

    private Kubeconfigs() {
    }

    /**
     * The client configuration of a kubeconfig cluster: its file (refused when it is no kubeconfig, or when a user
     * runs a command or an auth provider and {@code allowExec} is off), or the default kubeconfig's context.
     */
    static Config config(ClusterSpec spec, boolean allowExec) {
        try {
            if (spec.kubeconfig() == null) {
                return Config.autoConfigure(spec.context());
            }
            String text = Files.readString(Path.of(spec.kubeconfig()));
            if (!looksLikeKubeconfig(text)) {
                throw new IllegalStateException(notAKubeconfig(spec));
            }
            String runs = allowExec ? null : commandOrProvider(text);
            if (runs != null) {
                throw new IllegalStateException("cluster '" + spec.name() + "': " + spec.kubeconfig() + " " + runs
                        + "; Driftless runs no command and no auth provider a kubeconfig names unless started with "
                        + "--allow-kubeconfig-exec");
            }
            return Config.fromKubeconfig(spec.context(), text, spec.kubeconfig());
        } catch (java.io.IOException e) {
            throw new IllegalStateException("cluster '" + spec.name() + "': cannot read kubeconfig "
                    + spec.kubeconfig() + " (" + e.getClass().getSimpleName() + ")", e);
        } catch (RuntimeException e) {
            if (e instanceof IllegalStateException && String.valueOf(e.getMessage()).startsWith("cluster '"
                    + spec.name() + "': " + spec.kubeconfig() + " ")) {
                throw e;
            }
            // the parser's message quotes the file, which may be anything (a key, a password file): never repeat it
            throw new IllegalStateException(notAKubeconfig(spec) + (spec.context() == null ? ""
                    : ", or has no context '" + spec.context() + "'"));
        }
    }

    private static String notAKubeconfig(ClusterSpec spec) {
        return "cluster '" + spec.name() + "': " + spec.kubeconfig() + " is not a readable kubeconfig (a YAML "
                + "document of kind Config with clusters, contexts and users)";
    }

    /**
     * What a kubeconfig's users would run or call for credentials: an exec plugin (a command run at load and at
     * every refresh) or an auth provider; null when none does. Only names are told, never the rest of the file.
     */
    static String commandOrProvider(String text) {
        Object doc = io.driftless.config.SafeYaml.parse("kubeconfig", text).value();
        Object users = doc instanceof Map<?, ?> m ? m.get("users") : null;
        if (users instanceof List<?> list) {
            for (int i = 0; i < list.size(); i++) {
                Object user = list.get(i) instanceof Map<?, ?> u ? u.get("user") : null;
                if (user instanceof Map<?, ?> fields) {
                    if (fields.get("exec") != null) {
                        return "has users[" + i + "].user.exec (a credential plugin: a command)";
                    }
                    if (fields.get("auth-provider") != null) {
                        return "has users[" + i + "].user.auth-provider";
                    }
                }
            }
        }
        return null;
    }

    /** A kubeconfig is a YAML mapping of kind Config; anything else is refused before a parser quotes it. */
    private static boolean looksLikeKubeconfig(String text) {
        try {
            Object doc = io.driftless.config.SafeYaml.parse("kubeconfig", text).value();
            return doc instanceof Map<?, ?> m && (m.get("kind") == null || "Config".equals(m.get("kind")))
                    && (m.containsKey("clusters") || m.containsKey("contexts"));
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** Whether a connection failed because the server's certificate is not trusted (a rotated CA, say). */
    static boolean untrusted(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof java.security.cert.CertPathValidatorException
                    || String.valueOf(t.getMessage()).contains("PKIX")) {
                return true;
            }
        }
        return false;
    }

    /** The CA a configuration trusts: its data, or its file's content. */
    static String caOf(Config config) {
        if (config.getCaCertData() != null) {
            return config.getCaCertData();
        }
        try {
            return config.getCaCertFile() == null ? "" : Files.readString(Path.of(config.getCaCertFile()));
        } catch (java.io.IOException e) {
            return "";
        }
    }
}
