package io.driftless.source;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.zip.GZIPInputStream;

import javax.net.ssl.SSLContext;

import com.fasterxml.jackson.databind.JsonNode;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import io.driftless.config.ConfigException;
import io.driftless.config.ReleaseSpec;
import io.driftless.config.SafeYaml;
import io.driftless.config.Urls;
import io.driftless.render.Chart;
import io.driftless.render.ChartCatalogue;
import io.driftless.render.ChartEngine;
import io.driftless.render.RenderException;
import io.driftless.render.helm.HelmCharts;

/**
 * Helm charts from chart repositories ({@code index.yaml} over HTTPS) and OCI registries ({@code oci://},
 * as {@code helm push} stores them), credentials from the environment or a file as for Git sources: each chart
 * version is downloaded once, checked against the digest the index must give, checked to be a chart, and kept in the
 * state folder with its checksum, so it is never downloaded again; then rendered as a chart in the values
 * repository is. A repository that cannot be reached fails the target with what went wrong, and the last good
 * state stays applied.
 *
 * <p>What the repository, the fleet's committers and the network cannot do through it:
 * <ul>
 * <li>collect the credentials: they go only to the repository's (or registry's) own scheme, host and port, never
 *     along a redirect to another host ({@link HttpFetch}; a redirect from https to http is refused), and to a
 *     registry's token service only on the registry's host and port over https ({@link #credentialsForRealm});
 * <li>exhaust memory: the index is read with the budget of a values file ({@link SafeYaml}: 2 MiB, 200,000 nodes,
 *     aliases) and no more of it is downloaded; an archive is read up to {@value #MAX_CHART_BYTES} bytes;
 * <li>write files: an archive is kept under a name derived from the repository, name and version by SHA-256, and
 *     only after it unpacked as a chart ({@link #unpack}'s limits, a {@code Chart.yaml}).
 * </ul>
 * Every message starts with {@code chart <repository>/<name>@<version>} and shows URLs without their query
 * (signed URLs carry their signature there); no message holds a credential.
 */
public final class ChartRepositories implements ChartEngine {

    public static final int MAX_CHART_BYTES = 16 * 1024 * 1024;
    /** An index is read with the budget of a values file: its size, nodes and aliases ({@link SafeYaml}). */
    public static final int MAX_INDEX_BYTES = SafeYaml.MAX_BYTES;

    private final Path cache;
    private final Map<String, String> env;
    private final HelmCharts helm;
    private final HttpFetch fetch;

    /** @param cache where chart archives are kept ({@code <state>/charts}) */
    public ChartRepositories(Path cache, Map<String, String> env) {
        this(cache, env, new HelmCharts());
    }

    /** @param helm what renders the charts once downloaded */
    public ChartRepositories(Path cache, Map<String, String> env, HelmCharts helm) {
        this(cache, env, helm, null);
    }

    /** @param tls the TLS context of the requests (tests trust their own certificate with it) */
    ChartRepositories(Path cache, Map<String, String> env, SSLContext tls) {
        this(cache, env, new HelmCharts(), tls);
    }

    private ChartRepositories(Path cache, Map<String, String> env, HelmCharts helm, SSLContext tls) {
        this.cache = cache;
        this.env = env;
        this.helm = helm;
        this.fetch = new HttpFetch(tls);
    }

    /**
     * Every chart engine: the builtin charts (with their upstream repositories, {@code upstream}, for the versions
     * they do not reproduce), Helm charts and manifest folders of the values repository, and chart repositories;
     * Helm renders in {@code sandbox}, archives are kept under {@code charts}, credentials read from {@code env}.
     */
    public static ChartCatalogue catalogue(Path charts, Map<String, String> env,
                                           io.driftless.render.helm.HelmSandbox sandbox,
                                           java.util.function.Supplier<List<io.driftless.config.UpstreamChart>> upstream) {
        HelmCharts helm = new HelmCharts(sandbox);
        ChartRepositories repositories = new ChartRepositories(charts, env, helm);
        return new ChartCatalogue(List.of(new UpstreamCharts(io.driftless.render.ChartRegistry.builtin(), repositories,
                upstream), helm, new io.driftless.render.ManifestFolder(), repositories));
    }

    @Override
    public ReleaseSpec.ChartRef.Kind kind() {
        return ReleaseSpec.ChartRef.Kind.REPOSITORY;
    }

    @Override
    public Chart.Rendered render(ReleaseSpec.ChartRef ref, Chart.Release release, List<SafeYaml.Document> layers,
                                 ChartCatalogue.Files files) {
        return helm.render(ref, release, layers, chart(ref, archive(ref)));
    }

    /**
     * The chart version's archive: from the state folder when it was downloaded before, else downloaded now and
     * kept once it proved to be a chart. It is kept as {@code <cache>/<key>.tgz} with its checksum beside it in
     * {@code <key>.tgz.sha256}, the key being the SHA-256 of the repository, name and version: nothing the fleet
     * says becomes part of a path, so nothing is ever written outside the cache.
     */
    synchronized byte[] archive(ReleaseSpec.ChartRef ref) {
        String key = sha256((ref.repository() + "\n" + ref.name() + "\n" + ref.version())
                .getBytes(StandardCharsets.UTF_8));
        Path file = cache.resolve(key + ".tgz");
        Path checksum = cache.resolve(key + ".tgz.sha256");
        try {
            if (Files.isRegularFile(file) && Files.isRegularFile(checksum) && Files.size(file) <= MAX_CHART_BYTES) {
                byte[] kept = Files.readAllBytes(file);
                if (sha256(kept).equals(Files.readString(checksum).strip())) {
                    return kept;
                }
            }
            byte[] downloaded = download(ref);
            chart(ref, downloaded);
            Files.createDirectories(cache);
            keep(file, downloaded);
            keep(checksum, (sha256(downloaded) + "\n").getBytes(StandardCharsets.UTF_8));
            return downloaded;
        } catch (IOException e) {
            throw new SourceException(where(ref) + ": cannot keep the chart in " + cache + ": " + e.getMessage(), e);
        }
    }

    /** Writes a file of the cache whole or not at all: a temporary file beside it, then moved over it. */
    private void keep(Path file, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(cache, "chart", ".tmp");
        try {
            Files.write(tmp, bytes);
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /**
     * The chart's files; refuses what is not a chart, downloaded (before anything of it is written) or kept: a
     * gzipped tar that unpacks within the limits of {@link #unpack} and holds a {@code Chart.yaml} in its chart
     * folder.
     */
    private static SortedMap<String, byte[]> chart(ReleaseSpec.ChartRef ref, byte[] archive) {
        SortedMap<String, byte[]> files = unpack(ref, archive);
        if (!files.containsKey("Chart.yaml")) {
            throw new SourceException(where(ref) + ": the archive holds no Chart.yaml in its chart folder, so it is "
                    + "not a Helm chart; refusing it");
        }
        return files;
    }

    private byte[] download(ReleaseSpec.ChartRef ref) {
        if (ref.repository().startsWith("oci://")) {
            return ociDownload(ref);
        }
        URI repository = uri(ref, ref.repository() + "/");
        URI index = repository.resolve("index.yaml");
        Map<String, Object> entry = entry(ref, index, get(ref, index, MAX_INDEX_BYTES, repository));
        Object urls = entry.get("urls");
        if (!(urls instanceof List<?> list) || list.isEmpty()) {
            throw new SourceException(where(ref) + ": the index lists no URL for this version");
        }
        if (!(entry.get("digest") instanceof String digest) || digest.isBlank()) {
            throw new SourceException(where(ref) + ": the index gives no digest for this version, so its archive "
                    + "cannot be checked; refusing it (helm repo index writes one)");
        }
        URI chart = repository.resolve(uri(ref, String.valueOf(list.get(0))));
        if ("https".equals(repository.getScheme()) && "http".equalsIgnoreCase(chart.getScheme())) {
            throw new SourceException(where(ref) + ": the index gives the archive's URL as plain http ("
                    + HttpFetch.show(chart) + "); refusing it from an https repository");
        }
        // credentials go to the repository's own scheme, host and port only, as Helm does without --pass-credentials
        byte[] archive = get(ref, chart, MAX_CHART_BYTES, repository);
        if (!digest.equalsIgnoreCase(sha256(archive))) {
            throw new SourceException(where(ref) + ": the archive's SHA-256 is " + sha256(archive) + ", the index "
                    + "says " + digest + "; refusing it");
        }
        return archive;
    }

    /** The index's entry of the chart's version; the index read as a values file is, within the same budget. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> entry(ReleaseSpec.ChartRef ref, URI uri, byte[] index) {
        Object doc;
        try {
            doc = SafeYaml.parse(HttpFetch.show(uri), index).value();
        } catch (ConfigException e) {
            throw new SourceException(where(ref) + ": " + e.getMessage());
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
                + ref.name() + " (it has " + known.size() + "); the nearest: "
                + io.driftless.render.ChartVersions.nearest(ref.version(), known, 6));
    }

    /** A GET of the repository's, with its credentials for its own scheme, host and port only. */
    private byte[] get(ReleaseSpec.ChartRef ref, URI uri, int limit, URI repository) {
        HttpFetch.Answer answer = fetch.get(where(ref), uri, repository, basicAuthorization(ref), Map.of(), limit);
        if (answer.code() != 200) {
            throw new SourceException(where(ref) + ": " + answer.failure(uri));
        }
        return answer.body();
    }

    private static URI uri(ReleaseSpec.ChartRef ref, String text) {
        try {
            return new URI(text);
        } catch (java.net.URISyntaxException e) {
            throw new SourceException(where(ref) + ": '" + text.replaceFirst("[?#].*", "").replaceFirst("//[^/@]*@", "//")
                    + "' is not a URL");
        }
    }

    /** {@code Basic ...} from the reference's credentials, or null without any. */
    private String basicAuthorization(ReleaseSpec.ChartRef ref) {
        if (ref.auth().isNone()) {
            return null;
        }
        GitCredentials.Basic basic = GitCredentials.basic(where(ref), ref.auth(), env);
        return "Basic " + Base64.getEncoder().encodeToString((basic.username() + ":" + basic.secret())
                .getBytes(StandardCharsets.UTF_8));
    }

    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String HELM_CHART_LAYER = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

    /**
     * A chart pushed to an OCI registry ({@code helm push}): its manifest, then the layer of the chart's media
     * type, checked against its digest. A registry that asks for a token (the usual {@code WWW-Authenticate:
     * Bearer} challenge) gets one from its token service, with the reference's credentials only when that service
     * is on the registry's own host and port over https (see {@link #credentialsForRealm}), anonymously otherwise.
     * The credentials and the token go to the registry's own scheme, host and port only: a blob redirected to
     * storage elsewhere is fetched without them. Plain HTTP only to a loopback registry.
     */
    private byte[] ociDownload(ReleaseSpec.ChartRef ref) {
        String rest = ref.repository().substring("oci://".length());
        int slash = rest.indexOf('/');
        String registry = slash < 0 ? rest : rest.substring(0, slash);
        String repository = (slash < 0 ? "" : rest.substring(slash + 1) + "/") + ref.name();
        String scheme = Urls.isLoopback("http://" + registry) ? "http" : "https";
        URI origin = uri(ref, scheme + "://" + registry);
        URI manifestUri = uri(ref, origin + "/v2/" + repository + "/manifests/" + ref.version());
        String[] authorization = {basicAuthorization(ref)};
        HttpFetch.Answer manifest = ociGet(ref, manifestUri, origin, 1024 * 1024, authorization,
                Map.of("Accept", OCI_MANIFEST));
        String digest;
        try {
            JsonNode layers = JSON.readTree(manifest.body()).path("layers");
            digest = java.util.stream.StreamSupport.stream(layers.spliterator(), false)
                    .filter(l -> HELM_CHART_LAYER.equals(l.path("mediaType").asText()))
                    .map(l -> l.path("digest").asText()).findFirst()
                    .orElseThrow(() -> new SourceException(where(ref) + ": the image has no Helm chart layer ("
                            + HELM_CHART_LAYER + ")"));
        } catch (IOException e) {
            throw new SourceException(where(ref) + ": the manifest is not JSON");
        }
        if (!digest.startsWith("sha256:")) {
            throw new SourceException(where(ref) + ": the chart layer's digest " + digest + " is not SHA-256");
        }
        URI blob = uri(ref, origin + "/v2/" + repository + "/blobs/" + digest);
        byte[] archive = ociGet(ref, blob, origin, MAX_CHART_BYTES, authorization, Map.of()).body();
        if (!digest.substring("sha256:".length()).equalsIgnoreCase(sha256(archive))) {
            throw new SourceException(where(ref) + ": the chart layer's SHA-256 is " + sha256(archive)
                    + ", its digest says " + digest + "; refusing it");
        }
        return archive;
    }

    /** A GET that answers the registry's token challenge once; the token found is kept for the next GETs. */
    private HttpFetch.Answer ociGet(ReleaseSpec.ChartRef ref, URI uri, URI registry, int limit, String[] authorization,
                                    Map<String, String> headers) {
        HttpFetch.Answer answer = fetch.get(where(ref), uri, registry, authorization[0], headers, limit);
        String challenge = answer.headers().firstValue("WWW-Authenticate").orElse("");
        if (answer.code() == 401 && challenge.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Map<String, String> params = new java.util.HashMap<>();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\w+)=\"([^\"]*)\"").matcher(challenge);
            while (m.find()) {
                params.put(m.group(1), m.group(2));
            }
            String realm = params.remove("realm");
            if (realm == null) {
                throw new SourceException(where(ref) + ": the registry's challenge names no token service");
            }
            StringBuilder query = new StringBuilder();
            params.forEach((k, v) -> query.append(query.length() == 0 ? "?" : "&").append(k).append('=')
                    .append(java.net.URLEncoder.encode(v, StandardCharsets.UTF_8)));
            URI tokenUri = uri(ref, realm + query);
            boolean withCredentials = credentialsForRealm(registry, tokenUri);
            HttpFetch.Answer token = fetch.get(where(ref), tokenUri, tokenUri, withCredentials
                    ? basicAuthorization(ref) : null, Map.of(), 64 * 1024);
            if (token.code() != 200) {
                throw new SourceException(where(ref) + ": " + token.failure(tokenUri) + " from the token service"
                        + (withCredentials || ref.auth().isNone() ? "" : " (asked without credentials: they go only "
                        + "to a token service on the registry's own host and port, over https)"));
            }
            try {
                JsonNode json = JSON.readTree(token.body());
                String value = json.hasNonNull("token") ? json.get("token").asText() : json.path("access_token").asText();
                authorization[0] = "Bearer " + value;
            } catch (IOException e) {
                throw new SourceException(where(ref) + ": the token service did not answer JSON");
            }
            answer = fetch.get(where(ref), uri, registry, authorization[0], headers, limit);
        }
        if (answer.code() != 200) {
            throw new SourceException(where(ref) + ": " + answer.failure(uri));
        }
        return answer;
    }

    /**
     * Whether the registry's credentials may go to the token service its challenge names: only on the registry's
     * own host and port, over https (plain http only on a loopback address). Any other token service is asked
     * anonymously, as public registries' token services expect; a challenge must not be a way to collect them.
     */
    static boolean credentialsForRealm(URI registry, URI realm) {
        boolean ownHost = registry.getHost() != null && registry.getHost().equalsIgnoreCase(realm.getHost())
                && HttpFetch.port(registry) == HttpFetch.port(realm);
        return ownHost && ("https".equalsIgnoreCase(realm.getScheme())
                || "http".equalsIgnoreCase(realm.getScheme()) && Urls.isLoopback(realm.toString()));
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();

    /** The archive's files, by path inside the chart's folder (the archive's top folder left out). */
    public static SortedMap<String, byte[]> unpack(ReleaseSpec.ChartRef ref, byte[] archive) {
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

    /** {@code chart <repository>/<name>@<version>}, first in every message (the repository without any query). */
    private static String where(ReleaseSpec.ChartRef ref) {
        return "chart " + ref.repository().replaceFirst("[?#].*", "") + "/" + ref.name() + "@" + ref.version();
    }

    static String sha256(byte[] bytes) {
        return io.driftless.model.Sha256.hex(bytes);
    }
}
