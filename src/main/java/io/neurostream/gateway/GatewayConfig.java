package io.neurostream.gateway;

import io.neurostream.config.CommonConfig;
import io.neurostream.config.Configuration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Configuration of {@code neurostream gateway}: the common keys and the {@link GatewayKeys}.
 *
 * @param common bootstrap servers, registry, metrics port, passed-through client properties
 * @param port STOW-RS port (0 picks one)
 * @param maxInstanceBytes largest instance accepted
 * @param maxRequestBytes largest request body accepted
 * @param maxRequestsInFlight requests stored at once
 * @param admissionWait how long a request waits for a slot before 503
 * @param ackTimeout longest wait for Kafka's acknowledgement
 * @param bearerToken required bearer token, if any
 * @param basicUserInfo accepted basic credentials {@code user:password}, if any
 * @param tls the HTTPS key store, if any
 * @param source the ScanEvent source
 * @param patientKeySalt salt of the patient key HMAC
 */
public record GatewayConfig(
    CommonConfig common,
    int port,
    int maxInstanceBytes,
    long maxRequestBytes,
    int maxRequestsInFlight,
    Duration admissionWait,
    Duration ackTimeout,
    Optional<String> bearerToken,
    Optional<String> basicUserInfo,
    Optional<Tls> tls,
    String source,
    String patientKeySalt) {

  /** An HTTPS key store. */
  public record Tls(Path keystore, String password, String type) {
    @Override
    public String toString() {
      return "Tls[keystore=" + keystore + ", type=" + type + "]";
    }
  }

  /** Reads the gateway's configuration (load it with CommonKeys and GatewayKeys). */
  public static GatewayConfig from(Configuration c) {
    Optional<Tls> tls = c.find(GatewayKeys.TLS_KEYSTORE_LOCATION).map(location -> new Tls(
        Path.of(location), c.find(GatewayKeys.TLS_KEYSTORE_PASSWORD).orElse(""),
        c.get(GatewayKeys.TLS_KEYSTORE_TYPE)));
    return new GatewayConfig(
        CommonConfig.from(c),
        c.get(GatewayKeys.PORT),
        c.get(GatewayKeys.MAX_INSTANCE_BYTES),
        (long) c.get(GatewayKeys.MAX_REQUEST_MIB) << 20,
        c.get(GatewayKeys.MAX_REQUESTS_IN_FLIGHT),
        c.get(GatewayKeys.ADMISSION_WAIT),
        c.get(GatewayKeys.ACK_TIMEOUT),
        c.find(GatewayKeys.AUTH_BEARER_TOKEN),
        c.find(GatewayKeys.AUTH_BASIC_USER_INFO),
        tls,
        c.get(GatewayKeys.SOURCE),
        c.find(GatewayKeys.PATIENT_KEY_SALT).orElseThrow(() -> new IllegalArgumentException(
            "patient.key.salt is not set; set NEUROSTREAM_PATIENT_KEY_SALT")));
  }

  @Override
  public String toString() {
    return "GatewayConfig[common=" + common + ", port=" + port + ", maxInstanceBytes="
        + maxInstanceBytes + ", maxRequestBytes=" + maxRequestBytes + ", maxRequestsInFlight="
        + maxRequestsInFlight + ", ackTimeout=" + ackTimeout + ", auth="
        + (bearerToken.isPresent() ? "bearer " : "") + (basicUserInfo.isPresent() ? "basic" : "")
        + ", tls=" + tls + ", source=" + source + "]";
  }
}
