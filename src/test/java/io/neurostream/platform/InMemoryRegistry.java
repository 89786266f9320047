package io.neurostream.platform;

import io.neurostream.platform.registry.EmbeddedSchemaRegistry;
import java.util.Map;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * JUnit 5 extension: our schema registry, in memory (no broker), for one test class; for the
 * topology tests that serialize through the Confluent wire format without Kafka.
 * {@code @RegisterExtension static final InMemoryRegistry registry = new InMemoryRegistry();}
 */
public final class InMemoryRegistry implements BeforeAllCallback, AfterAllCallback {
  private EmbeddedSchemaRegistry registry;
  private Map<String, Object> serdeConfig;

  @Override
  public void beforeAll(ExtensionContext context) {
    registry = EmbeddedSchemaRegistry.startInMemory(0);
    serdeConfig = Map.of("schema.registry.url", registry.url());
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (registry != null) {
      registry.close();
      registry = null;
    }
  }

  /** The serde configuration that points at this registry. */
  public Map<String, Object> serdeConfig() {
    return serdeConfig;
  }

  public String url() {
    return registry.url();
  }
}
