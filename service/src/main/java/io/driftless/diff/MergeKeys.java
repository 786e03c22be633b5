package io.driftless.diff;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/** How list entries are matched between desired and live: the Kubernetes merge keys. */
final class MergeKeys {

    private MergeKeys() {
    }

    /** The merge key for the list at this path, or null when entries are matched by position. */
    static String keyOf(String path, List<Object> desired) {
        if (desired.isEmpty() || !desired.stream().allMatch(i -> i instanceof Map)) {
            return null;
        }
        String field = path.substring(path.lastIndexOf('/') + 1);
        if (field.equals("volumeMounts")) {
            return allHave(desired, "mountPath") ? "mountPath" : null;
        }
        if (field.equals("volumeDevices")) {
            return allHave(desired, "devicePath") ? "devicePath" : null;
        }
        if (field.equals("ports")) {
            if (allHave(desired, "containerPort")) {
                return "containerPort";
            }
            return allHave(desired, "port") ? "port" : null;
        }
        if (field.equals("hostAliases")) {
            return allHave(desired, "ip") ? "ip" : null;
        }
        return allHave(desired, "name") ? "name" : null;
    }

    private static boolean allHave(List<Object> items, String key) {
        return items.stream().allMatch(i -> ((Map<?, ?>) i).get(key) != null);
    }

    static int indexOf(List<Object> items, String key, Object id) {
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) instanceof Map<?, ?> m && id != null && sameId(m.get(key), id)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean sameId(Object a, Object b) {
        return Objects.equals(a, b) || a != null && b != null && a.toString().equals(b.toString());
    }
}
