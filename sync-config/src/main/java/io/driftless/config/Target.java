package io.driftless.config;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** One release on one cluster: the unit of rendering, syncing and status. */
public record Target(ReleaseSpec release, ClusterSpec cluster) {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^}]*)}");

    /** {@code cluster/release}, unique in a fleet. */
    public String id() {
        return TargetId.of(cluster.name(), release.name());
    }

    /** The values layers of this target with placeholders resolved for its cluster. */
    public List<ReleaseSpec.ValuesLayer> valuesLayers() {
        List<ReleaseSpec.ValuesLayer> out = new ArrayList<>();
        for (ReleaseSpec.ValuesLayer layer : release.values()) {
            out.add(new ReleaseSpec.ValuesLayer(resolve(layer.path(), cluster), layer.optional(),
                    layer.origin()));
        }
        return out;
    }

    /**
     * Substitutes {@code {cluster}} and {@code {labels.KEY}}.
     *
     * @throws IllegalArgumentException naming the placeholder when it cannot be resolved, or when a label's value
     *                                  makes the path leave the repository
     */
    public static String resolve(String path, ClusterSpec cluster) {
        Matcher m = PLACEHOLDER.matcher(path);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String name = m.group(1);
            String value;
            if (name.equals("cluster")) {
                value = cluster.name();
            } else if (name.startsWith("labels.")) {
                value = cluster.labels().get(name.substring("labels.".length()));
                if (value == null) {
                    throw new IllegalArgumentException("placeholder {" + name + "}: cluster '"
                            + cluster.name() + "' has no label '" + name.substring(7) + "'");
                }
            } else {
                throw new IllegalArgumentException("unknown placeholder {" + name
                        + "}; use {cluster} or {labels.KEY}");
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(value));
        }
        m.appendTail(sb);
        String resolved = sb.toString();
        if (!resolved.equals(path) && (resolved.startsWith("/") || resolved.contains("\\")
                || List.of(resolved.split("/")).contains(".."))) {
            throw new IllegalArgumentException("resolves to '" + resolved + "' for cluster '" + cluster.name()
                    + "', which is not a relative path inside the repository (no '/', '\\' or '..')");
        }
        return resolved;
    }

    @Override
    public String toString() {
        return id();
    }
}
