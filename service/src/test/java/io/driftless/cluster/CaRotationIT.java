package io.driftless.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import io.driftless.config.ClusterSpec;
import io.driftless.config.Origin;

/**
 * A cluster whose certificate authority is rotated (its API server's certificate signed anew, the kubeconfig
 * updated with the new CA) is trusted again without a restart: the first certificate failure has the kubeconfig
 * read again, and a changed CA reconnects.
 */
class CaRotationIT {

    @TempDir
    Path tmp;

    private record Identity(KeyPair keys, X509Certificate cert) {
    }

    @Test
    void aRotatedCertificateAuthorityIsPickedUpFromTheKubeconfig() throws Exception {
        Identity before = identity("before");
        Identity after = identity("after");
        HttpsServer server = serve(before, 0);
        int port = server.getAddress().getPort();
        Path kubeconfig = tmp.resolve("kubeconfig");
        writeKubeconfig(kubeconfig, port, before.cert());
        ClusterSpec spec = new ClusterSpec("rotating", ClusterSpec.Connection.KUBECONFIG, kubeconfig.toString(), null,
                Map.of(), Origin.NONE);
        try (ClusterConnections clusters = new ClusterConnections(List.of(spec))) {
            assertThat(clusters.client("rotating").getKubernetesVersion().getGitVersion()).isEqualTo("v1.36.3");

            server.stop(0);
            server = serve(after, port); // the same address, a certificate of another authority
            writeKubeconfig(kubeconfig, port, after.cert());
            assertThatThrownBy(() -> clusters.client("rotating").getKubernetesVersion()).as("the old CA fails");
            await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> "v1.36.3".equals(
                    clusters.client("rotating").getKubernetesVersion().getGitVersion()));
        } finally {
            server.stop(0);
        }
    }

    private static Identity identity(String name) throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        X500Name subject = new X500Name("CN=api-" + name);
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(subject, BigInteger.ONE,
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(1))),
                subject, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        return new Identity(keys, new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate()))));
    }

    /** An HTTPS server with this identity that answers {@code /version} as an API server does. */
    private static HttpsServer serve(Identity identity, int port) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        store.setKeyEntry("api", identity.keys().getPrivate(), new char[0], new X509Certificate[] {identity.cert()});
        KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        keys.init(store, new char[0]);
        SSLContext tls = SSLContext.getInstance("TLS");
        tls.init(keys.getKeyManagers(), null, null);
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 16);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.createContext("/", exchange -> {
            byte[] body = "{\"major\":\"1\",\"minor\":\"36\",\"gitVersion\":\"v1.36.3\"}".getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    private static void writeKubeconfig(Path file, int port, X509Certificate ca) throws Exception {
        String pem = "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.UTF_8))
                .encodeToString(ca.getEncoded()) + "\n-----END CERTIFICATE-----\n";
        Files.writeString(file, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "https://127.0.0.1:%d", certificate-authority-data: %s}}]
                contexts: [{name: c, context: {cluster: c, user: u}}]
                current-context: c
                users: [{name: u, user: {token: t}}]
                """.formatted(port, Base64.getEncoder().encodeToString(pem.getBytes(StandardCharsets.UTF_8))));
    }
}
