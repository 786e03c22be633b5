package io.driftless.render.prefect.legacy;

import static io.driftless.render.Tree.map;

import java.util.List;
import java.util.Map;

import io.driftless.render.Chart;
import io.driftless.render.HelmNames;
import io.driftless.render.Tree;
import io.driftless.render.ValueReader;

/** Names, labels, annotations and image settings of the legacy chart's components (its _helpers.tpl). */
final class LegacyNames {

    /** The legacy chart's own name in Chart.yaml: labels say prefect-server, like the modern chart. */
    static final String CHART = "prefect-server";

    private final ValueReader v;
    private final Chart.Release release;
    private final LegacyVersions.Pin pin;

    LegacyNames(ValueReader v, Chart.Release release, LegacyVersions.Pin pin) {
        this.v = v;
        this.release = release;
        this.pin = pin;
    }

    LegacyVersions.Pin pin() {
        return pin;
    }

    String releaseName() {
        return release.name();
    }

    String namespace() {
        return release.namespace();
    }

    String name() {
        String override = v.str("nameOverride");
        return HelmNames.trunc(override.isEmpty() ? CHART : override);
    }

    /** {@code <release>-<component>}, or {@code <release>-<name>-<component>} with includeChartNameInComponents. */
    String component(String component) {
        String full = v.truthy("includeChartNameInComponents")
                ? release.name() + "-" + name() + "-" + component
                : release.name() + "-" + component;
        return HelmNames.trunc(full);
    }

    /** {@code <component name>.<release namespace>}: how the components reach each other. */
    String host(String component) {
        return component(component) + "." + release.namespace();
    }

    Map<String, Object> matchLabels() {
        return map("app.kubernetes.io/name", name(), "app.kubernetes.io/instance", release.name());
    }

    /** Pod template and selector labels. */
    Map<String, Object> selector(String component) {
        Map<String, Object> m = matchLabels();
        m.put("app.kubernetes.io/component", component);
        return m;
    }

    /** Object labels; {@code component} null for the ServiceAccount, which has none. */
    Map<String, Object> labels(String component) {
        Map<String, Object> m = matchLabels();
        m.put("helm.sh/chart", CHART + "-" + release.chartVersion().replace('+', '_'));
        m.put("app.kubernetes.io/version", pin.appVersion());
        m.put("app.kubernetes.io/managed-by", "Helm");
        if (component != null) {
            m.put("app.kubernetes.io/component", component);
        }
        return m;
    }

    /** The values key's {@code annotations} over the global {@code annotations}; always present, maybe empty. */
    Map<String, Object> annotations(String key) {
        return Tree.merged(v.map("annotations"), v.map(key + ".annotations"));
    }

    Map<String, Object> metadata(String name, String component, String annotationsKey) {
        return map("name", name, "labels", labels(component), "annotations", annotations(annotationsKey));
    }

    String serviceAccountName() {
        String name = v.str("serviceAccount.name");
        if (!name.isEmpty()) {
            return name;
        }
        return v.truthy("serviceAccount.create") ? component("serviceaccount") : "default";
    }

    /** The component's own pull secrets when it has any, else the chart-wide ones; verbatim objects. */
    List<Object> imagePullSecrets(String key) {
        List<Object> own = v.list(key + ".image.pullSecrets");
        return own.isEmpty() ? v.list("imagePullSecrets") : own;
    }

    /** The server image tag: the component's tag, else serverVersionTag, else the chart's appVersion. */
    String serverTag(String key) {
        return firstSet(key + ".image.tag", "serverVersionTag", pin.appVersion());
    }

    /** The Prefect (agent, tenant Job) image tag: the component's tag, else prefectVersionTag. */
    String prefectTag(String key) {
        return firstSet(key + ".image.tag", "prefectVersionTag", "");
    }

    String uiTag() {
        return firstSet("ui.image.tag", "uiVersionTag", "");
    }

    String image(String key, String tag) {
        return v.str(key + ".image.name") + ":" + tag;
    }

    private String firstSet(String key, String fallbackKey, String last) {
        if (v.truthy(key)) {
            return v.str(key);
        }
        return v.truthy(fallbackKey) ? v.str(fallbackKey) : last;
    }
}
