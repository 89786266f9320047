package io.neurostream.serde;

import static org.assertj.core.api.Assertions.assertThat;

import io.neurostream.avro.ModelRelease;
import io.neurostream.avro.ScanEvent;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class JavaPropertiesTest {

  /** The contract as the .avsc files define it, parsed with its named types in dependency order. */
  private static Schema contract(String file) throws Exception {
    Schema.Parser parser = new Schema.Parser();
    for (String dependency : new String[] {"ScanIdentity", "ImageEncoding", "DementiaStage",
        "ReleaseStatus"}) {
      parser.parse(Files.readString(Path.of("schemas", dependency + ".avsc")));
    }
    return parser.parse(Files.readString(Path.of("schemas", file)));
  }

  @Test
  void shouldGiveBackExactlyTheContractOfTheAvscFiles() throws Exception {
    assertThat(ScanEvent.getClassSchema().toString()).contains("\"avro.java.string\"");

    Schema stripped = JavaProperties.strip(ScanEvent.getClassSchema());

    assertThat(stripped.toString()).doesNotContain("avro.java");
    assertThat(stripped.toString()).isEqualTo(contract("ScanEvent.avsc").toString());
    assertThat(JavaProperties.strip(ModelRelease.getClassSchema()).toString())
        .isEqualTo(contract("ModelRelease.avsc").toString());
  }

  @Test
  void shouldReturnASchemaWithoutJavaPropertiesAsItIs() throws Exception {
    Schema plain = contract("ScanEvent.avsc");
    assertThat(JavaProperties.strip(plain)).isSameAs(plain);
  }
}
