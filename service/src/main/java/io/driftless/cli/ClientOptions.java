package io.driftless.cli;

import java.nio.file.Path;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Where the running service is, how to prove who is asking, and how to print what it answers. */
final class ClientOptions {

    @Option(names = "--server", defaultValue = "${env:DRIFTLESS_SERVER:-http://127.0.0.1:8080}",
            description = "Driftless's URL (default: $DRIFTLESS_SERVER or ${DEFAULT-VALUE}).")
    String server;

    @Option(names = "--token-file", description = "File with the API credentials (user:password or a token); "
            + "default: $DRIFTLESS_TOKEN.")
    Path tokenFile;

    @Option(names = {"-o", "--output"}, defaultValue = "table",
            description = "table, json or yaml (default: ${DEFAULT-VALUE}).")
    Output.Format output;

    @Option(names = "--insecure-http", description = "Send the credentials over plain http to a host other than "
            + "this machine (anyone on the network between can read them); refused without it.")
    boolean insecureHttp;

    @Option(names = "--config-dir", defaultValue = "${env:DRIFTLESS_CONFIG_DIR:-${sys:user.home}/.config/driftless}",
            description = "Where driftless login keeps its tokens (default: $DRIFTLESS_CONFIG_DIR or "
                    + "~/.config/driftless).")
    Path configDir;

    @Spec(Spec.Target.MIXEE)
    CommandSpec command;

    /** The credentials of --token-file, else $DRIFTLESS_TOKEN, else the token driftless login kept for the server. */
    ServiceClient client() {
        String credentials = ServiceClient.credentials(tokenFile, command.commandLine().getErr());
        if (credentials == null && java.nio.file.Files.isRegularFile(tokenPath())) {
            try {
                credentials = java.nio.file.Files.readString(tokenPath()).strip();
            } catch (java.io.IOException e) {
                throw new CliException("cannot read " + tokenPath() + " (" + e.getClass().getSimpleName() + ")", 2);
            }
        }
        return new ServiceClient(server, credentials, insecureHttp);
    }

    /** Where the token of driftless login for this server is kept: one file per server, under the config folder. */
    Path tokenPath() {
        String key = io.driftless.model.Sha256.hex(server.replaceAll("/+$", "").getBytes(
                java.nio.charset.StandardCharsets.UTF_8)).substring(0, 16);
        return configDir.resolve("tokens").resolve(key);
    }

    /** Keeps a token for this server, readable by this user only. */
    Path storeToken(String token) throws java.io.IOException {
        Path file = tokenPath();
        java.nio.file.Files.createDirectories(file.getParent());
        java.nio.file.Files.deleteIfExists(file);
        try {
            java.nio.file.Files.createFile(file, java.nio.file.attribute.PosixFilePermissions.asFileAttribute(
                    java.nio.file.attribute.PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            java.nio.file.Files.createFile(file);
        }
        java.nio.file.Files.writeString(file, token);
        return file;
    }
}
