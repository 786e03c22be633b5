package io.driftless.diff;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Who last wrote a field, from the live object's {@code metadata.managedFields}: the manager whose
 * {@code fieldsV1} set claims the deepest prefix of the field's path (the latest one on a tie), with
 * its operation and time. Lists are followed by their keys ({@code k:{"name":"web"}}) or values
 * ({@code v:"a"}); an atomic list belongs to whoever owns the list.
 */
final class ManagedFields {

    private static final ObjectMapper JSON = new ObjectMapper();

    private ManagedFields() {
    }

    /** Every manager that wrote the live object, as its managedFields list them (in their order). */
    static List<FieldDrift.Writer> all(Map<String, Object> live) {
        Object md = live.get("metadata");
        if (!(md instanceof Map<?, ?> metadata) || !(metadata.get("managedFields") instanceof List<?> entries)) {
            return List.of();
        }
        return entries.stream().filter(e -> e instanceof Map<?, ?>).map(e -> (Map<?, ?>) e)
                .map(e -> new FieldDrift.Writer(String.valueOf(e.get("manager")), (String) e.get("operation"),
                        e.get("time") == null ? null : String.valueOf(e.get("time")))).toList();
    }

    static Optional<FieldDrift.Writer> lastWriter(Map<String, Object> live, String pointer) {
        Object md = live.get("metadata");
        if (!(md instanceof Map<?, ?> metadata) || !(metadata.get("managedFields") instanceof List<?> entries)) {
            return Optional.empty();
        }
        String[] segments = pointer.isEmpty() ? new String[0] : pointer.substring(1).split("/");
        FieldDrift.Writer best = null;
        int bestDepth = 0;
        String bestTime = "";
        for (Object e : entries) {
            if (!(e instanceof Map<?, ?> entry) || !(entry.get("fieldsV1") instanceof Map<?, ?> fields)) {
                continue;
            }
            int depth = depth(fields, live, segments);
            String time = entry.get("time") == null ? "" : String.valueOf(entry.get("time"));
            if (depth > bestDepth || depth == bestDepth && depth > 0 && time.compareTo(bestTime) > 0) {
                best = new FieldDrift.Writer(String.valueOf(entry.get("manager")), (String) entry.get("operation"),
                        time.isEmpty() ? null : time);
                bestDepth = depth;
                bestTime = time;
            }
        }
        return Optional.ofNullable(best);
    }

    /** How many leading segments of the path this manager's field set claims. */
    private static int depth(Map<?, ?> fields, Object live, String[] segments) {
        Object set = fields;
        Object node = live;
        int depth = 0;
        for (String raw : segments) {
            String segment = raw.replace("~1", "/").replace("~0", "~");
            if (!(set instanceof Map<?, ?> claims)) {
                return depth;
            }
            Object next;
            if (node instanceof List<?> list && segment.matches("\\d+") && Integer.parseInt(segment) < list.size()) {
                Object item = list.get(Integer.parseInt(segment));
                next = listEntry(claims, item);
                if (next == null) {
                    return depth; // an atomic list: owned as a whole by whoever owns the list
                }
                node = item;
            } else if (node instanceof Map<?, ?> map) {
                next = claims.get("f:" + segment);
                node = map.get(segment);
            } else {
                return depth;
            }
            if (next == null) {
                return depth;
            }
            set = next;
            depth++;
        }
        return depth;
    }

    private static Object listEntry(Map<?, ?> claims, Object item) {
        for (Map.Entry<?, ?> claim : claims.entrySet()) {
            String key = String.valueOf(claim.getKey());
            try {
                if (key.startsWith("k:") && item instanceof Map<?, ?> map) {
                    Map<?, ?> id = JSON.readValue(key.substring(2), Map.class);
                    if (id.entrySet().stream().allMatch(f -> sameScalar(f.getValue(), map.get(f.getKey())))) {
                        return claim.getValue();
                    }
                } else if (key.startsWith("v:") && sameScalar(JSON.readValue(key.substring(2), Object.class), item)) {
                    return claim.getValue();
                }
            } catch (JsonProcessingException ignored) {
                // not a key this reader understands: keep looking
            }
        }
        return null;
    }

    private static boolean sameScalar(Object a, Object b) {
        if (a instanceof Number x && b instanceof Number y) {
            return x.doubleValue() == y.doubleValue();
        }
        return a != null && a.equals(b);
    }
}
