package io.neurostream.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class MultipartReaderTest {

  static List<MultipartReader.Part> parts(String body, String boundary, int maxPart, long maxBody)
      throws IOException {
    MultipartReader reader = new MultipartReader(
        new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)), boundary, maxPart,
        maxBody);
    List<MultipartReader.Part> parts = new ArrayList<>();
    for (MultipartReader.Part p = reader.next(); p != null; p = reader.next()) {
      parts.add(p);
    }
    return parts;
  }

  static String text(MultipartReader.Part p) {
    return new String(p.body(), StandardCharsets.ISO_8859_1);
  }

  @Test
  void shouldReadPartsWithPreambleEpilogueAndBoundaryLookalikesInContent() throws IOException {
    String body = "preamble\r\n--b1\r\nContent-Type: application/dicom\r\n\r\n"
        + "first\r\n--b\r\n--b2 almost\r\n--b1\r\ncontent-type: Application/DICOM; x=1\r\n\r\n"
        + "\r\n\r\nsecond\r\n--b1--\r\nepilogue";
    List<MultipartReader.Part> parts = parts(body, "b1", 1000, 10_000);
    assertThat(parts).hasSize(2);
    assertThat(text(parts.get(0))).isEqualTo("first\r\n--b\r\n--b2 almost");
    assertThat(text(parts.get(1))).isEqualTo("\r\n\r\nsecond");
    assertThat(parts.get(1).mediaType()).isEqualTo("application/dicom");
  }

  @Test
  void shouldAcceptABodyStartingWithTheBoundaryAndNoParts() throws IOException {
    assertThat(parts("--b1--", "b1", 10, 100)).isEmpty();
  }

  @Test
  void shouldSkipATooLargePartAndGoOnWithTheNext() throws IOException {
    String body = "--b\r\n\r\n0123456789ABC\r\n--b\r\n\r\nsmall\r\n--b--";
    MultipartReader reader = new MultipartReader(
        new ByteArrayInputStream(body.getBytes(StandardCharsets.ISO_8859_1)), "b", 8, 1000);
    assertThatThrownBy(reader::next).isInstanceOf(MultipartReader.PartTooLargeException.class)
        .hasMessageContaining("8 bytes");
    assertThat(text(reader.next())).isEqualTo("small");
    assertThat(reader.next()).isNull();
  }

  @Test
  void shouldRefuseCutShortAndMalformedBodiesWithAReason() {
    assertThatThrownBy(() -> parts("--b\r\n\r\nabc", "b", 100, 1000))
        .isInstanceOf(MultipartException.class).hasMessageContaining("cut short");
    assertThatThrownBy(() -> parts("no boundary here", "b", 100, 1000))
        .isInstanceOf(MultipartException.class).hasMessageContaining("before the first boundary");
    assertThatThrownBy(() -> parts("--b\r\nbad header\r\n\r\nx\r\n--b--", "b", 100, 1000))
        .isInstanceOf(MultipartException.class).hasMessageContaining("malformed part header");
    assertThatThrownBy(() -> parts("--bX", "b", 100, 1000))
        .isInstanceOf(MultipartException.class).hasMessageContaining("not followed by CRLF");
    assertThatThrownBy(() -> parts("--b\r\n\r\n", "b\r\n", 100, 1000))
        .isInstanceOf(MultipartException.class).hasMessageContaining("boundary");
  }

  @Test
  void shouldStopReadingAtTheBodyLimit() {
    String body = "--b\r\n\r\n" + "x".repeat(500) + "\r\n--b--";
    assertThatThrownBy(() -> parts(body, "b", 1000, 100))
        .isInstanceOf(MultipartException.TooLarge.class)
        .hasMessageContaining("exceeds 100 bytes (gateway.max.request.mib)");
  }
}
