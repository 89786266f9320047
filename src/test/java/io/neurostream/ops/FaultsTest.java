package io.neurostream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.serde.SchemaRegistryException;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.junit.jupiter.api.Test;

class FaultsTest {

  private static SchemaRegistryException registry(int status, int code) {
    return new SchemaRegistryException("registry said " + status, status, code);
  }

  @Test
  void shouldCallARegistryThatDidNotAnswerOrFailedOnItsSideTransient() {
    assertThat(Faults.classify(registry(0, 0))).isEqualTo(Faults.Kind.TRANSIENT);
    assertThat(Faults.classify(registry(503, 50301))).isEqualTo(Faults.Kind.TRANSIENT);
    assertThat(Faults.classify(registry(500, 50001))).isEqualTo(Faults.Kind.TRANSIENT);
    assertThat(Faults.classify(registry(429, 0))).isEqualTo(Faults.Kind.TRANSIENT);
  }

  @Test
  void shouldCallARegistryAnswerAboutTheDataOrTheCredentialsPermanent() {
    assertThat(Faults.classify(registry(404, SchemaRegistryException.SCHEMA_NOT_FOUND)))
        .isEqualTo(Faults.Kind.PERMANENT);
    assertThat(Faults.classify(registry(409, SchemaRegistryException.INCOMPATIBLE_SCHEMA)))
        .isEqualTo(Faults.Kind.PERMANENT);
    assertThat(Faults.classify(registry(401, 40101))).isEqualTo(Faults.Kind.PERMANENT);
  }

  @Test
  void shouldLookThroughWrappersToTheCauseThatDecides() {
    // the serde wraps the registry's failure; the scan, release and label paths all see this
    SerializationException unreachable = new SerializationException("could not fetch schema 7",
        new SchemaRegistryException("no answer", 0, 0, new ConnectException("Connection refused")));
    SerializationException unknownId = new SerializationException("could not fetch schema 7",
        registry(404, SchemaRegistryException.SCHEMA_NOT_FOUND));
    SerializationException badBytes = new SerializationException("bad avro", new EOFException());

    assertThat(Faults.isTransient(unreachable)).isTrue();
    assertThat(Faults.isTransient(unknownId)).isFalse();
    assertThat(Faults.isTransient(badBytes)).isFalse();
    assertThat(Faults.isTransient(new RuntimeException(new SocketTimeoutException("read"))))
        .isTrue();
    assertThat(Faults.isTransient(new RuntimeException(new UnknownHostException("kafka-0"))))
        .isTrue();
  }

  @Test
  void shouldSeparateKafkasRetriableErrorsFromSecurityErrors() {
    assertThat(Faults.isTransient(new TimeoutException("metadata"))).isTrue();
    assertThat(Faults.isTransient(new SaslAuthenticationException("bad password"))).isFalse();
    assertThat(Faults.isTransient(new TopicAuthorizationException("no ACL"))).isFalse();
    assertThat(Faults.isTransient(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void shouldNotLoopOnACyclicCauseChain() {
    RuntimeException a = new RuntimeException("a");
    RuntimeException b = new RuntimeException("b", a);
    a.initCause(b);
    assertThat(Faults.classify(b)).isEqualTo(Faults.Kind.PERMANENT);
  }
}
