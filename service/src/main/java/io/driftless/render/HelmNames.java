package io.driftless.render;

import java.util.Locale;

/** Naming rules the Helm charts share: the 63-character limit and the fullname helper. */
public final class HelmNames {

    private HelmNames() {
    }

    /** {@code trunc 63 | trimSuffix "-"}. */
    public static String trunc(String s) {
        String t = s.length() > 63 ? s.substring(0, 63) : s;
        return t.replaceAll("-+$", "");
    }

    /** The common fullname rule: a release name that already contains the chart name is used alone. */
    public static String fullname(String releaseName, String name) {
        String rel = releaseName.toLowerCase(Locale.ROOT).replaceAll("-?[^a-z0-9-]+", "-");
        return trunc(rel.contains(name) ? rel : rel + "-" + name);
    }

    /** A label value: {@code +} becomes {@code _}, at most 63 characters, ending alphanumeric. */
    public static String labelValue(String s) {
        String t = s.replace('+', '_');
        t = t.length() > 63 ? t.substring(0, 63) : t;
        return t.replaceAll("[^a-zA-Z0-9]+$", "");
    }

    /**
     * A bundled subchart's fullname as its own helper computes it from the values under {@code key}
     * ({@code fullnameOverride}, then {@code nameOverride} or the chart name, then the release rule).
     */
    public static String subchartFullname(ValueReader v, String key, String releaseName, String chartName) {
        String fullnameOverride = v.str(key + ".fullnameOverride");
        if (!fullnameOverride.isEmpty()) {
            return trunc(fullnameOverride);
        }
        String nameOverride = v.str(key + ".nameOverride");
        return fullname(releaseName, nameOverride.isEmpty() ? chartName : nameOverride);
    }
}
