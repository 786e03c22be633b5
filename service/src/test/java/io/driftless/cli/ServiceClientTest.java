package io.driftless.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.Main;

/** What the client verbs do with the credentials before anything is sent: where they may go, how they are kept. */
class ServiceClientTest {

    @TempDir
    Path tmp;

    private Path tokenFile(String permissions) throws Exception {
        Path token = Files.writeString(tmp.resolve("token-" + permissions), "admin:s3cret\n");
        Files.setPosixFilePermissions(token, PosixFilePermissions.fromString(permissions));
        return token;
    }

    @Test
    void credentialsAreNotSentOverPlainHttpToAnotherMachine() throws Exception {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(new String[] {"get", "targets", "--server", "http://user:pw@192.0.2.1:8080",
                "--token-file", tokenFile("rw-------").toString()}, new PrintWriter(out, true),
                new PrintWriter(err, true));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString()).isEqualTo("driftless: --server http://192.0.2.1:8080 is plain http to another "
                + "machine: refusing to send the credentials where the network can read them; use https (or "
                + "--insecure-http)" + System.lineSeparator()).doesNotContain("s3cret", "pw@");

        assertThatThrownBy(() -> new ServiceClient("HTTP://driftless.example.com", "a-token", false))
                .isInstanceOf(CliException.class).hasMessageContaining("is plain http to another machine");
        for (String allowed : new String[] {"http://127.0.0.1:8080", "http://localhost:8080", "http://[::1]:8080",
                "https://driftless.example.com"}) {
            assertThatCode(() -> new ServiceClient(allowed, "admin:s3cret", false)).as(allowed)
                    .doesNotThrowAnyException();
        }
        assertThatCode(() -> new ServiceClient("http://driftless.example.com", null, false)).as("no credentials")
                .doesNotThrowAnyException();
        assertThatCode(() -> new ServiceClient("http://driftless.example.com", "a-token", true)).as("--insecure-http")
                .doesNotThrowAnyException();
    }

    @Test
    void aTokenFileOthersCanReadIsUsedWithAWarning() throws Exception {
        StringWriter err = new StringWriter();
        assertThat(ServiceClient.credentials(tokenFile("rw-r--r--"), new PrintWriter(err, true)))
                .isEqualTo("admin:s3cret");
        assertThat(ServiceClient.credentials(tokenFile("rw-r-----"), new PrintWriter(err, true)))
                .isEqualTo("admin:s3cret");
        assertThat(ServiceClient.credentials(tokenFile("rw-------"), new PrintWriter(err, true)))
                .isEqualTo("admin:s3cret");
        assertThat(err.toString().lines()).containsExactly(
                "warning: --token-file " + tmp.resolve("token-rw-r--r--") + " can be read by every user; chmod 600 it",
                "warning: --token-file " + tmp.resolve("token-rw-r-----") + " can be read by its group; chmod 600 it");
        assertThat(err.toString()).doesNotContain("s3cret");
    }
}
