package io.driftless.api;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the API's credentials come from: the admin credential of {@code DRIFTLESS_API_AUTH} (an environment
 * variable, so fixed for the life of the process) or of {@code --api-auth-file}, and the users of
 * {@code --api-users}. The files can be read again while the service runs (see {@code ApiCredentialReloads}).
 */
public final class CredentialFiles {

    /** The credentials the files hold now, and a digest of their bytes (to see whether they changed). */
    public record Read(String revision, ApiCredentials credentials) {
    }

    private final String envSecret;
    private final Path authFile;
    private final Path usersFile;
    private final boolean anonymousRead;

    /**
     * @param envSecret     the value of {@code DRIFTLESS_API_AUTH}, or null; used when there is no auth file
     * @param authFile      {@code --api-auth-file}, or null
     * @param usersFile     {@code --api-users}, or null
     * @param anonymousRead whether reads need no credentials
     */
    public CredentialFiles(String envSecret, Path authFile, Path usersFile, boolean anonymousRead) {
        this.envSecret = envSecret;
        this.authFile = authFile;
        this.usersFile = usersFile;
        this.anonymousRead = anonymousRead;
    }

    /** Whether there is a file to read again. */
    public boolean reloadable() {
        return authFile != null || usersFile != null;
    }

    /** For people: the files read. */
    public String describe() {
        List<String> files = new ArrayList<>();
        if (authFile != null) {
            files.add("--api-auth-file " + authFile);
        }
        if (usersFile != null) {
            files.add("--api-users " + usersFile);
        }
        return String.join(" and ", files);
    }

    /**
     * Reads the files.
     *
     * @throws IllegalArgumentException a file that cannot be read, or a line of the users file that is not
     *                                  {@code NAME ROLE HASH} (with its file and line); never the file's content
     */
    public Read read() {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        String admin = envSecret;
        if (authFile != null) {
            byte[] content;
            try {
                content = Files.readAllBytes(authFile);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --api-auth-file " + authFile + ": "
                        + e.getClass().getSimpleName());
            }
            admin = new String(content, StandardCharsets.UTF_8);
            seen.writeBytes(content);
        }
        seen.write(0);
        ApiCredentials credentials = ApiCredentials.of(admin).withAnonymousRead(anonymousRead);
        if (usersFile != null) {
            byte[] content;
            try {
                content = Files.readAllBytes(usersFile);
            } catch (IOException e) {
                throw new IllegalArgumentException("cannot read --api-users " + usersFile + " ("
                        + e.getClass().getSimpleName() + ")");
            }
            credentials = credentials.withUsers(ApiCredentials.parseUsers(usersFile, content));
            seen.writeBytes(content);
        }
        return new Read(io.driftless.model.Sha256.hex(seen.toByteArray()), credentials);
    }
}
