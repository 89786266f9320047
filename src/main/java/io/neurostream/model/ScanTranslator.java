package io.neurostream.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.Batchifier;
import ai.djl.translate.Translator;
import ai.djl.translate.TranslatorContext;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Pre- and post-processing of the scan classifier: {@link ScanInput} (encoded bytes or a decoded
 * image) → normalized {@code (N, C, H, W)} tensor → logits → softmax → {@link ClassProbabilities}.
 *
 * <p>A batch is assembled into one float buffer and one NDArray rather than stacked from per-image
 * arrays, which saves a native allocation and a copy per image. Stateless: one instance may serve
 * every predictor of a model.
 */
public final class ScanTranslator implements Translator<ScanInput, ClassProbabilities> {

  private final ScanPreprocessor preprocessor;
  private final ModelSpec spec;

  public ScanTranslator(ModelSpec spec, Normalization normalization) {
    this.spec = spec;
    this.preprocessor = new ScanPreprocessor(spec, normalization);
  }

  /** The preprocessing this translator applies. */
  public ScanPreprocessor preprocessor() {
    return preprocessor;
  }

  @Override
  public Batchifier getBatchifier() {
    return Batchifier.STACK;
  }

  @Override
  public NDList processInput(TranslatorContext ctx, ScanInput input) {
    return batchProcessInput(ctx, List.of(input));
  }

  @Override
  public NDList batchProcessInput(TranslatorContext ctx, List<ScanInput> inputs) {
    int per = preprocessor.valuesPerImage();
    float[] values = new float[per * inputs.size()];
    for (int i = 0; i < inputs.size(); i++) {
      preprocessor.write(inputs.get(i).image(), values, i * per);
    }
    Shape shape = new Shape(inputs.size(), spec.channels(), spec.inputSize(), spec.inputSize());
    return new NDList(ctx.getNDManager().create(FloatBuffer.wrap(values), shape));
  }

  @Override
  public ClassProbabilities processOutput(TranslatorContext ctx, NDList list) {
    return batchProcessOutput(ctx, list).get(0);
  }

  @Override
  public List<ClassProbabilities> batchProcessOutput(TranslatorContext ctx, NDList list) {
    NDArray probabilities = list.singletonOrThrow().softmax(-1);
    int classes = ModelSpec.numClasses();
    float[] flat = probabilities.toFloatArray();
    List<ClassProbabilities> out = new ArrayList<>(flat.length / classes);
    for (int i = 0; i < flat.length; i += classes) {
      float[] row = new float[classes];
      System.arraycopy(flat, i, row, 0, classes);
      out.add(ClassProbabilities.of(row));
    }
    return out;
  }
}
