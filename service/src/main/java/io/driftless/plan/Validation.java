package io.driftless.plan;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.driftless.config.Labels;
import io.driftless.model.ObjectNames;
import io.driftless.render.Tree;

/**
 * Checks every desired object before anything is written, with the API server's own rules for names,
 * labels and annotations, so that a sync never stops halfway through on an object the server would refuse.
 */
final class Validation {

    private static final Pattern DNS_LABEL = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");
    private static final Pattern DNS_1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    /** Kinds whose names must be DNS labels (at most 63 characters, no dots). */
    private static final Set<String> LABEL_NAMED = Set.of("Service", "Namespace");
    /** RBAC's kinds, whose names are path segments ({@code system:controller:leader-election}). */
    private static final Set<String> RBAC_KINDS = Set.of("Role", "ClusterRole", "RoleBinding", "ClusterRoleBinding");
    private static final String RBAC_GROUP = "rbac.authorization.k8s.io";
    /** What a request path cannot carry unescaped (the client puts names into paths as they are). */
    private static final Pattern PATH_UNSAFE = Pattern.compile("[^A-Za-z0-9._~!$&'()*+,;=:@-]");
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
            String wrongName = name.isEmpty() ? null : nameProblem(String.valueOf(object.get("apiVersion")), kind, name);
            if (name.isEmpty()) {
                out.add(id + ": metadata.name is required");
            } else if (wrongName != null) {
                out.add(id + ": metadata.name '" + name + "' is not a valid " + wrongName);
            }
            if (!seen.add(String.valueOf(object.get("apiVersion")) + "|" + id)) {
                out.add(id + ": rendered twice");
            }
            if (md.get("namespace") instanceof String ns && !isDnsLabel(ns)) {
                out.add(id + ": metadata.namespace '" + ns + "' is not a valid DNS label");
            }
            Tree.asMap(md.get("labels")).forEach((key, value) -> {
                if (!Labels.isKey(key)) {
                    out.add(id + ": label key '" + key + "' is not a valid qualified name");
                }
                String v = value == null ? "" : String.valueOf(value);
                if (!(value == null || value instanceof String) || !Labels.isValue(v)) {
                    out.add(id + ": label " + key + ": value '" + v + "' is not a valid label value (a string of at most "
                            + "63 letters, digits, '-', '_' or '.', starting and ending alphanumeric)");
                }
            });
            int annotationBytes = 0;
            for (Map.Entry<String, Object> a : Tree.asMap(md.get("annotations")).entrySet()) {
                if (!Labels.isKey(a.getKey())) {
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

    private static String describe(String character) {
        int c = character.codePointAt(0);
        return c > 0x20 && c < 0x7f ? "'" + character + "'" : String.format("character U+%04X", c);
    }

    private static boolean isDnsLabel(String s) {
        return s.length() <= 63 && DNS_LABEL.matcher(s).matches();
    }

    /**
     * What the API server would say is wrong with an object's name, by the rule of its kind, or null: RBAC's kinds
     * take any path segment (no '/' or '%', not '.' or '..': {@code system:controller:x}), a core Service a DNS-1035
     * label (it starts with a letter), a Namespace (or another group's Service, as before) a DNS label, every other
     * kind a DNS subdomain (ConfigMaps, Secrets, workloads, custom resources).
     */
    private static String nameProblem(String apiVersion, String kind, String name) {
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        if (group.equals(RBAC_GROUP) && RBAC_KINDS.contains(kind)) {
            if (name.equals(".") || name.equals("..") || name.contains("/") || name.contains("%")) {
                return "name for RBAC (any characters but '/' and '%'; not '.' or '..')";
            }
            Matcher unsafe = PATH_UNSAFE.matcher(name);
            return unsafe.find() ? "name here: the API server takes it, but its " + describe(unsafe.group())
                    + " would change the request path it is sent in (use letters, digits and -._~!$&'()*+,;=:@)"
                    : null;
        }
        if (group.isEmpty() && kind.equals("Service")) {
            return name.length() <= 63 && DNS_1035_LABEL.matcher(name).matches() ? null
                    : "DNS-1035 label (lower case letters, digits and '-', starting with a letter, at most 63 characters)";
        }
        if (LABEL_NAMED.contains(kind)) {
            return isDnsLabel(name) ? null : "DNS label (lower case letters, digits and '-', at most 63 characters)";
        }
        return ObjectNames.isDnsSubdomain(name) ? null
                : "DNS subdomain (lower case letters, digits, '-' and '.', at most 253 characters)";
    }
}
