package io.neurostream.imaging;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;

/**
 * Acquisition date and time of a DICOM header: AcquisitionDateTime (DT, with an optional
 * {@code +HHMM} offset), else AcquisitionDate and AcquisitionTime, and TimezoneOffsetFromUTC. A
 * malformed value gives no time at all rather than a failure: the pixels are still usable, and
 * producers fall back to the publish time.
 */
final class DicomDates {

  /** The parsed time, each part null when unknown. */
  record Acquired(LocalDateTime dateTime, ZoneOffset offset) {}

  private DicomDates() {}

  static Acquired parse(String dateTime, String date, String time, String timezoneOffset) {
    LocalDateTime acquired = null;
    ZoneOffset offset = null;
    try {
      if (dateTime != null) {
        String dt = dateTime;
        int sign = Math.max(dt.indexOf('+'), dt.indexOf('-'));
        if (sign > 0) {
          offset = parseOffset(dt.substring(sign));
          dt = dt.substring(0, sign);
        }
        acquired = parseDateTime(dt.substring(0, Math.min(8, dt.length())),
            dt.length() > 8 ? dt.substring(8) : "");
      } else if (date != null) {
        acquired = parseDateTime(date, time == null ? "" : time);
      }
      if (offset == null && timezoneOffset != null) {
        offset = parseOffset(timezoneOffset);
      }
      return new Acquired(acquired, offset);
    } catch (RuntimeException e) {
      return new Acquired(null, null);
    }
  }

  private static LocalDateTime parseDateTime(String da, String tm) {
    LocalDate d = LocalDate.of(
        Integer.parseInt(da.substring(0, 4)),
        da.length() >= 6 ? Integer.parseInt(da.substring(4, 6)) : 1,
        da.length() >= 8 ? Integer.parseInt(da.substring(6, 8)) : 1);
    String t = tm.trim();
    int frac = t.indexOf('.');
    String whole = frac >= 0 ? t.substring(0, frac) : t;
    int hour = whole.length() >= 2 ? Integer.parseInt(whole.substring(0, 2)) : 0;
    int minute = whole.length() >= 4 ? Integer.parseInt(whole.substring(2, 4)) : 0;
    int second = whole.length() >= 6 ? Math.min(59, Integer.parseInt(whole.substring(4, 6))) : 0;
    int nanos = 0;
    if (frac >= 0 && frac + 1 < t.length()) {
      String f = (t.substring(frac + 1) + "000000000").substring(0, 9);
      nanos = Integer.parseInt(f);
    }
    return LocalDateTime.of(d, LocalTime.of(hour, minute, second, nanos));
  }

  private static ZoneOffset parseOffset(String s) {
    String t = s.trim(); // "+HHMM" / "-HHMM"
    int sign = t.charAt(0) == '-' ? -1 : 1;
    int hours = Integer.parseInt(t.substring(1, 3));
    int minutes = Integer.parseInt(t.substring(3, 5));
    return ZoneOffset.ofHoursMinutes(sign * hours, sign * minutes);
  }
}
