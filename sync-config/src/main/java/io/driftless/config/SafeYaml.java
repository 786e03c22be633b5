package io.driftless.config;

import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.composer.Composer;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.resolver.Resolver;

/**
 * Parses untrusted YAML (fleet files, values files from Git): safe constructor only, no
 * duplicate keys, bounded size, aliases and nesting; remembers the line of every key so
 * later validation can point at it.
 */
public final class SafeYaml {

    /** Largest document accepted, in bytes. */
    public static final int MAX_BYTES = 2 * 1024 * 1024;
    private static final int MAX_ALIASES = 50;
    private static final int MAX_DEPTH = 64;
    /**
     * Nodes a document may hold once its aliases are expanded: a few aliases of aliases can stand for millions
     * of nodes (a "billion laughs"), and everything that reads the document walks the expanded tree.
     */
    public static final int MAX_NODES = 200_000;

    private SafeYaml() {
    }

    /**
     * A parsed document: its plain Java value, the line of each key path, and the text of each whole number that
     * YAML 1.1 reads otherwise than it is written ({@code 0777} is 511, {@code 0x1F} 31, {@code 1:30} 90).
     */
    public record Document(String file, Object value, Map<String, Integer> lines, Map<String, String> numerals) {

        public Document(String file, Object value, Map<String, Integer> lines) {
            this(file, value, lines, Map.of());
        }

        /**
         * The text a whole number at this key path was written as, when YAML read it as another number (an octal,
         * hexadecimal, binary or sexagesimal numeral, a sign or underscores); empty for text and plain decimals.
         */
        public java.util.Optional<String> writtenAs(String path) {
            return java.util.Optional.ofNullable(numerals.get(path));
        }

        /** Line of a key path, falling back to the nearest enclosing key; 0 when unknown. */
        public int lineOf(String path) {
            String p = path;
            while (true) {
                Integer line = lines.get(p);
                if (line != null) {
                    return line;
                }
                int cut = Math.max(p.lastIndexOf('.'), p.lastIndexOf('['));
                if (cut <= 0) {
                    return lines.getOrDefault("", 0);
                }
                p = p.substring(0, cut);
            }
        }

        public Problem problem(String path, String message) {
            return new Problem(file, lineOf(path), path, message);
        }

        /** The document as a map; an empty document is an empty map. */
        @SuppressWarnings("unchecked")
        public Map<String, Object> asMap() {
            if (value == null) {
                return new LinkedHashMap<>();
            }
            if (!(value instanceof Map)) {
                throw new ConfigException(new Problem(file, lines.getOrDefault("", 1), "",
                        "expected a mapping at the top level, found " + typeName(value)));
            }
            return (Map<String, Object>) value;
        }
    }

    public static Document parse(String file, byte[] content) {
        if (content.length > MAX_BYTES) {
            throw new ConfigException(new Problem(file, 0, "",
                    "file is " + content.length + " bytes; the limit is " + MAX_BYTES));
        }
        return parse(file, utf8(file, content));
    }

    /**
     * The text of a file that must be UTF-8. Invalid bytes are refused with their line rather than decoded to
     * replacement characters, which would otherwise reach the cluster as silently changed values.
     */
    private static String utf8(String file, byte[] content) {
        ByteBuffer in = ByteBuffer.wrap(content);
        CharBuffer out = CharBuffer.allocate(content.length); // UTF-8 never has more characters than bytes
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) {
            result = decoder.flush(out);
        }
        if (result.isError()) {
            int bad = in.position();
            int line = 1;
            for (int i = 0; i < bad; i++) {
                if (content[i] == '\n') {
                    line++;
                }
            }
            throw new ConfigException(new Problem(file, line, "", String.format("is not valid UTF-8 (byte 0x%02X); "
                    + "save the file as UTF-8", content[bad] & 0xff)));
        }
        return out.flip().toString();
    }

    public static Document parse(String file, String text) {
        LoaderOptions options = loaderOptions();
        Tracking parser = new Tracking(new ParserImpl(new StreamReader(new StringReader(text)), options));
        try {
            Node root = new Composer(parser, new Resolver(), options).getSingleNode();
            return root == null ? new Document(file, null, Map.of()) : document(file, root, options);
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            int line = mark == null ? 0 : mark.getLine() + 1;
            String what = e.getProblem() != null ? e.getProblem() : e.getMessage();
            if (e.getContext() != null && e.getContext().contains("found duplicate key")) {
                what = "duplicate key (" + e.getContext().trim() + ")";
            }
            throw new ConfigException(new Problem(file, line, "", "invalid YAML: " + clean(what)));
        } catch (ReaderException e) {
            throw new ConfigException(new Problem(file, lineAt(text, e.getPosition()), "", String.format(
                    "invalid YAML: special characters are not allowed (U+%04X)", e.getCodePoint())));
        } catch (YAMLException e) {
            throw new ConfigException(new Problem(file, parser.line(), "", "invalid YAML: " + clean(e.getMessage())));
        }
    }

    /**
     * A parser that remembers where its last event was: the composer refuses too many aliases and too deep a nesting
     * without a position, right after it took (or looked at) the event that went over the limit.
     */
    private static final class Tracking implements Parser {
        private final Parser parser;
        private Mark mark;

        Tracking(Parser parser) {
            this.parser = parser;
        }

        /** The 1-based line of the last event taken or looked at; 0 before the first. */
        int line() {
            return mark == null ? 0 : mark.getLine() + 1;
        }

        private Event seen(Event event) {
            if (event != null) {
                mark = event.getStartMark();
            }
            return event;
        }

        @Override
        public boolean checkEvent(Event.ID choice) {
            boolean is = parser.checkEvent(choice);
            seen(parser.peekEvent());
            return is;
        }

        @Override
        public Event peekEvent() {
            return seen(parser.peekEvent());
        }

        @Override
        public Event getEvent() {
            return seen(parser.getEvent());
        }
    }

    /** The 1-based line of a code point of the text. */
    private static int lineAt(String text, int codePoint) {
        return 1 + (int) text.codePoints().limit(Math.max(0, codePoint)).filter(c -> c == '\n').count();
    }

    /**
     * Every document of a multi-document stream ({@code ---} between them), empty ones left out; lines count from
     * the start of the stream. The byte limit is the caller's (rendered output may be larger than a values file);
     * the expanded-node limit holds per document.
     */
    public static List<Document> parseAll(String file, String text, int maxBytes) {
        if (text.length() > maxBytes) {
            throw new ConfigException(new Problem(file, 0, "", "is " + text.length() + " characters; the limit is "
                    + maxBytes));
        }
        LoaderOptions options = loaderOptions();
        options.setCodePointLimit(maxBytes);
        Tracking parser = new Tracking(new ParserImpl(new StreamReader(new StringReader(text)), options));
        Composer composer = new Composer(parser, new Resolver(), options);
        List<Document> out = new java.util.ArrayList<>();
        try {
            while (composer.checkNode()) {
                Node root = composer.getNode();
                Document doc = root == null ? null : document(file, root, options);
                if (doc != null && doc.value() != null) {
                    out.add(doc);
                }
            }
            return out;
        } catch (MarkedYAMLException e) {
            Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
            throw new ConfigException(new Problem(file, mark == null ? 0 : mark.getLine() + 1, "", "invalid YAML: "
                    + clean(e.getProblem() != null ? e.getProblem() : e.getMessage())));
        } catch (YAMLException e) {
            throw new ConfigException(new Problem(file, parser.line(), "", "invalid YAML: " + clean(e.getMessage())));
        }
    }

    /** One composed document: its lines indexed (nodes counted, duplicate keys refused), then its value built. */
    private static Document document(String file, Node root, LoaderOptions options) {
        Map<String, Integer> lines = new HashMap<>();
        Map<String, String> numerals = new HashMap<>();
        String duplicate = new Indexer(file, lines, numerals).index(root, "");
        if (duplicate != null) {
            throw new ConfigException(new Problem(file, lines.get(duplicate), duplicate,
                    "duplicate key (an earlier line sets it too)"));
        }
        return new Document(file, new TreeConstructor(options).build(root), lines, numerals);
    }

    private static String clean(String message) {
        return message == null ? "unreadable document" : message.replaceAll("\\s+", " ").trim();
    }

    static LoaderOptions loaderOptions() {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setMaxAliasesForCollections(MAX_ALIASES);
        options.setAllowRecursiveKeys(false);
        options.setNestingDepthLimit(MAX_DEPTH);
        options.setCodePointLimit(MAX_BYTES);
        options.setProcessComments(false);
        return options;
    }

    /** A whole number as YAML writes it in decimal: what reads back as the text written. */
    private static final Pattern DECIMAL = Pattern.compile("0|-?[1-9][0-9]*");

    /**
     * Records the line of every key path and the text of every whole number written otherwise than in decimal,
     * counting nodes as aliases expand them.
     */
    private static final class Indexer {
        private final String file;
        private final Map<String, Integer> lines;
        private final Map<String, String> numerals;
        /** The collections being indexed, outermost first: an alias to one of them would never end. */
        private final java.util.Set<Node> open =
                java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        private int nodes;

        Indexer(String file, Map<String, Integer> lines, Map<String, String> numerals) {
            this.file = file;
            this.lines = lines;
            this.numerals = numerals;
        }

        /** @return the first duplicated key path, or null */
        String index(Node node, String path) {
            if (++nodes > MAX_NODES) {
                throw new ConfigException(new Problem(file, node.getStartMark().getLine() + 1, path,
                        "the document expands to more than " + MAX_NODES + " nodes (aliases of aliases multiply "
                        + "what they refer to); refusing to read it"));
            }
            lines.putIfAbsent(path, node.getStartMark().getLine() + 1);
            if (node instanceof ScalarNode scalar && Tag.INT.equals(scalar.getTag())
                    && scalar.getScalarStyle() == DumperOptions.ScalarStyle.PLAIN
                    && !DECIMAL.matcher(scalar.getValue()).matches()) {
                numerals.put(path, scalar.getValue());
            }
            if (!(node instanceof ScalarNode) && !open.add(node)) {
                throw new ConfigException(new Problem(file, lines.get(path), path,
                        "an alias refers to a mapping or list that contains it, so the document never ends; "
                        + "refusing to read it"));
            }
            try {
                return indexChildren(node, path);
            } finally {
                open.remove(node);
            }
        }

        private String indexChildren(Node node, String path) {
            String duplicate = null;
            if (node instanceof MappingNode map) {
                java.util.Set<String> seen = new java.util.HashSet<>();
                for (NodeTuple tuple : map.getValue()) {
                    if (tuple.getKeyNode() instanceof ScalarNode key) {
                        String child = path.isEmpty() ? key.getValue() : path + "." + key.getValue();
                        lines.put(child, key.getStartMark().getLine() + 1);
                        if (!seen.add(key.getValue()) && duplicate == null) {
                            duplicate = child;
                        }
                        String nested = index(tuple.getValueNode(), child);
                        duplicate = duplicate == null ? nested : duplicate;
                    }
                }
            } else if (node instanceof SequenceNode seq) {
                List<Node> items = seq.getValue();
                for (int i = 0; i < items.size(); i++) {
                    String nested = index(items.get(i), path + "[" + i + "]");
                    duplicate = duplicate == null ? nested : duplicate;
                }
            }
            return duplicate;
        }
    }

    public static String typeName(Object value) {
        if (value == null) {
            return "null";
        }
        if (value instanceof Map) {
            return "a mapping";
        }
        if (value instanceof List) {
            return "a list";
        }
        if (value instanceof String) {
            return "a string";
        }
        if (value instanceof Boolean) {
            return "a boolean";
        }
        if (value instanceof Number) {
            return "a number";
        }
        return value.getClass().getSimpleName();
    }

    /** Gives access to the safe constructor's node-to-object conversion. */
    private static final class TreeConstructor extends SafeConstructor {
        TreeConstructor(LoaderOptions options) {
            super(options);
            // Helm reads values as JSON: timestamps stay strings, and !!binary is the text it encodes
            yamlConstructors.put(Tag.TIMESTAMP, new ConstructYamlStr());
            yamlConstructors.put(Tag.BINARY, new org.yaml.snakeyaml.constructor.AbstractConstruct() {
                @Override
                public Object construct(Node node) {
                    String encoded = ((ScalarNode) node).getValue().replaceAll("\\s", "");
                    try {
                        return new String(java.util.Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
                    } catch (IllegalArgumentException e) {
                        throw new org.yaml.snakeyaml.constructor.ConstructorException(null, null,
                                "!!binary is not base64: " + e.getMessage(), node.getStartMark()) {
                        };
                    }
                }
            });
        }

        Object build(Node node) {
            return constructObject(node);
        }
    }
}
