package io.driftless.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.driftless.app.DriftlessService;
import io.driftless.testing.GitHttpServer;
import io.driftless.testing.OneRelease;

/**
 * The HTTP API over TLS with a PEM certificate and key: HTTPS answers, plain HTTP does not; only TLS 1.2 with ECDHE
 * and an AEAD cipher, or TLS 1.3, is accepted, and HTTPS answers carry Strict-Transport-Security.
 */
class TlsIT {

    @TempDir
    Path tmp;

    @Test
    void theApiServesHttpsWithThePemCertificate() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
        generator.initialize(256);
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=driftless-test");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.ONE,
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(1))),
                name, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withECDSA").build(keys.getPrivate())));
        Path certFile = tmp.resolve("tls.crt");
        Path keyFile = tmp.resolve("tls.key");
        Files.writeString(certFile, pem(cert));
        Files.writeString(keyFile, pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate()));

        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("driftless", cert);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);

        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, ApiCredentials.NONE.withAnonymousRead(true),
                    new DriftlessService.Settings.Tls(certFile, keyFile))) {
                HttpClient https = HttpClient.newBuilder().sslContext(context).build();
                HttpResponse<String> answer = https.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:"
                        + service.httpPort() + "/api/v1/targets")).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.body()).contains("\"release\" : \"prefect\"");
                assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(
                        "http://127.0.0.1:" + service.httpPort() + "/healthz")).timeout(Duration.ofSeconds(5)).build(),
                        HttpResponse.BodyHandlers.ofString())).isInstanceOf(IOException.class);
            }
        }
    }

    /**
     * Issue 26, item 8: the server used to accept RSA key exchange (no forward secrecy) and CBC suites with SHA-1,
     * and sent no HSTS. With an RSA certificate (the case where RSA key exchange is possible at all), a client that
     * offers only those is refused; ECDHE with AES-GCM or ChaCha20 over TLS 1.2, and TLS 1.3, are accepted.
     */
    @Test
    void onlyForwardSecretAeadSuitesAreAcceptedAndHttpsAnswersCarryHsts() throws Exception {
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        KeyPair keys = generator.generateKeyPair();
        X500Name name = new X500Name("CN=driftless-test-rsa");
        JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(name, BigInteger.TWO,
                Date.from(Instant.now().minus(Duration.ofHours(1))), Date.from(Instant.now().plus(Duration.ofDays(1))),
                name, keys.getPublic());
        builder.addExtension(Extension.subjectAlternativeName, false,
                new GeneralNames(new GeneralName(GeneralName.iPAddress, "127.0.0.1")));
        X509Certificate cert = new JcaX509CertificateConverter().getCertificate(builder.build(
                new JcaContentSignerBuilder("SHA256withRSA").build(keys.getPrivate())));
        Path certFile = tmp.resolve("rsa.crt");
        Path keyFile = tmp.resolve("rsa.key");
        Files.writeString(certFile, pem(cert));
        Files.writeString(keyFile, pem(new JcaPKCS8Generator(keys.getPrivate(), null).generate()));
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        trust.setCertificateEntry("driftless", cert);
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);

        try (GitHttpServer git = new GitHttpServer(tmp.resolve("git"))) {
            git.start(0);
            try (DriftlessService service = OneRelease.startSynced(git, tmp, ApiCredentials.NONE.withAnonymousRead(true),
                    new DriftlessService.Settings.Tls(certFile, keyFile))) {
                int port = service.httpPort();
                java.util.Map<String, String> refused = new java.util.LinkedHashMap<>();
                for (String suite : java.util.List.of("TLS_RSA_WITH_AES_128_GCM_SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256",
                        "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
                        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256")) {
                    refused.put(suite, handshake(context, port, "TLSv1.2", suite));
                }
                System.out.println("TlsIT: weak suites offered alone: " + refused);
                assertThat(refused).as("suites without forward secrecy or without AEAD")
                        .allSatisfy((suite, outcome) -> assertThat(outcome).startsWith("refused"));
                for (String suite : java.util.List.of("TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
                        "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256")) {
                    assertThat(handshake(context, port, "TLSv1.2", suite)).isEqualTo("TLSv1.2 " + suite);
                }
                assertThat(handshake(context, port, "TLSv1.3", null)).startsWith("TLSv1.3 TLS_");

                HttpResponse<String> answer = HttpClient.newBuilder().sslContext(context).build().send(
                        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/healthz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(answer.statusCode()).isEqualTo(200);
                assertThat(answer.headers().firstValue("strict-transport-security")).hasValue("max-age=31536000");
            }
        }
    }

    /** The protocol and suite a handshake agreed on, or "refused: ..." */
    private static String handshake(SSLContext context, int port, String protocol, String suite) {
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) context.getSocketFactory()
                .createSocket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            socket.setEnabledProtocols(new String[] {protocol});
            if (suite != null) {
                socket.setEnabledCipherSuites(new String[] {suite});
            }
            socket.startHandshake();
            return socket.getSession().getProtocol() + " " + socket.getSession().getCipherSuite();
        } catch (IOException e) { // a handshake alert, or the connection closed
            return "refused: " + e.getMessage();
        }
    }

    private static String pem(Object object) throws IOException {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter writer = new JcaPEMWriter(out)) {
            writer.writeObject(object);
        }
        return out.toString();
    }
}
