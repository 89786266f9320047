package io.neurostream.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Who the gateway lets store: the configured bearer token and/or basic credentials, or anyone. */
class GatewayAuthTest {

  static String basic(String userInfo) {
    return "Basic " + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void shouldLetAnyoneInWhenNoCredentialIsConfigured() {
    GatewayAuth open = new GatewayAuth(Optional.empty(), Optional.of(""));
    assertThat(open.required()).isFalse();
    assertThat(open.allows(null)).isTrue();
    assertThat(open.allows("Bearer anything")).isTrue();
  }

  @Test
  void shouldAcceptTheConfiguredBearerTokenOnly() {
    GatewayAuth auth = new GatewayAuth(Optional.of("s3cret"), Optional.empty());
    assertThat(auth.allows("Bearer s3cret")).isTrue();
    assertThat(auth.allows("bearer s3cret")).as("scheme names are case-insensitive").isTrue();
    assertThat(auth.allows("  Bearer   s3cret  ")).isTrue();
    assertThat(auth.allows("Bearer s3cre")).isFalse();
    assertThat(auth.allows("Bearer s3cret2")).isFalse();
    assertThat(auth.allows("Bearers3cret")).isFalse();
    assertThat(auth.allows("Basic s3cret")).as("the token under another scheme").isFalse();
    assertThat(auth.allows(basic("user:s3cret"))).isFalse();
    assertThat(auth.allows(null)).isFalse();
    assertThat(auth.allows("")).isFalse();
    assertThat(auth.challenge()).startsWith("Bearer realm=");
  }

  @Test
  void shouldAcceptTheConfiguredBasicCredentialsOnlyAndEitherWhenBothAreSet() {
    GatewayAuth basicOnly = new GatewayAuth(Optional.empty(), Optional.of("orthanc:pw"));
    assertThat(basicOnly.allows(basic("orthanc:pw"))).isTrue();
    assertThat(basicOnly.allows(basic("orthanc:pw").replace("Basic", "BASIC"))).isTrue();
    assertThat(basicOnly.allows(basic("orthanc:px"))).isFalse();
    assertThat(basicOnly.allows(basic("other:pw"))).isFalse();
    assertThat(basicOnly.allows("Bearer orthanc:pw")).isFalse();
    assertThat(basicOnly.challenge()).startsWith("Basic realm=");

    GatewayAuth both = new GatewayAuth(Optional.of("tok"), Optional.of("orthanc:pw"));
    assertThat(both.allows("Bearer tok")).isTrue();
    assertThat(both.allows(basic("orthanc:pw"))).isTrue();
    assertThat(both.allows("Bearer orthanc:pw")).isFalse();
    assertThat(both.allows("Basic tok")).isFalse();
  }
}
