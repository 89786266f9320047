package io.neurostream.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every configuration key of every service, found through {@link ServiceLoader} from
 * {@code META-INF/services/io.neurostream.config.ConfigKeySet}. It generates the configuration
 * reference ({@code neurostream config}, docs/configuration.md) and tells deployment tests which environment
 * variable names are real.
 */
public final class ConfigCatalog {

  /**
   * Variables read outside the key mechanism: {@code NEUROSTREAM_DEBUG=1} prints stack traces,
   * {@code NEUROSTREAM_LOG_LEVEL} sets the root log level (logback.xml).
   */
  public static final Set<String> RESERVED_ENV = Set.of("NEUROSTREAM_DEBUG", "NEUROSTREAM_LOG_LEVEL");

  private static final List<ConfigKeySet> SETS = discover();

  private ConfigCatalog() {}

  /** Every key set on the class path, sorted by service ("common" first). */
  public static List<ConfigKeySet> keySets() {
    return SETS;
  }

  /** The environment variables of all our keys, sorted. */
  public static Set<String> envNames() {
    Set<String> names = new TreeSet<>();
    SETS.forEach(s -> s.keys().forEach(k -> names.add(k.envName())));
    return names;
  }

  /** The dotted names of all our keys, sorted. */
  public static Set<String> keyNames() {
    Set<String> names = new TreeSet<>();
    SETS.forEach(s -> s.keys().forEach(k -> names.add(k.name())));
    return names;
  }

  /** Whether some service reads the key {@code name}. */
  public static boolean isKnownKey(String name) {
    return keyNames().contains(name);
  }

  /**
   * Whether a deployment may set the environment variable {@code name}: one of our keys' variables,
   * a {@linkplain #RESERVED_ENV reserved} one, or {@code KAFKA_*} naming a real Kafka client
   * property ({@code KAFKA_SECURITY_PROTOCOL}).
   */
  public static boolean isKnownEnvName(String name) {
    if (envNames().contains(name) || RESERVED_ENV.contains(name)) {
      return true;
    }
    return name.startsWith(KafkaClientProperties.ENV_PREFIX)
        && KafkaClientProperties.isKnown(KafkaClientProperties.fromEnv(name));
  }

  /** The configuration reference as Markdown: one table per service. */
  public static String markdown() {
    StringBuilder out = new StringBuilder();
    out.append("Layers, later wins: defaults, `--config FILE` (Java properties), environment, flags ")
        .append("(`--set key=value` on every service command). `KAFKA_*` variables and Kafka client ")
        .append("properties in the file (e.g. `security.protocol`, or any `kafka.`-prefixed name) pass ")
        .append("through to the Kafka clients: `KAFKA_SECURITY_PROTOCOL` → `security.protocol`, ")
        .append("`KAFKA_SASL_JAAS_CONFIG` → `sasl.jaas.config`. An empty value counts as not set.\n");
    for (ConfigKeySet set : SETS) {
      out.append("\n### ").append(set.service()).append("\n\n")
          .append("| key | environment | type | default | description |\n")
          .append("| --- | --- | --- | --- | --- |\n");
      for (ConfigKey<?> k : set.keys()) {
        String def = switch (k.presence()) {
          case REQUIRED -> "*required*";
          case OPTIONAL -> "*unset*";
          case DEFAULTED -> "`" + portable(k.formattedDefault()) + "`";
        };
        out.append("| `").append(k.name()).append("` | `").append(k.envName()).append("` | ")
            .append(cell(k.type().describe())).append(" | ").append(def).append(" | ")
            .append(cell(k.doc())).append(k.secret() ? " (secret)" : "").append(" |\n");
      }
    }
    return out.toString();
  }

  /**
   * A default as it reads on any machine: under the temporary directory or the user's home it is
   * written {@code ${java.io.tmpdir}/...} or {@code ~/...}, so the reference does not change with
   * the machine that generated it.
   */
  static String portable(String value) {
    String tmp = trimSeparator(System.getProperty("java.io.tmpdir", ""));
    String home = trimSeparator(System.getProperty("user.home", ""));
    if (tmp.length() > 1 && value.startsWith(tmp + "/")) {
      return "${java.io.tmpdir}" + value.substring(tmp.length());
    }
    if (home.length() > 1 && value.startsWith(home + "/")) {
      return "~" + value.substring(home.length());
    }
    return value;
  }

  private static String trimSeparator(String dir) {
    return dir.endsWith("/") && dir.length() > 1 ? dir.substring(0, dir.length() - 1) : dir;
  }

  private static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  private static List<ConfigKeySet> discover() {
    List<ConfigKeySet> sets = new ArrayList<>();
    ServiceLoader.load(ConfigKeySet.class, ConfigKeySet.class.getClassLoader()).forEach(sets::add);
    sets.sort(Comparator.comparing((ConfigKeySet s) -> !s.service().equals("common"))
        .thenComparing(ConfigKeySet::service));
    return List.copyOf(sets);
  }
}
