package io.driftless.render.prefect;

import java.util.Map;

import io.driftless.render.Chart;
import io.driftless.render.HelmNames;
import io.driftless.render.Tree;
import io.driftless.render.ValueReader;

/** Names, namespace and labels of the prefect-server chart (its fullname / labels helpers). */
final class PrefectNames {

    static final String CHART = "prefect-server";

    private final ValueReader v;
    private final Chart.Release release;
    private final PrefectVersions.Pin pin;

    PrefectNames(ValueReader v, Chart.Release release, PrefectVersions.Pin pin) {
        this.v = v;
        this.release = release;
        this.pin = pin;
    }

    /** What the chart version being rendered stamps and gates. */
    PrefectVersions.Pin pin() {
        return pin;
    }

    String name() {
        String override = v.str("nameOverride");
        return HelmNames.trunc(override.isEmpty() ? CHART : override);
    }

    String fullname() {
        String override = v.str("fullnameOverride");
        if (!override.isEmpty()) {
            return HelmNames.trunc(override);
        }
        return HelmNames.fullname(release.name(), name());
    }


    String namespace() {
        String override = v.str("namespaceOverride");
        return override.isEmpty() ? release.namespace() : override;
    }

    String releaseNamespace() {
        return release.namespace();
    }

    String releaseName() {
        return release.name();
    }

    /** {@code server.uiConfig.prefectUiApiUrl}, through {@code tpl} where the version's templates do so. */
    String uiApiUrl() {
        return pin.templatedUiUrl() ? v.tpl("server.uiConfig.prefectUiApiUrl")
                : v.str("server.uiConfig.prefectUiApiUrl");
    }

    String appVersion() {
        return pin.appVersion();
    }


    /** Standard labels: name, chart, instance, managed-by, version. */
    Map<String, Object> standard() {
        Map<String, Object> m = Tree.map(
                "app.kubernetes.io/name", name(),
                "helm.sh/chart", HelmNames.labelValue(CHART + "-" + release.chartVersion()),
                "app.kubernetes.io/instance", release.name(),
                "app.kubernetes.io/managed-by", "Helm");
        if (!pin.appVersion().isEmpty()) {
            m.put("app.kubernetes.io/version", HelmNames.labelValue(pin.appVersion()));
        }
        return m;
    }

    /** Standard labels + component + prefect-version + commonLabels. */
    Map<String, Object> labels(String component) {
        Map<String, Object> m = standard();
        m.put("app.kubernetes.io/component", component);
        m.put("prefect-version", pin.appVersion());
        m.putAll(commonLabels());
        return m;
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> commonLabels() {
        return (Map<String, Object>) v.tplValue("commonLabels", v.map("commonLabels"));
    }

    @SuppressWarnings("unchecked")
    Map<String, Object> commonAnnotations() {
        return (Map<String, Object>) v.tplValue("commonAnnotations", v.map("commonAnnotations"));
    }

    Map<String, Object> selector(String component) {
        return Tree.map("app.kubernetes.io/name", name(), "app.kubernetes.io/instance", release.name(),
                "app.kubernetes.io/component", component);
    }

    /** Metadata with name, namespace, labels and (when any) annotations. */
    Map<String, Object> metadata(String objectName, Map<String, Object> labels, Map<String, Object> annotations) {
        Map<String, Object> md = Tree.map("name", objectName, "namespace", namespace(), "labels", labels);
        Tree.putIfSet(md, "annotations", annotations);
        return md;
    }

    String serviceAccountName() {
        if (v.bool("serviceAccount.create")) {
            String n = v.str("serviceAccount.name");
            return n.isEmpty() ? fullname() : n;
        }
        String n = v.str("serviceAccount.name");
        return n.isEmpty() ? "default" : n;
    }

    String postgresqlFullname() {
        String base = HelmNames.subchartFullname(v, "postgresql", release.name(), "postgresql");
        if (!v.str("postgresql.fullnameOverride").isEmpty()) {
            return base;
        }
        if ("replication".equals(v.str("postgresql.architecture"))) {
            String primary = v.str("postgresql.primary.name");
            return HelmNames.trunc(base + "-" + (primary.isEmpty() ? "primary" : primary));
        }
        return base;
    }

    String redisFullname() {
        return HelmNames.subchartFullname(v, "redis", release.name(), "redis");
    }

    String connectionSecretName() {
        String existing = v.str("postgresql.auth.existingSecret");
        if (!existing.isEmpty()) {
            return existing;
        }
        String name = v.str("secret.name");
        return name.isEmpty() ? fullname() + "-postgresql-connection" : name;
    }
}
