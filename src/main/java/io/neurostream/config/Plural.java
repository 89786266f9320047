package io.neurostream.config;

import java.util.Locale;

/**
 * A count with its noun in the right number for messages: {@code 1 version}, {@code 2 versions},
 * {@code 1,200 scans}. In {@code config} because every layer may use it and it imports nothing.
 */
public final class Plural {

  private Plural() {}

  /** {@code n} and {@code singular}, with an {@code s} added unless {@code n} is 1. */
  public static String of(long n, String singular) {
    return of(n, singular, singular + "s");
  }

  /** {@code n} and {@code singular} or {@code plural}; thousands grouped ({@code 1,200}). */
  public static String of(long n, String singular, String plural) {
    return String.format(Locale.ROOT, "%,d %s", n, n == 1 ? singular : plural);
  }

  /** Only the noun for {@code n}, for counts laid out in columns. */
  public static String noun(long n, String singular) {
    return n == 1 ? singular : singular + "s";
  }
}
