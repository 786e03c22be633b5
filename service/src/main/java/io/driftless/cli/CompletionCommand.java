package io.driftless.cli;

import java.util.concurrent.Callable;

import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code driftless completion bash|zsh}: a completion script for the shell. */
@Command(name = "completion", mixinStandardHelpOptions = true, description = {"Print a shell completion script.",
        "bash: source <(driftless completion bash); zsh: source <(driftless completion zsh)"})
public final class CompletionCommand implements Callable<Integer> {

    enum Shell { bash, zsh }

    @Parameters(paramLabel = "SHELL", description = "bash or zsh.")
    Shell shell;
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        String script = AutoComplete.bash("driftless", spec.root().commandLine());
        if (shell == Shell.zsh) { // the bash script, through zsh's bash completion layer
            script = "autoload -U +X compinit && compinit\nautoload -U +X bashcompinit && bashcompinit\n" + script;
        }
        spec.commandLine().getOut().print(script);
        spec.commandLine().getOut().flush();
        return 0;
    }
}
