package io.neurostream.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a configuration value is read from text and what it may be. {@link #parse} throws an
 * {@link IllegalArgumentException} whose message says what is wrong with the text ("is not an
 * integer"); {@link #describe} says what would be right ("an integer in 1..1024"), which is both
 * the fix in error messages and the type column of the configuration reference.
 *
 * <p>The factories cover what services need (ints with ranges, durations, enums, URLs, paths,
 * host:port lists); a service may implement its own.
 *
 * @param <T> the typed value
 */
public interface ValueType<T> {

  /** Reads {@code raw} (already trimmed, never empty) or throws with what is wrong. */
  T parse(String raw);

  /** What a valid value looks like, e.g. "an integer in 1..1024". */
  String describe();

  /** The value as a user would write it (for defaults in the reference and in messages). */
  default String format(T value) {
    return String.valueOf(value);
  }

  /** Any text. */
  static ValueType<String> string() {
    return new Simple<>("text", s -> s);
  }

  /** One of a fixed set of words, case-insensitive; returns the word as declared. */
  static ValueType<String> oneOf(String... choices) {
    List<String> allowed = List.of(choices);
    return new Simple<>("one of " + String.join(", ", allowed), s -> allowed.stream()
        .filter(c -> c.equalsIgnoreCase(s))
        .findFirst()
        .orElseThrow(() -> new IllegalArgumentException("is not one of " + String.join(", ", allowed))));
  }

  /** A constant of {@code type}, case-insensitive; documented in lower case. */
  static <E extends Enum<E>> ValueType<E> enumOf(Class<E> type) {
    String names = Arrays.stream(type.getEnumConstants())
        .map(e -> e.name().toLowerCase(Locale.ROOT)).collect(Collectors.joining(", "));
    return new ValueType<>() {
      @Override
      public E parse(String raw) {
        for (E e : type.getEnumConstants()) {
          if (e.name().equalsIgnoreCase(raw)) {
            return e;
          }
        }
        throw new IllegalArgumentException("is not one of " + names);
      }

      @Override
      public String describe() {
        return "one of " + names;
      }

      @Override
      public String format(E value) {
        return value.name().toLowerCase(Locale.ROOT);
      }
    };
  }

  /** {@code true} or {@code false}. */
  static ValueType<Boolean> bool() {
    return new Simple<>("true or false", s -> {
      if (s.equalsIgnoreCase("true")) {
        return Boolean.TRUE;
      }
      if (s.equalsIgnoreCase("false")) {
        return Boolean.FALSE;
      }
      throw new IllegalArgumentException("is not true or false");
    });
  }

  /** A whole number in {@code min..max}. */
  static ValueType<Integer> intIn(int min, int max) {
    String rule = "an integer in " + min + ".." + max;
    return new Simple<>(rule, s -> {
      long v;
      try {
        v = Long.parseLong(s.replace("_", ""));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException("is not an integer");
      }
      if (v < min || v > max) {
        throw new IllegalArgumentException("is outside " + min + ".." + max);
      }
      return (int) v;
    });
  }

  /** A TCP port; {@code 0} allowed when {@code allowZero} (pick a free port). */
  static ValueType<Integer> port(boolean allowZero) {
    return intIn(allowZero ? 0 : 1, 65535);
  }

  /**
   * A duration in {@code min..max}: a plain number in milliseconds (Kafka's {@code *.ms}
   * convention), a number with a unit ({@code 50ms}, {@code 2s}, {@code 5m}, {@code 1h},
   * {@code 1d}) or ISO-8601 ({@code PT2S}).
   */
  static ValueType<Duration> millis(Duration min, Duration max) {
    String rule = "a duration in " + min.toMillis() + ".." + max.toMillis() + " ms (e.g. 500, 2s, 5m)";
    Pattern withUnit = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)", Pattern.CASE_INSENSITIVE);
    return new ValueType<>() {
      @Override
      public Duration parse(String raw) {
        Duration d;
        Matcher m = withUnit.matcher(raw);
        try {
          if (raw.matches("-?\\d+")) {
            d = Duration.ofMillis(Long.parseLong(raw));
          } else if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            d = switch (m.group(2).toLowerCase(Locale.ROOT)) {
              case "ms" -> Duration.ofMillis(n);
              case "s" -> Duration.ofSeconds(n);
              case "m" -> Duration.ofMinutes(n);
              case "h" -> Duration.ofHours(n);
              default -> Duration.ofDays(n);
            };
          } else {
            d = Duration.parse(raw.toUpperCase(Locale.ROOT));
          }
        } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
          throw new IllegalArgumentException("is not a duration");
        }
        if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
          throw new IllegalArgumentException("is outside " + min.toMillis() + ".." + max.toMillis() + " ms");
        }
        return d;
      }

      @Override
      public String describe() {
        return rule;
      }

      @Override
      public String format(Duration value) {
        return Long.toString(value.toMillis());
      }
    };
  }

  /** One or more comma-separated {@code http} or {@code https} URLs (Confluent's registry list). */
  static ValueType<List<URI>> httpUrls() {
    return new ValueType<>() {
      @Override
      public List<URI> parse(String raw) {
        List<URI> urls = new ArrayList<>();
        for (String part : raw.split(",")) {
          String s = part.trim();
          URI uri;
          try {
            uri = new URI(s);
          } catch (URISyntaxException e) {
            throw new IllegalArgumentException("has a malformed URL '" + s + "'");
          }
          if (uri.getScheme() == null
              || !(uri.getScheme().equalsIgnoreCase("http") || uri.getScheme().equalsIgnoreCase("https"))
              || uri.getHost() == null) {
            throw new IllegalArgumentException("has '" + s + "', which is not an http(s)://host[:port] URL");
          }
          urls.add(uri);
        }
        return List.copyOf(urls);
      }

      @Override
      public String describe() {
        return "http(s) URLs, comma-separated";
      }

      @Override
      public String format(List<URI> value) {
        return value.stream().map(URI::toString).collect(Collectors.joining(","));
      }
    };
  }

  /** Kafka's {@code host:port[,host:port...]}; kept as the normalized text Kafka clients expect. */
  static ValueType<String> hostPorts() {
    Pattern hostPort = Pattern.compile("(\\[[0-9a-fA-F:.]+\\]|[A-Za-z0-9._-]+):(\\d{1,5})");
    return new Simple<>("host:port, comma-separated", raw -> {
      List<String> parts = new ArrayList<>();
      for (String part : raw.split(",")) {
        String s = part.trim();
        Matcher m = hostPort.matcher(s);
        if (!m.matches() || Integer.parseInt(m.group(2)) > 65535) {
          throw new IllegalArgumentException("has '" + s + "', which is not host:port");
        }
        parts.add(s);
      }
      return String.join(",", parts);
    });
  }

  /** A file-system path; it need not exist yet. */
  static ValueType<Path> path() {
    return new Simple<>("a path", s -> {
      try {
        return Path.of(s);
      } catch (InvalidPathException e) {
        throw new IllegalArgumentException("is not a valid path (" + e.getReason() + ")");
      }
    });
  }

  /** A path to a file or directory that exists now. */
  static ValueType<Path> existingPath() {
    return new Simple<>("an existing file or directory", s -> {
      Path p = path().parse(s);
      if (!Files.exists(p)) {
        throw new IllegalArgumentException("does not exist");
      }
      return p;
    });
  }

  /** A type from a description and a parsing function. */
  record Simple<T>(String describe, java.util.function.Function<String, T> parser) implements ValueType<T> {
    @Override
    public T parse(String raw) {
      return parser.apply(raw);
    }
  }
}
