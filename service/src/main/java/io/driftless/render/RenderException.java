package io.driftless.render;

import java.util.List;

/** Values a chart cannot render; each message names the values key (and file:line when known). */
public class RenderException extends RuntimeException {

    private final List<String> messages;

    public RenderException(List<String> messages) {
        super(String.join("\n", messages));
        this.messages = List.copyOf(messages);
    }

    public RenderException(String message) {
        this(List.of(message));
    }

    public List<String> messages() {
        return messages;
    }
}
