package io.driftless.config;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a configuration or values file cannot be used; carries every problem found. */
public class ConfigException extends RuntimeException {

    private final List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(Problem problem) {
        this(List.of(problem));
    }

    public List<Problem> problems() {
        return problems;
    }
}
