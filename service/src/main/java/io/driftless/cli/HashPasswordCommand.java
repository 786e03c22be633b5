package io.driftless.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;

import io.driftless.api.ApiCredentials;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code driftless hash-password NAME ROLE}: a line of the {@code --api-users} file, for a password or token. */
@Command(name = "hash-password", mixinStandardHelpOptions = true, description = {"Print a line of the --api-users "
        + "file: NAME ROLE and the PBKDF2 hash of a password or token read from standard input (first line).",
        "printf '%s' \"$PASSWORD\" | driftless hash-password alice operator >> users"})
public final class HashPasswordCommand implements Callable<Integer> {

    @Parameters(index = "0", paramLabel = "NAME", description = "The user's name (HTTP basic user name).")
    String name;
    @Parameters(index = "1", paramLabel = "ROLE", description = "viewer, operator or admin.")
    ApiCredentials.Role role;
    @Option(names = "--iterations", defaultValue = "600000", description = "PBKDF2 iterations (default: "
            + "${DEFAULT-VALUE}).")
    int iterations;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws IOException {
        if (name.contains(":") || name.isBlank()) {
            throw new CliException("NAME must not be empty or contain ':'", 2);
        }
        String secret = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)).readLine();
        if (secret == null || secret.isBlank()) {
            throw new CliException("give the password or token on standard input", 2);
        }
        spec.commandLine().getOut().println(name + " " + role + " " + ApiCredentials.hash(secret.strip(), iterations));
        spec.commandLine().getOut().flush();
        return 0;
    }
}
