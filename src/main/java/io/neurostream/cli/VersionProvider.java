package io.neurostream.cli;

import picocli.CommandLine.IVersionProvider;

/** Reports the build's version from the jar manifest. */
final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String v = NeuroStream.class.getPackage().getImplementationVersion();
    return new String[] {"neurostream " + (v == null ? "dev" : v)};
  }
}
