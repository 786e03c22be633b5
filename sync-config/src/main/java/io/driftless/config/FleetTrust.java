package io.driftless.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a fleet may reach on the host that runs Driftless. A fleet file the operator gives is trusted
 * ({@link #OPERATOR}); a fleet read from Git is written by whoever may commit there, so the environment variables
 * and files it names for credentials must be ones the operator allow-listed on the command line (names with an
 * allowed prefix; files inside the fleet secrets folder), and its kubeconfig files must lie in the folder of the
 * file that points to it or in the kubeconfig folder the operator named, and the Git repositories on this machine it
 * names as sources ({@code file://} or a path) must lie in the local sources folder the operator named. Otherwise
 * the fleet is refused, each reference at its file:line: a fleet committer can neither read a secret of the service
 * (its API credential, its Git token) nor a file or a repository of the host (such as Driftless's own caches of
 * other teams' sources).
 *
 * @param fromGit      whether the fleet was read from Git
 * @param envPrefixes  the environment variable name prefixes a fleet from Git may name
 * @param secretsDir   the folder the credential files of a fleet from Git must be in, or null (none allowed)
 * @param kubeconfigDir a folder besides the pointer file's where a fleet from Git may name kubeconfig files, or null
 * @param localSourcesDir the folder Git repositories on this machine named by a fleet from Git must be in, or null
 *                      (none allowed)
 */
public record FleetTrust(boolean fromGit, List<String> envPrefixes, Path secretsDir, Path kubeconfigDir,
                         Path localSourcesDir) {

    /** A fleet file the operator gave: what it names is the operator's choice. */
    public static final FleetTrust OPERATOR = new FleetTrust(false, List.of(), null, null, null);

    /** A fleet from Git, allowed what the operator listed. */
    public static FleetTrust git(List<String> envPrefixes, Path secretsDir, Path kubeconfigDir, Path localSourcesDir) {
        return new FleetTrust(true, List.copyOf(envPrefixes), absolute(secretsDir), absolute(kubeconfigDir),
                absolute(localSourcesDir));
    }

    private static Path absolute(Path folder) {
        return folder == null ? null : folder.toAbsolutePath().normalize();
    }

    /** Every reference of the fleet outside what it may reach, each at its key's line. */
    List<Problem> problems(SafeYaml.Document doc, Fleet fleet, Path base) {
        List<Problem> out = new ArrayList<>();
        if (!fromGit) {
            return out;
        }
        for (int i = 0; i < fleet.sources().size(); i++) {
            SourceSpec s = fleet.sources().get(i);
            String key = "sources[" + i + "]";
            localRepository(doc, out, key + ".url", s.url());
            auth(doc, out, key + ".auth", s.auth());
            env(doc, out, key + ".webhook.secretEnv", s.webhook().secretEnv());
            file(doc, out, key + ".webhook.secretFile", s.webhook().secretFile());
            for (String publicKey : s.trustedKeys()) { // public, but a file of the host all the same
                if (!Path.of(publicKey).toAbsolutePath().normalize().startsWith(base.toAbsolutePath().normalize())) {
                    file(doc, out, key + ".verifyCommits.publicKeys", publicKey);
                }
            }
        }
        for (int i = 0; i < fleet.releases().size(); i++) {
            ReleaseSpec.ChartRef chart = fleet.releases().get(i).chart();
            if (chart != null) {
                auth(doc, out, "releases[" + i + "].chart.auth", chart.auth());
            }
        }
        for (int i = 0; i < fleet.upstreamCharts().size(); i++) {
            UpstreamChart u = fleet.upstreamCharts().get(i);
            if (u.source() != null) {
                auth(doc, out, "upstreamCharts[" + i + "].auth", u.source().auth());
            }
        }
        java.util.Set<Decryption> keys = new java.util.LinkedHashSet<>();
        fleet.sources().forEach(s -> keys.add(s.decryption()));
        fleet.releases().forEach(r -> keys.add(r.decryption()));
        for (Decryption d : keys) {
            if (!d.isNone()) {
                String key = d.origin().key();
                file(doc, out, key + ".ageKeysFile", d.ageKeysFile());
                file(doc, out, key + ".pgpKeysFile", d.pgpKeysFile());
                env(doc, out, key + ".ageKeysEnv", d.ageKeysEnv());
                env(doc, out, key + ".passphraseEnv", d.passphraseEnv());
            }
        }
        for (int i = 0; i < fleet.notifications().size(); i++) {
            NotifierSpec n = fleet.notifications().get(i);
            env(doc, out, "notifications[" + i + "].urlEnv", n.urlEnv());
            env(doc, out, "notifications[" + i + "].tokenEnv", n.tokenEnv());
        }
        for (int i = 0; i < fleet.clusters().size(); i++) {
            ClusterSpec cluster = fleet.clusters().get(i);
            if (cluster.connection() == ClusterSpec.Connection.KUBECONFIG && cluster.kubeconfig() == null) {
                out.add(doc.problem("clusters[" + i + "]", "a fleet from Git names its kubeconfig file: it may not use "
                        + "the service's own kubeconfig (KUBECONFIG, ~/.kube/config) and its contexts"));
            }
            String kubeconfig = cluster.kubeconfig();
            Path where = kubeconfig == null ? null : Path.of(kubeconfig).toAbsolutePath().normalize();
            if (where != null && !where.startsWith(base.toAbsolutePath().normalize())
                    && (kubeconfigDir == null || !where.startsWith(kubeconfigDir))) {
                out.add(doc.problem("clusters[" + i + "].kubeconfig", "a fleet from Git may name kubeconfig files in "
                        + base.toAbsolutePath().normalize() + (kubeconfigDir == null ? "" : " or " + kubeconfigDir)
                        + " only, not " + where + (kubeconfigDir == null ? " (start Driftless with --kubeconfig-dir "
                        + "to allow another folder)" : "")));
            }
        }
        return out;
    }

    /** A source URL naming a repository on this machine: a path (made absolute at load) or {@code file://}. */
    private void localRepository(SafeYaml.Document doc, List<Problem> out, String key, String url) {
        Path local;
        if (url == null || SourceSpec.isSsh(url)) {
            return;
        } else if (url.regionMatches(true, 0, "file:", 0, 5)) {
            try {
                local = Path.of(java.net.URI.create(url).getPath());
            } catch (IllegalArgumentException e) {
                local = Path.of(url.substring(5));
            }
        } else if (url.matches("^[a-zA-Z][a-zA-Z0-9+.-]*://.*")) {
            return; // over the network
        } else {
            local = Path.of(url);
        }
        local = local.toAbsolutePath().normalize();
        if (localSourcesDir == null || !local.startsWith(localSourcesDir)) {
            out.add(doc.problem(key, "a fleet from Git may name Git repositories on this machine in "
                    + (localSourcesDir == null ? "the local sources folder only, and none is set (start Driftless "
                    + "with --local-sources-dir)" : localSourcesDir + " only") + ", not " + local));
        }
    }

    private void auth(SafeYaml.Document doc, List<Problem> out, String key, SourceSpec.GitAuth auth) {
        env(doc, out, key + ".usernameEnv", auth.usernameEnv());
        env(doc, out, key + ".passwordEnv", auth.passwordEnv());
        env(doc, out, key + ".tokenEnv", auth.tokenEnv());
        file(doc, out, key + ".passwordFile", auth.passwordFile());
        file(doc, out, key + ".tokenFile", auth.tokenFile());
        file(doc, out, key + ".sshKeyFile", auth.sshKeyFile());
        file(doc, out, key + ".knownHostsFile", auth.knownHostsFile());
    }

    private void env(SafeYaml.Document doc, List<Problem> out, String key, String name) {
        if (name != null && envPrefixes.stream().noneMatch(p -> !p.isEmpty() && name.startsWith(p))) {
            out.add(doc.problem(key, "a fleet from Git may name environment variables starting with "
                    + (envPrefixes.isEmpty() ? "(none allowed)" : String.join(" or ", envPrefixes)) + " only, not "
                    + name + " (start Driftless with --fleet-env-prefix to allow a prefix)"));
        }
    }

    private void file(SafeYaml.Document doc, List<Problem> out, String key, String file) {
        if (file != null && (secretsDir == null || !Path.of(file).toAbsolutePath().normalize().startsWith(secretsDir))) {
            out.add(doc.problem(key, "a fleet from Git may name files in " + (secretsDir == null
                    ? "the fleet secrets folder only, and none is set (start Driftless with --fleet-secrets-dir)"
                    : secretsDir + " only") + ", not " + file));
        }
    }
}
