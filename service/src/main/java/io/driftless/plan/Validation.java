package io.driftless.plan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import io.driftless.model.ObjectNames;
import io.driftless.render.Tree;

/**
 * Checks every desired object before anything is written, with the API server's own rules for names,
 * labels and annotations, so that a sync never stops halfway through on an object the server would refuse.
 */
final class Validation {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern QUALIFIED_NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern LABEL_VALUE = Pattern.compile("(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?");
    /** Kinds whose names must be DNS labels (at most 63 characters, no dots). */
    private static final Set<String> LABEL_NAMED = Set.of("Service", "Namespace");
    private static final int MAX_ANNOTATIONS_BYTES = 256 * 1024;

    private Validation() {
    }

    /** One message per problem, each starting with the object it is about; empty when all are valid. */
    static List<String> problems(List<Map<String, Object>> desired) {
        List<String> out = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (Map<String, Object> object : desired) {
            Map<String, Object> md = Tree.asMap(object.get("metadata"));
            String kind = String.valueOf(object.get("kind"));
            String name = md.get("name") instanceof String s ? s : "";
            String id = kind + "/" + (md.get("namespace") == null ? "" : md.get("namespace") + "/") + name;
            if (!(object.get("apiVersion") instanceof String av) || av.isEmpty() || !(object.get("kind") instanceof String)) {
                out.add(id + ": apiVersion and kind are required");
            }
            if (name.isEmpty()) {
                out.add(id + ": metadata.name is required");
            } else if (LABEL_NAMED.contains(kind) ? !isDnsLabel(name) : !ObjectNames.isDnsSubdomain(name)) {
                out.add(id + ": metadata.name '" + name + "' is not a valid " + (LABEL_NAMED.contains(kind)
                        ? "DNS label (lower case letters, digits and '-', at most 63 characters)"
                        : "DNS subdomain (lower case letters, digits, '-' and '.', at most 253 characters)"));
            }
            if (!seen.add(String.valueOf(object.get("apiVersion")) + "|" + id)) {
                out.add(id + ": rendered twice");
            }
            if (md.get("namespace") instanceof String ns && !isDnsLabel(ns)) {
                out.add(id + ": metadata.namespace '" + ns + "' is not a valid DNS label");
            }
            Tree.asMap(md.get("labels")).forEach((key, value) -> {
                if (!isQualifiedKey(key)) {
                    out.add(id + ": label key '" + key + "' is not a valid qualified name");
                }
                String v = value == null ? "" : String.valueOf(value);
                if (!(value == null || value instanceof String) || v.length() > 63 || !LABEL_VALUE.matcher(v).matches()) {
                    out.add(id + ": label " + key + ": value '" + v + "' is not a valid label value (a string of at most "
                            + "63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)");
                }
            });
            int annotationBytes = 0;
            for (Map.Entry<String, Object> a : Tree.asMap(md.get("annotations")).entrySet()) {
                if (!isQualifiedKey(a.getKey())) {
                    out.add(id + ": annotation key '" + a.getKey() + "' is not a valid qualified name");
                }
                if (a.getValue() != null && !(a.getValue() instanceof String)) {
                    out.add(id + ": annotation " + a.getKey() + ": value must be a string, found '" + a.getValue() + "'");
                }
                annotationBytes += a.getKey().getBytes(StandardCharsets.UTF_8).length
                        + String.valueOf(a.getValue()).getBytes(StandardCharsets.UTF_8).length;
            }
            if (annotationBytes > MAX_ANNOTATIONS_BYTES) {
                out.add(id + ": annotations total " + annotationBytes + " bytes, more than the 256 KiB the API allows");
            }
            String order = Hooks.invalidInteger(object);
            if (order != null) {
                out.add(id + ": " + order);
            }
        }
        return out;
    }

    private static boolean isDnsLabel(String s) {
        return s.length() <= 63 && DNS_LABEL.matcher(s).matches();
    }

    /** {@code [prefix/]name}: an optional DNS subdomain prefix and a name of at most 63 characters. */
    private static boolean isQualifiedKey(String key) {
        int slash = key.indexOf('/');
        String prefix = slash < 0 ? null : key.substring(0, slash);
        String name = slash < 0 ? key : key.substring(slash + 1);
        return (prefix == null || !prefix.isEmpty() && ObjectNames.isDnsSubdomain(prefix))
                && name.length() <= 63 && QUALIFIED_NAME.matcher(name).matches();
    }
}
