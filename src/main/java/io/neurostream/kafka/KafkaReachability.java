package io.neurostream.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * A bounded wait for the Kafka cluster at start-up, so that a command pointed at the wrong
 * address fails within the wait with one line naming the flag to fix, instead of retrying for
 * minutes while Kafka's clients log a warning per reconnect.
 *
 * <p>Two steps: first a plain TCP connect to a bootstrap address, retried quietly until one
 * accepts (nothing listening, unknown host); then one Kafka request (describe cluster) with the
 * remaining time, which also proves the security settings. Kafka's own clients are created only
 * after the first step has succeeded, so an address with nothing behind it logs nothing.
 */
public final class KafkaReachability {

  /** Where the bootstrap address comes from, for messages: the flag and the property. */
  public static final String FIX = "--bootstrap (bootstrap.servers, env KAFKA_BOOTSTRAP_SERVERS)";
  private static final Duration CONNECT_ATTEMPT = Duration.ofSeconds(2);
  private static final Duration RETRY_PAUSE = Duration.ofMillis(250);

  private KafkaReachability() {}

  /** Kafka did not answer within the wait, or refused us; the message names the fix. */
  public static final class UnreachableException extends RuntimeException {
    UnreachableException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Returns once the cluster at {@code clientProperties}' {@code bootstrap.servers} answers a
   * request, or throws {@link UnreachableException} after {@code wait}.
   *
   * @param waitKey how to change {@code wait}, for the message, e.g. {@code --set
   *     bootstrap.wait.ms=MS}
   */
  public static void await(Map<String, Object> clientProperties, Duration wait, String waitKey) {
    String bootstrap = String.valueOf(clientProperties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
    long deadline = System.nanoTime() + wait.toNanos();
    String why = awaitTcp(bootstrap, deadline);
    if (why != null) {
      throw new UnreachableException("Kafka is not reachable at " + bootstrap + " (" + why
          + ") within " + seconds(wait) + "; check " + FIX + " and that the brokers are up, or "
          + "wait longer with " + waitKey, null);
    }
    long remainingMs = Math.max(1000, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
    Map<String, Object> props = new HashMap<>(clientProperties);
    props.put(AdminClientConfig.CLIENT_ID_CONFIG, "neurostream-reachability");
    props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) remainingMs);
    props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) remainingMs);
    try (Admin admin = Admin.create(props)) {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) remainingMs))
          .clusterId().get(remainingMs + 1000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw failed(bootstrap, wait, waitKey, e.getCause());
    } catch (TimeoutException e) {
      throw failed(bootstrap, wait, waitKey, e);
    } catch (KafkaException e) {
      throw failed(bootstrap, wait, waitKey, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UnreachableException("interrupted while waiting for Kafka at " + bootstrap, e);
    }
  }

  private static UnreachableException failed(String bootstrap, Duration wait, String waitKey,
      Throwable cause) {
    String detail = (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage())
        .replaceAll("\\s*\\R\\s*", " ");
    if (cause instanceof SslAuthenticationException) {
      return new UnreachableException("Kafka at " + bootstrap + " failed the TLS handshake: " + detail
          + "; check ssl.truststore.location and ssl.truststore.type (the CA of the brokers' "
          + "certificates, KAFKA_SSL_TRUSTSTORE_LOCATION) and ssl.endpoint.identification.algorithm",
          cause);
    }
    if (cause instanceof AuthenticationException || cause instanceof AuthorizationException) {
      return new UnreachableException("Kafka at " + bootstrap + " refused this client: " + detail
          + "; check sasl.jaas.config (user and password), sasl.mechanism and security.protocol "
          + "(KAFKA_SASL_JAAS_CONFIG, KAFKA_SASL_MECHANISM, KAFKA_SECURITY_PROTOCOL)", cause);
    }
    return new UnreachableException("Kafka at " + bootstrap + " accepts connections but did not "
        + "answer within " + seconds(wait) + " (" + detail + "); check " + FIX
        + ", security.protocol (a TLS or SASL listener?) and the brokers' health, or wait longer "
        + "with " + waitKey, cause);
  }

  /** Null once a bootstrap address accepts a TCP connection, else why none did by the deadline. */
  private static String awaitTcp(String bootstrap, long deadline) {
    List<InetSocketAddress> addresses = new ArrayList<>();
    for (String part : bootstrap.split(",")) {
      String hostPort = part.trim();
      int colon = hostPort.lastIndexOf(':');
      if (hostPort.isEmpty() || colon < 1) {
        return "'" + hostPort + "' is not host:port";
      }
      String host = hostPort.substring(0, colon).replace("[", "").replace("]", "");
      int port;
      try {
        port = Integer.parseInt(hostPort.substring(colon + 1));
      } catch (NumberFormatException e) {
        return "'" + hostPort + "' has no port number";
      }
      addresses.add(InetSocketAddress.createUnresolved(host, port));
    }
    String last = "no address";
    do {
      for (InetSocketAddress a : addresses) {
        InetSocketAddress resolved = new InetSocketAddress(a.getHostString(), a.getPort());
        if (resolved.isUnresolved()) {
          last = "unknown host " + a.getHostString();
          continue;
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        int timeout = (int) Math.max(100, Math.min(CONNECT_ATTEMPT.toMillis(), left));
        try (Socket s = new Socket()) {
          s.connect(resolved, timeout);
          return null;
        } catch (IOException e) {
          last = (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage())
              .toLowerCase(java.util.Locale.ROOT);
        }
      }
      try {
        Thread.sleep(RETRY_PAUSE.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return "interrupted";
      }
    } while (System.nanoTime() < deadline);
    return last;
  }

  private static String seconds(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }
}
