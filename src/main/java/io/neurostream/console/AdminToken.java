package io.neurostream.console;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;

/**
 * The check in front of every action that changes the system (rollback, replay): the request must
 * carry {@code Authorization: Bearer <console.admin.token>}. With no token configured the actions
 * are refused outright, so a console left at its defaults is read-only.
 */
final class AdminToken {

  private final Optional<byte[]> token;

  AdminToken(Optional<String> token) {
    this.token = token.map(t -> t.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Passes if {@code authorization} carries the configured token.
   *
   * @throws ApiException 403 if no token is configured, 401 if it is missing or wrong
   */
  void require(String authorization, String action) {
    if (token.isEmpty()) {
      throw new ApiException(403, action + " is disabled: this console has no admin token; set "
          + "console.admin.token (NEUROSTREAM_CONSOLE_ADMIN_TOKEN) and restart it");
    }
    String given = authorization == null ? "" : authorization.strip();
    if (!given.regionMatches(true, 0, "Bearer ", 0, 7)) {
      throw new ApiException(401, action + " needs the admin token: send the header "
          + "'Authorization: Bearer <console.admin.token>'");
    }
    byte[] presented = given.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    if (!MessageDigest.isEqual(presented, token.get())) {
      throw new ApiException(401, action + " refused: the admin token is wrong");
    }
  }
}
