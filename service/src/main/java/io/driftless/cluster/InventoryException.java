package io.driftless.cluster;

/** A target's inventory ConfigMap that cannot be read: nothing is pruned or written until it is fixed. */
public final class InventoryException extends RuntimeException {

    public InventoryException(String message, Throwable cause) {
        super(message, cause);
    }
}
