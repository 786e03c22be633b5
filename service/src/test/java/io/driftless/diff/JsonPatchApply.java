package io.driftless.diff;

import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.fabric8.zjsonpatch.JsonPatch;

/** Applies a JSON Patch the way the API server does (zjsonpatch, also used by the mock server). */
final class JsonPatchApply {

    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonPatchApply() {
    }

    static Map<String, Object> apply(Map<String, Object> target, List<Map<String, Object>> patch) {
        JsonNode result = JsonPatch.apply(JSON.valueToTree(patch), JSON.valueToTree(target));
        return JSON.convertValue(result, new TypeReference<Map<String, Object>>() {
        });
    }
}
