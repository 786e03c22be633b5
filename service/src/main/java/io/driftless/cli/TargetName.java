package io.driftless.cli;

/** A target named on the command line as {@code CLUSTER/RELEASE}. */
final class TargetName {

    private TargetName() {
    }

    static String check(String target) {
        if (target == null || !target.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-a-z0-9]*[a-z0-9])?")) {
            throw new CliException("'" + target + "' is not a target: write CLUSTER/RELEASE, e.g. prod/prefect", 2);
        }
        return target;
    }
}
