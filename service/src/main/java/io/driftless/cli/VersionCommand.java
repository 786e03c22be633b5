package io.driftless.cli;

import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code driftless version}. */
@Command(name = "version", mixinStandardHelpOptions = true, description = "Print Driftless's version.")
public final class VersionCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String v = VersionCommand.class.getPackage().getImplementationVersion();
        spec.commandLine().getOut().println("driftless " + (v == null ? "development build" : v) + " (Java "
                + Runtime.version() + ")");
        spec.commandLine().getOut().flush();
        return 0;
    }
}
