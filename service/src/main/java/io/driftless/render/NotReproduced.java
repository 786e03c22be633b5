package io.driftless.render;

/**
 * A builtin chart version renders these values unlike upstream (a part of that version it does not reproduce, such
 * as another version's bundled subchart): the release is rendered by Helm from the upstream package instead, where
 * there is one ({@code UpstreamCharts}); elsewhere it is an error naming the part.
 */
public final class NotReproduced extends RenderException {

    public NotReproduced(String message) {
        super(message);
    }
}
