package io.neurostream.gateway;

import io.neurostream.config.ConfigKey;
import io.neurostream.config.ConfigKeySet;
import io.neurostream.config.Configuration;
import io.neurostream.config.ValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Keys of {@code neurostream gateway}. The Kafka producer's own properties pass through as for
 * every service ({@code KAFKA_*}); the gateway sets {@code acks=all} and idempotence itself.
 */
public final class GatewayKeys implements ConfigKeySet {

  public static final ConfigKey<Integer> PORT = ConfigKey.of(
      "gateway.port", ValueType.port(true), 8080,
      "HTTP(S) port of the DICOMweb STOW-RS endpoint (/dicom-web/studies); 0 picks a free port.");

  public static final ConfigKey<Integer> MAX_INSTANCE_BYTES = ConfigKey.of(
      "gateway.max.instance.bytes", ValueType.intIn(1024, 1 << 30), 64 << 20,
      "Largest DICOM instance (one multipart part) accepted; larger ones fail with 0x0110.");

  public static final ConfigKey<Integer> MAX_REQUEST_MIB = ConfigKey.of(
      "gateway.max.request.mib", ValueType.intIn(1, 1 << 20), 2048,
      "Largest STOW-RS request body in MiB; larger requests are answered 413.");

  public static final ConfigKey<Integer> MAX_REQUESTS_IN_FLIGHT = ConfigKey.of(
      "gateway.max.requests.in.flight", ValueType.intIn(1, 256), 4,
      "Requests stored at once; more wait up to gateway.admission.wait, then get 503 + "
          + "Retry-After (memory stays within in-flight x max.instance.bytes).");

  public static final ConfigKey<Duration> ADMISSION_WAIT = ConfigKey.of(
      "gateway.admission.wait", ValueType.millis(Duration.ZERO, Duration.ofMinutes(5)),
      Duration.ofSeconds(10), "How long a request waits for a free slot before 503.");

  public static final ConfigKey<Duration> ACK_TIMEOUT = ConfigKey.of(
      "gateway.ack.timeout", ValueType.millis(Duration.ofSeconds(2), Duration.ofMinutes(10)),
      Duration.ofSeconds(15), "Longest wait for Kafka to acknowledge a request's scans "
          + "(the producer's delivery.timeout.ms); after it the instances fail with 0xA700.");

  public static final ConfigKey<String> AUTH_BEARER_TOKEN = ConfigKey.optional(
      "gateway.auth.bearer.token", ValueType.string(),
      "When set, requests must send 'Authorization: Bearer <token>'.").asSecret();

  public static final ConfigKey<String> AUTH_BASIC_USER_INFO = ConfigKey.optional(
      "gateway.auth.basic.user.info", ValueType.string(),
      "When set (user:password), requests may authenticate with HTTP basic auth.").asSecret();

  public static final ConfigKey<String> TLS_KEYSTORE_LOCATION = ConfigKey.optional(
      "gateway.tls.keystore.location", ValueType.string(),
      "PKCS12 or JKS key store with the server certificate; when set the endpoint is HTTPS.");

  public static final ConfigKey<String> TLS_KEYSTORE_PASSWORD = ConfigKey.optional(
      "gateway.tls.keystore.password", ValueType.string(),
      "Password of the gateway's key store (and of its key).").asSecret();

  public static final ConfigKey<String> TLS_KEYSTORE_TYPE = ConfigKey.of(
      "gateway.tls.keystore.type", ValueType.oneOf("PKCS12", "JKS"), "PKCS12",
      "Type of the gateway's key store.");

  public static final ConfigKey<String> SOURCE = ConfigKey.of(
      "gateway.source", ValueType.string(), "dicomweb-gateway",
      "The ScanEvent.source of what the gateway publishes (e.g. the PACS's name).");

  public static final ConfigKey<String> PATIENT_KEY_SALT = ConfigKey.optional(
      "patient.key.salt", ValueType.string(),
      "Secret salt of the HMAC-SHA256 that turns DICOM Patient IDs into patient keys (the same "
          + "key as ingest's, so a patient gets one key whichever way it came). Required.")
      .asSecret();

  @Override
  public String service() {
    return "gateway";
  }

  @Override
  public List<ConfigKey<?>> keys() {
    return List.of(PORT, MAX_INSTANCE_BYTES, MAX_REQUEST_MIB, MAX_REQUESTS_IN_FLIGHT,
        ADMISSION_WAIT, ACK_TIMEOUT, AUTH_BEARER_TOKEN, AUTH_BASIC_USER_INFO,
        TLS_KEYSTORE_LOCATION, TLS_KEYSTORE_PASSWORD, TLS_KEYSTORE_TYPE, SOURCE, PATIENT_KEY_SALT);
  }

  @Override
  public List<String> check(Configuration c) {
    List<String> problems = new ArrayList<>();
    if (c.find(PATIENT_KEY_SALT).isEmpty()) {
      problems.add("patient.key.salt is not set; set " + PATIENT_KEY_SALT.envName()
          + " to a secret (the same as ingest's) so that Patient IDs are published only hashed");
    }
    if (c.find(TLS_KEYSTORE_LOCATION).isPresent() && c.find(TLS_KEYSTORE_PASSWORD).isEmpty()) {
      problems.add("gateway.tls.keystore.location is set without gateway.tls.keystore.password; "
          + "set " + TLS_KEYSTORE_PASSWORD.envName());
    }
    if ((long) c.get(MAX_INSTANCE_BYTES) > (long) c.get(MAX_REQUEST_MIB) << 20) {
      problems.add("gateway.max.instance.bytes=" + c.get(MAX_INSTANCE_BYTES) + " exceeds "
          + "gateway.max.request.mib=" + c.get(MAX_REQUEST_MIB) + "; raise the request limit");
    }
    return problems;
  }
}
