package io.driftless.source;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.render.Chart;
import io.driftless.render.ChartCatalogue;
import io.driftless.render.ChartEngine;
import io.driftless.render.RenderException;
import io.driftless.render.helm.HelmCharts;

/**
 * Helm charts from chart repositories ({@code index.yaml} over HTTPS, credentials from the environment or a
 * file as for Git sources): each chart version is downloaded once, checked against the digest the index gives,
 * and kept in the state folder with its checksum, so it is never downloaded again; then rendered as a chart
 * in the values repository is. A repository that cannot be reached fails the target with what went wrong, and
 * the last good state stays applied.
 */
public final class ChartRepositories implements ChartEngine {

    public static final int MAX_CHART_BYTES = 16 * 1024 * 1024;
    public static final int MAX_INDEX_BYTES = 64 * 1024 * 1024;
    static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Path cache;
    private final Map<String, String> env;
    private final HelmCharts helm = new HelmCharts();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL).build();

    /** @param cache where chart archives are kept ({@code <state>/charts}) */
    public ChartRepositories(Path cache, Map<String, String> env) {
        this.cache = cache;
        this.env = env;
    }

    @Override
    public ReleaseSpec.ChartRef.Kind kind() {
        return ReleaseSpec.ChartRef.Kind.REPOSITORY;
    }

    @Override
    public Chart.Rendered render(ReleaseSpec.ChartRef ref, Chart.Release release, List<SafeYaml.Document> layers,
                                 ChartCatalogue.Files files) {
        return helm.render(ref, release, layers, unpack(ref, archive(ref)));
    }

    /** The chart version's archive: from the state folder when it was downloaded before, else downloaded now. */
    synchronized byte[] archive(ReleaseSpec.ChartRef ref) {
        Path file = cache.resolve(sha256(ref.repository().getBytes(StandardCharsets.UTF_8)).substring(0, 16))
                .resolve(ref.name() + "-" + ref.version() + ".tgz");
        Path checksum = file.resolveSibling(file.getFileName() + ".sha256");
        try {
            if (Files.isRegularFile(file) && Files.isRegularFile(checksum)) {
                byte[] kept = Files.readAllBytes(file);
                if (sha256(kept).equals(Files.readString(checksum).strip())) {
                    return kept;
                }
            }
            byte[] downloaded = download(ref);
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), "chart", ".tmp");
            Files.write(tmp, downloaded);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.writeString(checksum, sha256(downloaded) + "\n");
            return downloaded;
        } catch (IOException e) {
            throw new SourceException(where(ref) + ": cannot keep the chart in " + cache + ": " + e.getMessage(), e);
        }
    }

    private byte[] download(ReleaseSpec.ChartRef ref) {
        URI index = URI.create(ref.repository() + "/index.yaml");
        Map<String, Object> entry = entry(ref, get(ref, index, MAX_INDEX_BYTES, true));
        Object urls = entry.get("urls");
        if (!(urls instanceof List<?> list) || list.isEmpty()) {
            throw new SourceException(where(ref) + ": the index lists no URL for this version");
        }
        URI chart = URI.create(ref.repository() + "/").resolve(String.valueOf(list.get(0)));
        // credentials go to the repository's own host only, as Helm does without --pass-credentials
        byte[] archive = get(ref, chart, MAX_CHART_BYTES, sameHost(index, chart));
        Object digest = entry.get("digest");
        if (digest != null && !String.valueOf(digest).equalsIgnoreCase(sha256(archive))) {
            throw new SourceException(where(ref) + ": the archive's SHA-256 is " + sha256(archive) + ", the index "
                    + "says " + digest + "; refusing it");
        }
        return archive;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(ReleaseSpec.ChartRef ref, byte[] index) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(MAX_INDEX_BYTES);
        options.setMaxAliasesForCollections(50);
        Object doc;
        try {
            doc = new Yaml(new SafeConstructor(options)).load(new String(index, StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            throw new SourceException(where(ref) + ": index.yaml is not valid YAML");
        }
        Object entries = doc instanceof Map<?, ?> m ? m.get("entries") : null;
        Object versions = entries instanceof Map<?, ?> e ? e.get(ref.name()) : null;
        if (!(versions instanceof List<?> list)) {
            throw new SourceException(where(ref) + ": the repository has no chart named " + ref.name());
        }
        List<String> known = new java.util.ArrayList<>();
        for (Object v : list) {
            if (v instanceof Map<?, ?> item) {
                known.add(String.valueOf(item.get("version")));
                if (ref.version().equals(String.valueOf(item.get("version")))) {
                    return (Map<String, Object>) item;
                }
            }
        }
        throw new SourceException(where(ref) + ": the repository has no version " + ref.version() + " of "
                + ref.name() + "; it has " + known.stream().limit(10).toList());
    }

    private byte[] get(ReleaseSpec.ChartRef ref, URI uri, int limit, boolean withCredentials) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(TIMEOUT).GET();
        if (withCredentials && !ref.auth().isNone()) {
            GitCredentials.Basic basic = GitCredentials.basic(where(ref), ref.auth(), env);
            request.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (basic.username() + ":" + basic.secret()).getBytes(StandardCharsets.UTF_8)));
        }
        try {
            HttpResponse<InputStream> answer = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream body = answer.body()) {
                if (answer.statusCode() != 200) {
                    throw new SourceException(where(ref) + ": HTTP " + answer.statusCode() + " for " + path(uri));
                }
                byte[] bytes = body.readNBytes(limit + 1);
                if (bytes.length > limit) {
                    throw new SourceException(where(ref) + ": " + path(uri) + " is larger than " + limit + " bytes");
                }
                return bytes;
            }
        } catch (IOException e) {
            throw new SourceException(where(ref) + ": cannot reach " + path(uri) + " (" + e.getClass().getSimpleName()
                    + ")");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException(where(ref) + ": interrupted");
        }
    }

    /** The archive's files, by path inside the chart's folder (the archive's top folder left out). */
    static SortedMap<String, byte[]> unpack(ReleaseSpec.ChartRef ref, byte[] archive) {
        SortedMap<String, byte[]> files = new TreeMap<>();
        long total = 0;
        try (TarArchiveInputStream tar = new TarArchiveInputStream(new GZIPInputStream(
                new ByteArrayInputStream(archive)))) {
            for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                if (!e.isFile()) {
                    continue;
                }
                String name = e.getName();
                int slash = name.indexOf('/');
                String inside = slash < 0 ? name : name.substring(slash + 1);
                if (inside.isEmpty() || inside.startsWith("/") || List.of(inside.split("/")).contains("..")) {
                    throw new RenderException(where(ref) + ": the archive holds " + name + ", outside its chart");
                }
                byte[] bytes = tar.readNBytes(MAX_CHART_BYTES);
                total += bytes.length;
                if (total >= MAX_CHART_BYTES || files.size() >= Snapshot.MAX_FOLDER_FILES) {
                    throw new RenderException(where(ref) + ": the archive unpacks to more than " + MAX_CHART_BYTES
                            + " bytes or " + Snapshot.MAX_FOLDER_FILES + " files");
                }
                files.put(inside, bytes);
            }
        } catch (IOException e) {
            throw new RenderException(where(ref) + ": the archive is not a gzipped tar (" + e.getMessage() + ")");
        }
        return files;
    }

    private static boolean sameHost(URI a, URI b) {
        return a.getScheme().equals(b.getScheme()) && String.valueOf(a.getHost()).equals(String.valueOf(b.getHost()))
                && a.getPort() == b.getPort();
    }

    /** A URL without its query (which may carry a signature). */
    private static String path(URI uri) {
        return uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
    }

    private static String where(ReleaseSpec.ChartRef ref) {
        return "chart " + ref;
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
