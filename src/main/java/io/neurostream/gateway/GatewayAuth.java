package io.neurostream.gateway;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.Optional;

/**
 * Who may store: nobody is asked when neither option is set (a gateway on a private network);
 * otherwise the request's {@code Authorization} header must carry the configured bearer token
 * ({@code gateway.auth.bearer.token}) or basic credentials ({@code gateway.auth.basic.user.info},
 * {@code user:password}). The scheme name is case-insensitive (RFC 9110 11.1); the credentials are
 * compared in constant time.
 */
final class GatewayAuth {

  private final byte[] bearer;
  private final byte[] basic;

  GatewayAuth(Optional<String> bearerToken, Optional<String> basicUserInfo) {
    this.bearer = bearerToken.filter(s -> !s.isEmpty())
        .map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(null);
    this.basic = basicUserInfo.filter(s -> !s.isEmpty())
        .map(s -> Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8))
            .getBytes(StandardCharsets.UTF_8))
        .orElse(null);
  }

  /** Whether any credential is required. */
  boolean required() {
    return bearer != null || basic != null;
  }

  /** Whether the {@code Authorization} header value (null if absent) lets the request in. */
  boolean allows(String authorization) {
    if (!required()) {
      return true;
    }
    if (authorization == null) {
      return false;
    }
    String given = authorization.trim();
    int space = given.indexOf(' ');
    if (space < 0) {
      return false;
    }
    String scheme = given.substring(0, space);
    byte[] credentials = given.substring(space + 1).trim().getBytes(StandardCharsets.UTF_8);
    boolean ok = false;
    if (bearer != null && scheme.equalsIgnoreCase("Bearer")) {
      ok |= MessageDigest.isEqual(credentials, bearer);
    }
    if (basic != null && scheme.equalsIgnoreCase("Basic")) {
      ok |= MessageDigest.isEqual(credentials, basic);
    }
    return ok;
  }

  /** The {@code WWW-Authenticate} challenge of a 401. */
  String challenge() {
    return basic != null ? "Basic realm=\"neurostream-gateway\", charset=\"UTF-8\""
        : "Bearer realm=\"neurostream-gateway\"";
  }
}
