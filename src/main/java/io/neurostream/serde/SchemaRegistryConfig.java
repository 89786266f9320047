package io.neurostream.serde;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;

/**
 * Serde and registry-client settings, read from a Kafka-style property map under the property
 * names Confluent's serdes use, so a properties file written for Confluent works unchanged.
 *
 * @param urls registry base URLs ({@code schema.registry.url}, comma-separated), tried in order
 * @param autoRegisterSchemas {@code auto.register.schemas}: serializers register the record's schema
 * @param useLatestVersion {@code use.latest.version}: serializers write with the subject's latest
 *     schema instead of registering the record's own
 * @param latestCompatibilityStrict {@code latest.compatibility.strict}: with use.latest.version,
 *     refuse a latest schema that cannot read the record's own schema
 * @param latestCacheTtl {@code latest.cache.ttl.sec}: how long a serializer trusts a looked-up latest
 *     version; empty = forever (-1, Confluent's default)
 * @param specificAvroReader {@code specific.avro.reader}: the generic deserializer returns generated
 *     SpecificRecord classes when they are on the class path
 * @param normalizeSchemas {@code normalize.schemas}: ask the registry to normalize on register
 * @param userInfo basic-auth {@code user:password}, from {@code basic.auth.user.info} when
 *     {@code basic.auth.credentials.source=USER_INFO}, or from the URL's user-info part
 * @param tls {@code schema.registry.ssl.*} trust and key stores, if any
 * @param maxRetries {@code max.retries}: retries after a 5xx answer or an I/O error
 * @param retryWait {@code retries.wait.ms}: first back-off; doubles on each retry
 * @param retryMaxWait {@code retries.max.wait.ms}: cap of the back-off
 * @param connectTimeout {@code http.connect.timeout.ms}
 * @param requestTimeout {@code http.read.timeout.ms}: bound of one request, so nothing hangs
 * @param removeJavaProperties {@code avro.remove.java.properties}: serializers register and look up
 *     the record's schema without Avro's Java-only properties ({@code avro.java.string}), i.e. the
 *     contract in {@code schemas/*.avsc}; default true (Confluent's default is false)
 */
public record SchemaRegistryConfig(
    List<URI> urls,
    boolean autoRegisterSchemas,
    boolean useLatestVersion,
    boolean latestCompatibilityStrict,
    Optional<Duration> latestCacheTtl,
    boolean specificAvroReader,
    boolean normalizeSchemas,
    Optional<String> userInfo,
    Optional<Tls> tls,
    int maxRetries,
    Duration retryWait,
    Duration retryMaxWait,
    Duration connectTimeout,
    Duration requestTimeout,
    boolean removeJavaProperties) {

  public static final String URL = "schema.registry.url";
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  public static final String USE_LATEST_VERSION = "use.latest.version";
  public static final String LATEST_COMPATIBILITY_STRICT = "latest.compatibility.strict";
  public static final String LATEST_CACHE_TTL_SEC = "latest.cache.ttl.sec";
  public static final String SPECIFIC_AVRO_READER = "specific.avro.reader";
  public static final String NORMALIZE_SCHEMAS = "normalize.schemas";
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  public static final String SR_BASIC_AUTH_USER_INFO = "schema.registry.basic.auth.user.info";
  public static final String TRUSTSTORE_LOCATION = "schema.registry.ssl.truststore.location";
  public static final String TRUSTSTORE_PASSWORD = "schema.registry.ssl.truststore.password";
  public static final String TRUSTSTORE_TYPE = "schema.registry.ssl.truststore.type";
  public static final String KEYSTORE_LOCATION = "schema.registry.ssl.keystore.location";
  public static final String KEYSTORE_PASSWORD = "schema.registry.ssl.keystore.password";
  public static final String KEYSTORE_TYPE = "schema.registry.ssl.keystore.type";
  public static final String KEY_PASSWORD = "schema.registry.ssl.key.password";
  public static final String MAX_RETRIES = "max.retries";
  public static final String RETRIES_WAIT_MS = "retries.wait.ms";
  public static final String RETRIES_MAX_WAIT_MS = "retries.max.wait.ms";
  public static final String HTTP_CONNECT_TIMEOUT_MS = "http.connect.timeout.ms";
  public static final String HTTP_READ_TIMEOUT_MS = "http.read.timeout.ms";
  public static final String AVRO_REMOVE_JAVA_PROPERTIES = "avro.remove.java.properties";

  /**
   * Key and trust material for HTTPS to the registry. Store types default to JKS like Confluent's;
   * Java 17 reads PKCS12 files through the JKS type too.
   */
  public record Tls(
      Optional<String> truststoreLocation,
      Optional<String> truststorePassword,
      String truststoreType,
      Optional<String> keystoreLocation,
      Optional<String> keystorePassword,
      String keystoreType,
      Optional<String> keyPassword) {}

  public SchemaRegistryConfig {
    urls = List.copyOf(urls);
    if (urls.isEmpty()) {
      throw new ConfigException(URL + " is empty; set it to the registry, e.g. http://localhost:8081");
    }
  }

  /** Reads the settings from Kafka-style properties; fails naming the key and the fix. */
  public static SchemaRegistryConfig from(Map<String, ?> props) {
    String rawUrls = string(props, URL)
        .orElseThrow(() -> new ConfigException(
            URL + " is not set; point it at the schema registry, e.g. http://localhost:8081"));
    List<URI> urls = new ArrayList<>();
    Optional<String> urlUserInfo = Optional.empty();
    for (String part : rawUrls.split(",")) {
      String trimmed = part.trim();
      if (trimmed.isEmpty()) {
        continue;
      }
      URI uri = parseUrl(trimmed);
      if (uri.getRawUserInfo() != null && urlUserInfo.isEmpty()) {
        urlUserInfo = Optional.of(decode(uri.getRawUserInfo()));
      }
      urls.add(withoutUserInfo(uri));
    }

    String source = string(props, BASIC_AUTH_CREDENTIALS_SOURCE).orElse("URL").trim().toUpperCase();
    Optional<String> userInfo = switch (source) {
      case "USER_INFO" -> Optional.of(string(props, BASIC_AUTH_USER_INFO)
          .or(() -> string(props, SR_BASIC_AUTH_USER_INFO))
          .orElseThrow(() -> new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE
              + "=USER_INFO but " + BASIC_AUTH_USER_INFO + " is not set; set it to user:password")));
      case "URL" -> urlUserInfo;
      default -> throw new ConfigException(BASIC_AUTH_CREDENTIALS_SOURCE + "=" + source
          + " is not supported; use USER_INFO (with " + BASIC_AUTH_USER_INFO + ") or URL");
    };
    userInfo.ifPresent(info -> {
      if (!info.contains(":")) {
        throw new ConfigException("basic-auth user info for the schema registry must be user:password"
            + " (got no ':'); fix " + BASIC_AUTH_USER_INFO + " or the URL");
      }
    });

    Optional<Tls> tls = Optional.empty();
    if (string(props, TRUSTSTORE_LOCATION).isPresent() || string(props, KEYSTORE_LOCATION).isPresent()) {
      tls = Optional.of(new Tls(
          string(props, TRUSTSTORE_LOCATION),
          string(props, TRUSTSTORE_PASSWORD),
          string(props, TRUSTSTORE_TYPE).orElse("JKS"),
          string(props, KEYSTORE_LOCATION),
          string(props, KEYSTORE_PASSWORD),
          string(props, KEYSTORE_TYPE).orElse("JKS"),
          string(props, KEY_PASSWORD)));
    }

    long ttl = longValue(props, LATEST_CACHE_TTL_SEC, -1);
    return new SchemaRegistryConfig(
        urls,
        bool(props, AUTO_REGISTER_SCHEMAS, true),
        bool(props, USE_LATEST_VERSION, false),
        bool(props, LATEST_COMPATIBILITY_STRICT, true),
        ttl < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(ttl)),
        bool(props, SPECIFIC_AVRO_READER, false),
        bool(props, NORMALIZE_SCHEMAS, false),
        userInfo,
        tls,
        (int) nonNegative(props, MAX_RETRIES, 3),
        Duration.ofMillis(nonNegative(props, RETRIES_WAIT_MS, 1000)),
        Duration.ofMillis(nonNegative(props, RETRIES_MAX_WAIT_MS, 20_000)),
        Duration.ofMillis(positive(props, HTTP_CONNECT_TIMEOUT_MS, 10_000)),
        Duration.ofMillis(positive(props, HTTP_READ_TIMEOUT_MS, 30_000)),
        bool(props, AVRO_REMOVE_JAVA_PROPERTIES, true));
  }

  /** The registry URLs as one comma-separated string, for messages. */
  public String urlList() {
    return String.join(",", urls.stream().map(URI::toString).toList());
  }

  private static URI parseUrl(String value) {
    try {
      URI uri = new URI(value);
      String scheme = uri.getScheme();
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || uri.getHost() == null) {
        throw new ConfigException(URL + "=" + value
            + " is not an http(s) URL; use e.g. http://localhost:8081");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new ConfigException(URL + "=" + value + " is not a URL (" + e.getReason()
          + "); use e.g. http://localhost:8081");
    }
  }

  private static URI withoutUserInfo(URI uri) {
    try {
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      return new URI(uri.getScheme() + "://" + uri.getHost()
          + (uri.getPort() >= 0 ? ":" + uri.getPort() : "") + path);
    } catch (URISyntaxException e) {
      throw new ConfigException(URL + " has an invalid URL " + uri + ": " + e.getMessage());
    }
  }

  private static String decode(String raw) {
    return java.net.URLDecoder.decode(raw.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
  }

  static Optional<String> string(Map<String, ?> props, String key) {
    Object value = props.get(key);
    if (value == null) {
      return Optional.empty();
    }
    if (value instanceof org.apache.kafka.common.config.types.Password password) {
      return Optional.of(password.value());
    }
    if (value instanceof List<?> list) {
      return Optional.of(String.join(",", list.stream().map(String::valueOf).toList()));
    }
    String text = value.toString();
    return text.isBlank() ? Optional.empty() : Optional.of(text);
  }

  private static boolean bool(Map<String, ?> props, String key, boolean fallback) {
    Optional<String> value = string(props, key);
    if (value.isEmpty()) {
      return fallback;
    }
    String text = value.get().trim();
    if (text.equalsIgnoreCase("true")) {
      return true;
    }
    if (text.equalsIgnoreCase("false")) {
      return false;
    }
    throw new ConfigException(key + "=" + text + " is not a boolean; use true or false");
  }

  private static long longValue(Map<String, ?> props, String key, long fallback) {
    Optional<String> value = string(props, key);
    if (value.isEmpty()) {
      return fallback;
    }
    try {
      return Long.parseLong(value.get().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(key + "=" + value.get() + " is not a whole number; use e.g. "
          + fallback);
    }
  }

  private static long nonNegative(Map<String, ?> props, String key, long fallback) {
    long value = longValue(props, key, fallback);
    if (value < 0) {
      throw new ConfigException(key + "=" + value + " is negative; use 0 or more (default "
          + fallback + ")");
    }
    return value;
  }

  private static long positive(Map<String, ?> props, String key, long fallback) {
    long value = longValue(props, key, fallback);
    if (value <= 0) {
      throw new ConfigException(key + "=" + value + " must be positive (default " + fallback + ")");
    }
    return value;
  }
}
