package io.driftless.testing;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.apache.sshd.common.keyprovider.KeyPairProvider;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.transport.UploadPack;

/**
 * Serves a repository for fetching over SSH on 127.0.0.1 (Apache MINA sshd, which JGit's SSH client brings):
 * public-key authentication with one client key, {@code git-upload-pack} only.
 */
public final class GitSshServer implements AutoCloseable {

    private final SshServer server;
    private final KeyPair hostKey = ecKey();
    private final KeyPair clientKey = ecKey();

    public GitSshServer(Repository repository) throws Exception {
        server = SshServer.setUpDefaultServer();
        server.setHost("127.0.0.1");
        server.setPort(0);
        server.setKeyPairProvider(KeyPairProvider.wrap(hostKey));
        server.setPublickeyAuthenticator((user, key, session) -> KeyUtils.compareKeys(key, clientKey.getPublic()));
        server.setCommandFactory((channel, command) -> new UploadPackCommand(repository, command));
        server.start();
    }

    private static KeyPair ecKey() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return generator.generateKeyPair();
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String url() {
        return "ssh://git@127.0.0.1:" + server.getPort() + "/values.git";
    }

    /** Writes the client's private key in OpenSSH format (what {@code ssh-keygen} writes). */
    public Path writeClientKey(Path file) throws Exception {
        try (OutputStream out = Files.newOutputStream(file)) {
            OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(clientKey, "driftless-test", null, out);
        }
        return file;
    }

    /** Writes a known_hosts file listing this server with its host key, or with another key when {@code wrong}. */
    public Path writeKnownHosts(Path file, boolean wrong) throws Exception {
        KeyPair listed = wrong ? ecKey() : hostKey;
        return Files.writeString(file, "[127.0.0.1]:" + server.getPort() + " "
                + PublicKeyEntry.toString(listed.getPublic()) + "\n", StandardCharsets.US_ASCII);
    }

    @Override
    public void close() throws Exception {
        server.stop(true);
    }

    /** {@code git-upload-pack '/path'}: serves the repository to a fetch, whatever the path. */
    private static final class UploadPackCommand implements Command {
        private final Repository repository;
        private final String command;
        private InputStream in;
        private OutputStream out;
        private OutputStream err;
        private ExitCallback exit;

        UploadPackCommand(Repository repository, String command) {
            this.repository = repository;
            this.command = command;
        }

        @Override
        public void setInputStream(InputStream in) {
            this.in = in;
        }

        @Override
        public void setOutputStream(OutputStream out) {
            this.out = out;
        }

        @Override
        public void setErrorStream(OutputStream err) {
            this.err = err;
        }

        @Override
        public void setExitCallback(ExitCallback exit) {
            this.exit = exit;
        }

        @Override
        public void start(ChannelSession channel, Environment env) {
            Thread worker = new Thread(() -> {
                try {
                    if (!command.startsWith("git-upload-pack")) {
                        err.write(("only git-upload-pack is served\n").getBytes(StandardCharsets.UTF_8));
                        err.flush();
                        exit.onExit(1);
                        return;
                    }
                    new UploadPack(repository).upload(in, out, err);
                    out.flush();
                    exit.onExit(0);
                } catch (Exception e) {
                    exit.onExit(1, String.valueOf(e.getMessage()));
                }
            }, "git-ssh-upload-pack");
            worker.setDaemon(true);
            worker.start();
        }

        @Override
        public void destroy(ChannelSession channel) {
            // the worker ends with the streams
        }
    }
}
