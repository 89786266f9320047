package io.neurostream.cli;

import io.neurostream.trainer.ReleaseHistory;
import java.io.OutputStream;
import java.io.PrintWriter;

/** Lets tests in other packages render the models list table. */
public final class ModelsListCommandAccess {
  private ModelsListCommandAccess() {}

  public static void print(ReleaseHistory history, OutputStream out) {
    PrintWriter writer = new PrintWriter(out, true);
    ModelsListCommand.print(history, false, writer);
    writer.flush();
  }
}
