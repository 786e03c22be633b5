package io.driftless.app;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code driftless} command line. */
@Command(name = "driftless", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "GitOps sync for Kubernetes fleets: renders values-driven releases from Git, "
                + "applies them to every target cluster with pruning, and reports drift.",
        subcommands = {RunCommand.class, io.driftless.cli.ValidateCommand.class, io.driftless.cli.GetCommand.class,
                io.driftless.cli.DiffCommand.class, io.driftless.cli.SyncCommand.class,
                io.driftless.cli.HistoryCommand.class, io.driftless.cli.RefreshCommand.class,
                io.driftless.cli.SuspendCommand.Suspend.class, io.driftless.cli.SuspendCommand.Resume.class,
                io.driftless.cli.RolloutCommand.class, io.driftless.cli.PinCommand.Rollback.class,
                io.driftless.cli.PinCommand.Unpin.class, io.driftless.cli.LoginCommand.class,
                io.driftless.cli.HashPasswordCommand.class,
                RenderCommand.class,
                io.driftless.cli.VersionCommand.class, io.driftless.cli.CompletionCommand.class,
                CommandLine.HelpCommand.class})
public final class Main {

    static {
        AsyncPool.ensure(); // before any class completes an HTTP response
    }

    public static void main(String[] args) {
        int code = run(args, new java.io.PrintWriter(System.out, true), new java.io.PrintWriter(System.err, true));
        if (code != 0 || !keepsRunning(args)) {
            System.exit(code);
        }
    }

    /** Runs a command line, printing to these writers; answers the exit code. */
    public static int run(String[] args, java.io.PrintWriter out, java.io.PrintWriter err) {
        CommandLine cli = new CommandLine(new Main());
        java.util.ServiceLoader.load(ExtraCommand.class).forEach(cli::addSubcommand);
        return cli.setCaseInsensitiveEnumValuesAllowed(true).setOut(out).setErr(err)
                .setExecutionExceptionHandler((e, cmd, parsed) -> {
                    err.println("driftless: " + e.getMessage());
                    err.flush();
                    return e instanceof io.driftless.cli.CliException c ? c.exitCode() : 1;
                })
                .execute(args);
    }

    private static boolean keepsRunning(String[] args) {
        return args.length > 0 && (args[0].equals("demo") || args[0].equals("run"));
    }

    /** Configures slf4j-simple before the first logger is created. */
    public static void configureLogging(String level) {
        setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
        setIfAbsent("org.slf4j.simpleLogger.showDateTime", "true");
        setIfAbsent("org.slf4j.simpleLogger.dateTimeFormat", "yyyy-MM-dd'T'HH:mm:ss.SSSX");
        setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
        setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
        setIfAbsent("org.slf4j.simpleLogger.log.io.fabric8", "warn");
        // an informer whose list is refused (forbidden, not served) logs its stack trace at ERROR and stops; Watches
        // says so in one line and tries again later
        setIfAbsent("org.slf4j.simpleLogger.log.io.fabric8.kubernetes.client.informers.impl.cache.Reflector", "off");
        setIfAbsent("org.slf4j.simpleLogger.log.org.eclipse.jgit", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.io.vertx", "warn");
        setIfAbsent("org.slf4j.simpleLogger.log.io.netty", "warn");
        MOCK_SERVER_LOG.setLevel(java.util.logging.Level.WARNING);
    }

    /** Held strongly: java.util.logging forgets the level of loggers nobody references. */
    private static final java.util.logging.Logger MOCK_SERVER_LOG = java.util.logging.Logger.getLogger("io.fabric8.mockwebserver");

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null) {
            System.setProperty(key, value);
        }
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"driftless " + (v == null ? "development build" : v)};
        }
    }
}
