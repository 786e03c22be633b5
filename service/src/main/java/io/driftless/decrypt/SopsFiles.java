package io.driftless.decrypt;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.Supplier;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.Yaml;

import io.driftless.config.ConfigException;
import io.driftless.config.Problem;
import io.driftless.config.SafeYaml;

/**
 * The files of a render as the chart sees them: a SOPS-encrypted values layer or manifest file opened in memory
 * (the keys asked for only when a file needs them), every other file as it is. The opened values are handed to the
 * caller, which treats them as secrets wherever they show.
 */
public final class SopsFiles {

    private SopsFiles() {
    }

    /** A values layer, opened when it is SOPS-encrypted. */
    public static SafeYaml.Document layer(SafeYaml.Document doc, Supplier<Keyring> keys, Consumer<Set<String>> secrets) {
        if (!Sops.isEncrypted(doc)) {
            return doc;
        }
        Sops.Decrypted opened = Sops.decrypt(List.of(doc), keys.get());
        secrets.accept(opened.secrets());
        return opened.documents().get(0);
    }

    /**
     * A folder of manifests with each SOPS-encrypted YAML or JSON file opened, written back as plain YAML documents
     * (in memory only).
     *
     * @throws ConfigException every file that does not open, file:line
     */
    public static SortedMap<String, byte[]> folder(String folder, SortedMap<String, byte[]> files, Supplier<Keyring> keys,
                                                   Consumer<Set<String>> secrets) {
        SortedMap<String, byte[]> out = new TreeMap<>(files);
        List<Problem> problems = new ArrayList<>();
        for (var f : files.entrySet()) {
            String name = f.getKey();
            if (!(name.endsWith(".yaml") || name.endsWith(".yml") || name.endsWith(".json"))
                    || f.getValue().length > SafeYaml.MAX_BYTES || !mayBeEncrypted(f.getValue())) {
                continue;
            }
            String file = folder + "/" + name;
            List<SafeYaml.Document> docs;
            try {
                docs = SafeYaml.parseAll(file, new String(f.getValue(), StandardCharsets.UTF_8), SafeYaml.MAX_BYTES);
            } catch (ConfigException e) {
                continue; // the folder's own reading reports what is not YAML
            }
            if (docs.isEmpty() || !Sops.isEncrypted(docs.get(0))) {
                continue;
            }
            try {
                Sops.Decrypted opened = Sops.decrypt(docs, keys.get());
                secrets.accept(opened.secrets());
                out.put(name, yaml(opened.documents()));
            } catch (ConfigException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new ConfigException(problems);
        }
        return out;
    }

    private static boolean mayBeEncrypted(byte[] content) {
        String text = new String(content, StandardCharsets.UTF_8);
        return text.contains("ENC[AES256_GCM,") || text.contains("sops");
    }

    private static byte[] yaml(List<SafeYaml.Document> documents) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        Yaml yaml = new Yaml(options);
        return yaml.dumpAll(documents.stream().map(SafeYaml.Document::value).iterator())
                .getBytes(StandardCharsets.UTF_8);
    }
}
