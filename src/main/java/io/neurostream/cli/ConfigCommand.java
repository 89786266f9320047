package io.neurostream.cli;

import io.neurostream.config.ConfigCatalog;
import io.neurostream.config.ConfigKey;
import io.neurostream.config.ConfigKeySet;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code neurostream config}: the configuration reference of every service. */
@Command(
    name = "config",
    mixinStandardHelpOptions = true,
    description = {
      "List every configuration key: service, environment variable, default and meaning. "
          + "--markdown prints the reference tables of docs/configuration.md."
    })
public final class ConfigCommand implements Callable<Integer> {

  @Option(names = "--markdown", description = "Print the reference as Markdown tables.")
  boolean markdown;

  @Option(names = "--env-names", description = "Print only the environment variable names, one per line.")
  boolean envNames;

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    if (markdown) {
      out.print(ConfigCatalog.markdown());
    } else if (envNames) {
      ConfigCatalog.envNames().forEach(out::println);
    } else {
      for (ConfigKeySet set : ConfigCatalog.keySets()) {
        out.println("[" + set.service() + "]");
        for (ConfigKey<?> k : set.keys()) {
          String def = switch (k.presence()) {
            case REQUIRED -> "(required)";
            case OPTIONAL -> "(unset)";
            case DEFAULTED -> k.formattedDefault();
          };
          out.printf("  %-32s %-40s %s%n      %s; %s%n", k.name(), k.envName(), def, k.doc(), k.type().describe());
        }
      }
    }
    out.flush();
    return 0;
  }
}
