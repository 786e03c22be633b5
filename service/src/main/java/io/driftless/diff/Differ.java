package io.driftless.diff;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.driftless.model.ObjectRef;

/**
 * Compares a desired object with its live counterpart: "desired is contained in live". Fields the
 * server or other controllers add are not drift; lists of objects are matched by merge key; entries
 * added by hand to a list the chart renders are drift. Pure: data in, data out.
 */
public final class Differ {

    private Differ() {
    }

    public static ObjectDiff diff(ObjectRef ref, Map<String, Object> desired, Map<String, Object> live) {
        List<FieldDrift> drifts = new ArrayList<>();
        boolean secret = "Secret".equals(ref.kind()) && ref.group().isEmpty();
        boolean configMap = "ConfigMap".equals(ref.kind()) && ref.group().isEmpty();
        Walk walk = new Walk(drifts, false, false);
        for (Map.Entry<String, Object> e : desired.entrySet()) {
            String key = Pointer.escape(e.getKey());
            boolean data = e.getKey().equals("data") || e.getKey().equals("stringData");
            // a Secret's data is secret; a ConfigMap's entries named like credentials (envFrom) are too
            Walk w = secret && data ? new Walk(drifts, true, false) : configMap && data ? new Walk(drifts, false, true)
                    : walk;
            w.value("/" + key, "/" + key, e.getValue(), live.get(e.getKey()));
        }
        drifts.replaceAll(d -> d.kind() == FieldDrift.Kind.MISSING ? d : ManagedFields.lastWriter(live, d.path())
                .map(w -> new FieldDrift(d.kind(), d.path(), d.desiredPath(), d.desired(), d.live(), w))
                .orElse(d));
        return new ObjectDiff(ref, List.copyOf(drifts));
    }

    /**
     * @param secret         every value met is secret
     * @param credentialKeys the entries of the mapping walked whose keys are named like credentials are secret
     *                       (a ConfigMap's data)
     */
    private record Walk(List<FieldDrift> out, boolean secret, boolean credentialKeys) {

        @SuppressWarnings("unchecked")
        void value(String path, String desiredPath, Object desired, Object live) {
            if (desired == null) {
                return; // an explicit null asks for nothing
            }
            if (desired instanceof Map<?, ?> d && live instanceof Map<?, ?> l) {
                map(path, desiredPath, (Map<String, Object>) d, (Map<String, Object>) l);
            } else if (desired instanceof List<?> d && live instanceof List<?> l) {
                list(path, desiredPath, (List<Object>) d, (List<Object>) l);
            } else if (live == null) {
                if (!Normalize.emptyEqualsAbsent(path, desired)) {
                    out.add(drift(FieldDrift.Kind.MISSING, path, desiredPath, desired, null));
                }
            } else if (!Normalize.scalarsEqual(path, desired, live)) {
                out.add(drift(FieldDrift.Kind.CHANGED, path, desiredPath, desired, live));
            }
        }

        void map(String path, String desiredPath, Map<String, Object> desired, Map<String, Object> live) {
            Walk plain = credentialKeys ? new Walk(out, secret, false) : this;
            for (Map.Entry<String, Object> e : desired.entrySet()) {
                String key = Pointer.escape(e.getKey());
                Walk entry = credentialKeys && !secret && Redaction.isCredentialName(e.getKey())
                        ? new Walk(out, true, false) : plain;
                entry.value(path + "/" + key, desiredPath + "/" + key, e.getValue(), live.get(e.getKey()));
            }
        }

        void list(String path, String desiredPath, List<Object> desired, List<Object> live) {
            String key = MergeKeys.keyOf(path, desired);
            if (key == null) {
                for (int i = 0; i < desired.size(); i++) {
                    Object l = i < live.size() ? live.get(i) : null;
                    // the argument after a credential flag ([--password, x]) is compared like a Secret's data
                    Walk entry = !secret && i > 0 && (Redaction.isCredentialFlag(desired.get(i - 1))
                            || i - 1 < live.size() && Redaction.isCredentialFlag(live.get(i - 1)))
                            ? new Walk(out, true, false) : this;
                    if (l == null && desired.get(i) != null) {
                        out.add(entry.drift(FieldDrift.Kind.MISSING, path + "/-", desiredPath + "/" + i,
                                desired.get(i), null));
                    } else {
                        entry.value(path + "/" + i, desiredPath + "/" + i, desired.get(i), l);
                    }
                }
                for (int i = desired.size(); i < live.size(); i++) {
                    boolean afterFlag = !secret && i > 0 && Redaction.isCredentialFlag(live.get(i - 1));
                    out.add((afterFlag ? new Walk(out, true, false) : this).drift(FieldDrift.Kind.EXTRA,
                            path + "/" + i, null, null, live.get(i)));
                }
                return;
            }
            for (int i = 0; i < desired.size(); i++) {
                Object d = desired.get(i);
                Object id = ((Map<?, ?>) d).get(key);
                int at = MergeKeys.indexOf(live, key, id);
                if (at < 0) {
                    out.add(drift(FieldDrift.Kind.MISSING, path + "/-", desiredPath + "/" + i, d, null));
                } else {
                    // an env var that holds a credential is compared like a Secret's data
                    Walk entry = !secret && path.endsWith("/env") && Redaction.isCredentialName(id)
                            ? new Walk(out, true, false) : this;
                    entry.value(path + "/" + at, desiredPath + "/" + i, d, live.get(at));
                }
            }
            for (int i = 0; i < live.size(); i++) {
                Object l = live.get(i);
                Object id = l instanceof Map<?, ?> m ? m.get(key) : null;
                if (MergeKeys.indexOf(desired, key, id) < 0) {
                    out.add(drift(FieldDrift.Kind.EXTRA, path + "/" + i, null, null, l));
                }
            }
        }

        FieldDrift drift(FieldDrift.Kind kind, String path, String desiredPath, Object desired, Object live) {
            // a field Git sets from a secret hides its live value too (a value rotated away, or typed in by hand)
            if (secret || Redaction.holdsSecret(desired)) {
                return new FieldDrift(kind, path, desiredPath, redact(desired), redact(live));
            }
            return new FieldDrift(kind, path, desiredPath, shown(desired), shown(live));
        }

        /** A value as drift shows it: credentials redacted, and with credentialKeys, entries named like them. */
        private Object shown(Object value) {
            if (credentialKeys && value instanceof Map<?, ?> m) {
                Map<String, Object> out = new java.util.LinkedHashMap<>();
                m.forEach((k, v) -> out.put(String.valueOf(k), Redaction.isCredentialName(k) ? redact(v)
                        : Redaction.credentialsRedacted(v)));
                return out;
            }
            return Redaction.credentialsRedacted(value);
        }
    }

    /**
     * A whole object as users may see it (the object view's manifests): a Secret's data and every value of its
     * {@code last-applied-configuration} annotation redacted, a ConfigMap's entries named like credentials too, every
     * credential elsewhere by {@link Redaction#credentialsRedacted}; {@code metadata.managedFields} left out (the
     * view lists the managers).
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> shown(ObjectRef ref, Map<String, Object> object) {
        boolean secret = "Secret".equals(ref.kind()) && ref.group().isEmpty();
        boolean configMap = "ConfigMap".equals(ref.kind()) && ref.group().isEmpty();
        Map<String, Object> out = new java.util.LinkedHashMap<>();
        Walk credentialKeys = new Walk(List.of(), false, true);
        object.forEach((key, value) -> {
            boolean data = key.equals("data") || key.equals("stringData");
            if (key.equals("metadata") && value instanceof Map<?, ?> m) {
                Map<String, Object> metadata = new java.util.LinkedHashMap<>((Map<String, Object>) m);
                metadata.remove("managedFields");
                if (metadata.get("annotations") instanceof Map<?, ?> a) {
                    Map<String, Object> annotations = new java.util.LinkedHashMap<>((Map<String, Object>) a);
                    // a client-side apply copies the whole object, a Secret's data and every env var included
                    annotations.computeIfPresent(LAST_APPLIED, (k, v) -> Redaction.redact(v));
                    metadata.put("annotations", annotations);
                }
                out.put(key, Redaction.credentialsRedacted(metadata));
            } else {
                out.put(key, secret && data ? redact(value) : configMap && data ? credentialKeys.shown(value)
                        : Redaction.credentialsRedacted(value));
            }
        });
        return out;
    }

    /** Who wrote a live object, one entry per field manager ({@code metadata.managedFields}). */
    public static List<FieldDrift.Writer> writers(Map<String, Object> live) {
        return ManagedFields.all(live);
    }

    private static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";

    /** A Secret's data, or a credential env var's value, shown as a keyed hash ({@link Redaction}). */
    private static Object redact(Object value) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new java.util.LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), redact(v)));
            return out;
        }
        if (value instanceof List<?> l) {
            return l.stream().map(Differ::redact).toList();
        }
        return Redaction.redact(value);
    }
}
