package io.neurostream.console;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class AdminTokenTest {

  @Test
  void shouldRefuseEveryActionWhenNoTokenIsConfigured() {
    ApiException e = catchThrowableOfType(ApiException.class,
        () -> new AdminToken(Optional.empty()).require("Bearer anything", "rollback"));
    assertThat(e.status()).isEqualTo(403);
    assertThat(e).hasMessageContaining("console.admin.token");
  }

  @Test
  void shouldRefuseAMissingMalformedOrWrongToken() {
    AdminToken token = new AdminToken(Optional.of("s3cret"));
    for (String header : new String[] {null, "", "s3cret", "Basic s3cret", "Bearer s3cre",
        "Bearer s3cret2"}) {
      ApiException e = catchThrowableOfType(ApiException.class,
          () -> token.require(header, "replay"));
      assertThat(e).as(String.valueOf(header)).isNotNull();
      assertThat(e.status()).isEqualTo(401);
    }
  }

  @Test
  void shouldPassTheConfiguredBearerToken() {
    AdminToken token = new AdminToken(Optional.of("s3cret"));
    assertThatCode(() -> token.require("Bearer s3cret", "replay")).doesNotThrowAnyException();
    assertThatCode(() -> token.require("bearer  s3cret ", "replay")).doesNotThrowAnyException();
  }
}
