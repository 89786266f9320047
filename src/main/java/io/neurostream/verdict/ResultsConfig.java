package io.neurostream.verdict;

import io.neurostream.config.Configuration;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * Where verdicts go back to the PACS ({@code results.*}).
 *
 * @param url the PACS's DICOMweb root, empty when results are not sent
 * @param authorization the {@code Authorization} header value, when the PACS wants one
 * @param explanationWait how long to wait for the top slice's Grad-CAM
 * @param maxBackoff longest pause between retries
 */
public record ResultsConfig(Optional<URI> url, Optional<String> authorization,
    Duration explanationWait, Duration maxBackoff) {

  /** Reads the {@code results.*} keys of {@link VerdictKeys}. */
  public static ResultsConfig from(Configuration c) {
    Optional<URI> url = c.find(VerdictKeys.RESULTS_URL).map(ResultsConfig::single);
    Optional<String> bearer = c.find(VerdictKeys.RESULTS_BEARER_TOKEN).filter(s -> !s.isEmpty());
    Optional<String> basic = c.find(VerdictKeys.RESULTS_BASIC_USER_INFO).filter(s -> !s.isEmpty());
    if (bearer.isPresent() && basic.isPresent()) {
      throw new IllegalArgumentException("set only one of results.dicomweb.auth.bearer.token and "
          + "results.dicomweb.auth.basic.user.info");
    }
    if (basic.isPresent() && !basic.get().contains(":")) {
      throw new IllegalArgumentException("results.dicomweb.auth.basic.user.info must be "
          + "user:password");
    }
    Optional<String> authorization = bearer.map(t -> "Bearer " + t).or(() -> basic.map(u ->
        "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8))));
    return new ResultsConfig(url, authorization, c.get(VerdictKeys.RESULTS_EXPLANATION_WAIT),
        c.get(VerdictKeys.RESULTS_RETRY_MAX));
  }

  /** Results are not sent. */
  public static ResultsConfig off() {
    return new ResultsConfig(Optional.empty(), Optional.empty(), Duration.ofSeconds(60),
        Duration.ofSeconds(60));
  }

  private static URI single(List<URI> urls) {
    if (urls.size() != 1) {
      throw new IllegalArgumentException("results.dicomweb.url takes one URL, got " + urls);
    }
    String s = urls.get(0).toString();
    return URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }
}
