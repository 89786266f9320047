package io.neurostream.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.neurostream.avro.ImageEncoding;
import io.neurostream.avro.ScanEvent;
import io.neurostream.imaging.DicomReader;
import io.neurostream.imaging.DicomWriter;
import io.neurostream.imaging.GrayImage;
import io.neurostream.imaging.PatientKeys;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScanFilesTest {

  @TempDir Path dir;
  private final PatientKeys keys = new PatientKeys("test-salt");

  private static byte[] png(int w, int h) {
    return new GrayImage(w, h, new float[w * h]).toPng();
  }

  @Test
  void shouldGiveAPngTheSameUidsOnEveryRunAndItsSubjectFromTheManifest() throws Exception {
    // given a Kaggle-layout folder with a manifest
    Path cls = Files.createDirectories(dir.resolve("Mild_Demented"));
    Files.write(cls.resolve("s1_07.png"), png(40, 30));
    Files.writeString(dir.resolve("manifest.csv"),
        "file,subject,slice,class\nMild_Demented/s1_07.png,subject-1,7,Mild_Demented\n");
    ScanFiles files = new ScanFiles(ScanFiles.KeySource.AUTO, keys, "test");

    // when it is read twice
    List<ScanFiles.Item> items = ScanFiles.list(List.of(dir));
    ScanEvent a = files.read(items.get(0));
    ScanEvent b = new ScanFiles(ScanFiles.KeySource.AUTO, keys, "test").read(items.get(0));

    // then identity is deterministic, UUID-derived, and the patient is the keyed subject
    assertThat(a.getIdentity()).isEqualTo(b.getIdentity());
    assertThat(a.getIdentity().getSopInstanceUid()).startsWith("2.25.").hasSizeLessThanOrEqualTo(64);
    assertThat(a.getIdentity().getPatientKey()).isEqualTo(keys.of("subject-1"))
        .doesNotContain("subject-1");
    assertThat(a.getSliceIndex()).isEqualTo(7);
    assertThat(a.getEncoding()).isEqualTo(ImageEncoding.PNG);
    assertThat(a.getWidth()).isEqualTo(40);
    assertThat(a.getHeight()).isEqualTo(30);
  }

  @Test
  void shouldTakeDicomUidsAndNeverForwardThePatientId() throws Exception {
    byte[] dicom = DicomWriter.builder()
        .optStudyInstanceUid("1.2.3.4")
        .optSeriesInstanceUid("1.2.3.4.5")
        .optSopInstanceUid("1.2.3.4.5.6")
        .optPatientId("MRN-0042")
        .optInstanceNumber(3)
        .optAcquisitionDateTime(LocalDateTime.of(2024, 5, 6, 7, 8, 9))
        .build()
        .write(new GrayImage(32, 32, new float[32 * 32]));
    Files.write(dir.resolve("slice.dcm"), dicom);
    ScanFiles files = new ScanFiles(ScanFiles.KeySource.AUTO, keys, "test");

    ScanEvent scan = files.read(ScanFiles.list(List.of(dir)).get(0));

    assertThat(scan.getIdentity().getSopInstanceUid()).isEqualTo("1.2.3.4.5.6");
    assertThat(scan.getIdentity().getSeriesInstanceUid()).isEqualTo("1.2.3.4.5");
    assertThat(scan.getIdentity().getStudyInstanceUid()).isEqualTo("1.2.3.4");
    assertThat(scan.getIdentity().getPatientKey()).isEqualTo(keys.of("MRN-0042"));
    assertThat(scan.getEncoding()).isEqualTo(ImageEncoding.DICOM);
    assertThat(scan.getSliceIndex()).isEqualTo(2);
    // the event, image bytes included, does not carry the patient id in any form
    assertThat(new String(scan.getImage().array(), StandardCharsets.ISO_8859_1))
        .doesNotContain("MRN-0042");
    assertThat(scan.toString()).doesNotContain("MRN-0042");
    // and the image is still a DICOM slice of the same scan
    var forwarded = DicomReader.read(scan.getImage().array());
    assertThat(forwarded.sopInstanceUid()).isEqualTo("1.2.3.4.5.6");
    assertThat(forwarded.patientId()).isEmpty();
    assertThat(forwarded.image().width()).isEqualTo(32);
  }

  @Test
  void shouldRefuseAFileThatIsNoImage() throws Exception {
    Files.writeString(dir.resolve("notes"), "not an image");
    ScanFiles files = new ScanFiles(ScanFiles.KeySource.DIR, keys, "test");
    assertThatThrownBy(() -> files.read(ScanFiles.list(List.of(dir)).get(0)))
        .hasMessageContaining("neither PNG, JPEG nor DICOM");
  }

  @Test
  void shouldKeyPatientsWithTheSaltSoTheSameIdMapsToTheSameKeyOnlyUnderTheSameSalt() {
    assertThat(keys.of("p1")).isEqualTo(new PatientKeys("test-salt").of("p1"))
        .isNotEqualTo(new PatientKeys("other-salt").of("p1"))
        .isNotEqualTo(keys.of("p2"))
        .matches("pk-[0-9a-f]{32}");
  }
}
