package io.driftless.app;

import picocli.CommandLine.Option;

/** Options shared by the commands that run the service. */
public final class ServiceOptions {

    @Option(names = "--http-host", defaultValue = "${env:DRIFTLESS_HTTP_HOST:-127.0.0.1}",
            description = "HTTP listen address; 0.0.0.0 in a container (default: $DRIFTLESS_HTTP_HOST or 127.0.0.1).")
    public String httpHost;

    @Option(names = "--allowed-host", split = ",", paramLabel = "NAME", description = "A host name requests may "
            + "be addressed to (repeatable, or comma-separated), e.g. the Ingress's host and the Service's DNS name; "
            + "requests naming another are refused (421), against DNS rebinding. The listen address, and localhost, "
            + "are always allowed; listening on 0.0.0.0 without --allowed-host, any name is.")
    java.util.List<String> allowedHosts = new java.util.ArrayList<>();

    @Option(names = "--external-url", defaultValue = "${env:DRIFTLESS_EXTERNAL_URL}", paramLabel = "URL",
            description = "The address users reach this service at (https://driftless.example.com): notifications "
                    + "link to its UI's pages of the release and target, and single sign-on returns to it "
                    + "(default: $DRIFTLESS_EXTERNAL_URL).")
    String externalUrl;

    @Option(names = "--http-port", defaultValue = "${env:DRIFTLESS_HTTP_PORT:-8080}",
            description = "HTTP port (default: $DRIFTLESS_HTTP_PORT or 8080).")
    int httpPort;

    @Option(names = "--parallelism", defaultValue = "4", description = "Targets synced at once per cluster, and Git fetches at once (default: ${DEFAULT-VALUE}).")
    int parallelism;

    @Option(names = "--api-auth-file", description = "File holding the admin credential of the HTTP API: "
            + "user:password (HTTP basic) or a bearer token; read again by run on SIGHUP and when it changes, so "
            + "rotate it here. Default: the DRIFTLESS_API_AUTH environment variable (fixed while the process runs); "
            + "without either, the API has no admin credential.")
    java.nio.file.Path apiAuthFile;

    @Option(names = "--api-users", description = "File of API users, one per line: NAME ROLE HASH (ROLE viewer, "
            + "operator or admin; HASH from driftless hash-password); read again by run on SIGHUP and when it "
            + "changes.")
    java.nio.file.Path apiUsers;

    @Option(names = "--anonymous-read", description = "Let anyone who reaches the HTTP port read the API (GET); "
            + "by default reads need a viewer's credentials.")
    boolean anonymousRead;

    @Option(names = "--oidc-issuer", paramLabel = "URL", description = "Single sign-on: the OpenID Connect "
            + "provider's issuer (its discovery document is read from URL/.well-known/openid-configuration). The UI "
            + "signs in through it, and the API takes its ID tokens as bearer tokens; local users keep working.")
    String oidcIssuer;

    @Option(names = "--oidc-client-id", paramLabel = "ID", description = "The client registered with the provider "
            + "(the tokens' audience); its redirect URIs: <this service>/ui/callback, and http://127.0.0.1/callback "
            + "(any port) for driftless login.")
    String oidcClientId;

    @Option(names = "--oidc-client-secret-file", paramLabel = "FILE", description = "The client's secret, for a "
            + "confidential client (default: none; the code exchange is proven with PKCE).")
    java.nio.file.Path oidcClientSecretFile;

    @Option(names = "--oidc-roles-claim", defaultValue = "groups", paramLabel = "CLAIM",
            description = "The claim listing a user's groups (default: ${DEFAULT-VALUE}).")
    String oidcRolesClaim;

    @Option(names = "--oidc-scopes", defaultValue = "openid,profile,email,groups", split = ",",
            description = "The scopes asked for (default: ${DEFAULT-VALUE}).")
    java.util.List<String> oidcScopes;

    @Option(names = "--oidc-role", paramLabel = "GROUP=ROLE[@TENANT]", description = "A role for the members of a "
            + "group (repeatable): viewer, operator or admin of every release, or with @TENANT of that tenant's "
            + "releases only (its members read the rest as viewers).")
    java.util.List<String> oidcRoles = new java.util.ArrayList<>();

    @Option(names = "--tls-cert", description = "Serve HTTPS with this PEM certificate (chain); with --tls-key.")
    java.nio.file.Path tlsCert;

    @Option(names = "--tls-key", description = "The PEM private key of --tls-cert.")
    java.nio.file.Path tlsKey;

    @Option(names = "--helm-timeout", defaultValue = "20",
            description = "Seconds one Helm render may take before its renderer process is killed (default: ${DEFAULT-VALUE}).")
    int helmTimeout;

    @Option(names = "--helm-memory", defaultValue = "512",
            description = "MiB a Helm renderer process may allocate beyond its start-up needs (default: ${DEFAULT-VALUE}).")
    int helmMemory;

    @Option(names = "--helm-processes", defaultValue = "2",
            description = "Helm renderer processes, so renders at once (default: ${DEFAULT-VALUE}).")
    int helmProcesses;

    @Option(names = "--allow-kubeconfig-exec", description = "Let kubeconfig files run credential commands (exec "
            + "plugins, such as aws or gke-gcloud-auth-plugin) and auth providers; refused by default, since a "
            + "kubeconfig a fleet names could run anything as this process.")
    boolean allowKubeconfigExec;

    @Option(names = "--log-level", description = "trace, debug, info, warn or error (default: info; warn for the demo).")
    public String logLevel;

    /**
     * Where the API's credentials come from: {@code --api-auth-file} (else {@code DRIFTLESS_API_AUTH}) and
     * {@code --api-users}.
     *
     * @param anonymousReadByDefault whether reads are open without {@code --anonymous-read} (the demo)
     */
    public io.driftless.api.CredentialFiles apiCredentialFiles(boolean anonymousReadByDefault) {
        return new io.driftless.api.CredentialFiles(System.getenv("DRIFTLESS_API_AUTH"), apiAuthFile, apiUsers,
                anonymousRead || anonymousReadByDefault);
    }

    /** Single sign-on as the --oidc-* options describe it, or null without --oidc-issuer. */
    io.driftless.api.Oidc oidc() {
        if (oidcIssuer == null) {
            return null;
        }
        if (oidcClientId == null || !oidcIssuer.matches("https?://\\S+")) {
            throw new IllegalArgumentException("--oidc-issuer needs an http(s) URL and --oidc-client-id");
        }
        String secret = null;
        if (oidcClientSecretFile != null) {
            try {
                secret = java.nio.file.Files.readString(oidcClientSecretFile).strip();
            } catch (java.io.IOException e) {
                throw new IllegalArgumentException("cannot read " + oidcClientSecretFile);
            }
        }
        return new io.driftless.api.Oidc(new io.driftless.api.Oidc.Settings(oidcIssuer, oidcClientId, secret,
                oidcRolesClaim, oidcScopes, oidcRoles.stream().map(io.driftless.api.Oidc.Grant::parse).toList()));
    }

    /**
     * The service settings these options describe; IllegalArgumentException names an unreadable file.
     *
     * @param anonymousReadByDefault whether reads are open without {@code --anonymous-read} (the demo)
     */
    public DriftlessService.Settings settings(java.nio.file.Path stateDir, String host, boolean anonymousReadByDefault) {
        return settings(stateDir, host, apiCredentialFiles(anonymousReadByDefault).read().credentials());
    }

    /** The service settings these options describe, with credentials already read from {@link #apiCredentialFiles}. */
    public DriftlessService.Settings settings(java.nio.file.Path stateDir, String host,
                                              io.driftless.api.ApiCredentials credentials) {
        java.util.Map<String, String> env = System.getenv();
        credentials = credentials.withOidc(oidc());
        if ((tlsCert == null) != (tlsKey == null)) {
            throw new IllegalArgumentException("give both --tls-cert and --tls-key, or neither");
        }
        for (java.nio.file.Path f : java.util.Arrays.asList(tlsCert, tlsKey)) {
            if (f != null && !java.nio.file.Files.isReadable(f)) {
                throw new IllegalArgumentException("cannot read " + f);
            }
        }
        for (String name : allowedHosts) {
            if (!name.strip().matches("[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?\\.?")) {
                throw new IllegalArgumentException("--allowed-host " + name + ": expected a host name, without scheme "
                        + "or port (e.g. driftless.example.com)");
            }
        }
        if (externalUrl != null && !externalUrl.matches("https?://[^\\s/?#]+(/[^\\s?#]*)?")) {
            throw new IllegalArgumentException("--external-url " + externalUrl + ": expected an http:// or https:// "
                    + "address, such as https://driftless.example.com");
        }
        if (helmTimeout < 1 || helmMemory < 64 || helmProcesses < 1) {
            throw new IllegalArgumentException("--helm-timeout must be at least 1, --helm-memory at least 64 and "
                    + "--helm-processes at least 1");
        }
        return new DriftlessService.Settings(stateDir, host, httpPort, parallelism, env, credentials,
                tlsCert == null ? null : new DriftlessService.Settings.Tls(tlsCert, tlsKey),
                new io.driftless.render.helm.HelmSandbox.Limits(java.time.Duration.ofSeconds(helmTimeout), helmMemory,
                        io.driftless.render.helm.HelmSandbox.Limits.DEFAULT.maxOutput(), helmProcesses),
                allowKubeconfigExec, allowedHosts, externalUrl);
    }
}
