package io.neurostream.training;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.ParameterTracker;
import io.neurostream.model.BundleMetadata;
import io.neurostream.model.ClassProbabilities;
import io.neurostream.model.ModelBundle;
import io.neurostream.model.ModelSpec;
import io.neurostream.model.ParameterArrays;
import io.neurostream.model.ScanClassifierModel;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * The epoch loop with its early-stopping state: one shuffled, augmented pass per epoch, validation
 * after each, a checkpoint of the best epoch, and the best epoch's parameters restored at the end.
 */
final class EpochLoop {
  private final TrainingOptions o;
  private final ScanClassifierModel model;
  private final float[] weights;
  private final Random random;
  int bestEpoch;
  boolean stoppedEarly;
  boolean stoppedByTime;
  /** System.nanoTime() after which no new batch starts; Long.MAX_VALUE without a budget. */
  private long deadline = Long.MAX_VALUE;

  EpochLoop(TrainingOptions o, ScanClassifierModel model, float[] weights) {
    this.o = o;
    this.model = model;
    this.weights = weights;
    this.random = new Random(o.seed());
  }

  List<EpochStats> fit(TrainingData data) {
    if (o.maxDuration() != null) {
      deadline = System.nanoTime() + o.maxDuration().toNanos();
    }
    Path checkpoints = o.reportDir().resolve("checkpoints");
    List<EpochStats> history = new ArrayList<>();
    double best = -1;
    byte[] bestParameters = null;
    int sinceBest = 0;
    Set<String> backboneIds = new HashSet<>();
    for (Parameter p : model.network().backbone().getParameters().values()) {
      backboneIds.add(p.getId());
    }
    float lr = o.learningRate();
    float backboneLr = lr * o.backboneLearningRateFactor();
    ParameterTracker tracker = (id, step) -> backboneIds.contains(id) ? backboneLr : lr;
    DefaultTrainingConfig config =
        new DefaultTrainingConfig(new ClassWeightedCrossEntropy(weights))
            .optOptimizer(Optimizer.adam().optLearningRateTracker(tracker).build())
            .optDevices(new Device[] {model.device()});
    try (TrainingFeed feed = TrainingFeed.of(o, model, data, random);
        Trainer trainer = feed.trainable().newTrainer(config)) {
      trainer.initialize(feed.trainerInputShape(o.batchSize()));
      for (int epoch = 1; epoch <= o.epochs(); epoch++) {
        long t0 = System.nanoTime();
        double[] train = trainEpoch(trainer, feed, data.train(), epoch);
        List<ClassProbabilities> valPredictions = feed.predict(data.validation());
        int[] valLabels = Evaluation.labels(data.validation());
        EvaluationMetrics val = EvaluationMetrics.of(valLabels, valPredictions);
        double valLoss = weightedLoss(valLabels, valPredictions);
        EpochStats stats = new EpochStats(epoch, train[0], train[1], valLoss, val.accuracy(),
            val.balancedAccuracy(), (System.nanoTime() - t0) / 1e9);
        history.add(stats);
        // an epoch that classifies no validation class right is no model to keep, however early
        boolean improved = val.balancedAccuracy() > 0 && val.balancedAccuracy() > best + 1e-9;
        if (improved) {
          best = val.balancedAccuracy();
          bestEpoch = epoch;
          bestParameters = snapshot();
          sinceBest = 0;
        } else {
          sinceBest++;
        }
        if (feed.checkpointed()) {
          checkpoint(checkpoints, epoch, improved);
        }
        say(o.progress(), String.format(Locale.ROOT,
            "epoch %d/%d: train loss %.4f acc %.4f | val loss %.4f acc %.4f balanced %.4f%s (%s)",
            epoch, o.epochs(), train[0], train[1], valLoss, val.accuracy(), val.balancedAccuracy(),
            improved ? " *best*" : "", ProgressBar.duration(stats.seconds())));
        if (System.nanoTime() >= deadline) {
          stoppedByTime = true;
          stoppedEarly = epoch < o.epochs();
          say(o.progress(), "time budget of " + o.maxDuration() + " used up in epoch " + epoch
              + "; keeping " + kept());
          break;
        }
        if (sinceBest >= o.patience()) {
          stoppedEarly = epoch < o.epochs();
          say(o.progress(), "early stop: no better validation balanced accuracy for " + o.patience()
              + " epochs; keeping " + kept());
          break;
        }
      }
    }
    if (bestParameters != null) {
      restore(bestParameters);
    } else {
      say(o.progress(), "warning: no epoch classified any validation class right (balanced accuracy 0);"
          + " keeping the last epoch. Train longer (--epochs), check the labels, or add data.");
    }
    return history;
  }

  private String kept() {
    return bestEpoch > 0 ? "epoch " + bestEpoch : "the last epoch (none was better than 0)";
  }

  /** One pass over the shuffled, augmented training set; returns {mean loss, accuracy}. */
  private double[] trainEpoch(Trainer trainer, TrainingFeed feed, List<TrainingExample> train, int epoch) {
    List<TrainingExample> order = new ArrayList<>(train);
    Collections.shuffle(order, random);
    // a last batch of one would break batch normalization: drop a remainder of one
    int usable = order.size() % o.batchSize() == 1 ? order.size() - 1 : order.size();
    ProgressBar bar = new ProgressBar(o.progress(), String.format(Locale.ROOT, "epoch %d/%d", epoch, o.epochs()),
        usable, "img");
    double lossSum = 0;
    int correct = 0;
    int seen = 0;
    int per = feed.valuesPerExample();
    int classes = ModelSpec.numClasses();
    for (int from = 0; from < usable; from += o.batchSize()) {
      if (seen > 0 && System.nanoTime() >= deadline) {
        break; // out of time: validate what this epoch has done so far
      }
      int n = Math.min(o.batchSize(), usable - from);
      float[] x = new float[n * per];
      int[] y = new int[n];
      for (int i = 0; i < n; i++) {
        TrainingExample e = order.get(from + i);
        feed.write(e, x, i * per);
        y[i] = e.labelIndex();
      }
      try (NDManager batch = trainer.getManager().newSubManager()) {
        Shape shape = feed.inputShape(n);
        NDList data = feed.toTrainerInput(batch, new NDList(batch.create(FloatBuffer.wrap(x), shape)));
        NDList labels = new NDList(batch.create(y));
        float loss;
        float[] logits;
        try (GradientCollector collector = trainer.newGradientCollector()) {
          NDList predictions = trainer.forward(data, labels);
          NDArray lossValue = trainer.getLoss().evaluate(labels, predictions);
          collector.backward(lossValue);
          loss = lossValue.getFloat();
          logits = predictions.singletonOrThrow().toFloatArray();
        }
        trainer.step();
        if (!Float.isFinite(loss)) {
          throw new IllegalStateException("training loss became " + loss + " in epoch " + epoch
              + "; lower the learning rate (--lr), e.g. to " + o.learningRate() / 10);
        }
        lossSum += loss * n;
        for (int i = 0; i < n; i++) {
          if (argmax(logits, i * classes, classes) == y[i]) {
            correct++;
          }
        }
      }
      seen += n;
      bar.update(seen, String.format(Locale.ROOT, "loss %.4f acc %.4f", lossSum / seen, (double) correct / seen));
    }
    bar.finish(String.format(Locale.ROOT, "loss %.4f acc %.4f", lossSum / seen, (double) correct / seen));
    return new double[] {lossSum / seen, (double) correct / seen};
  }

  private double weightedLoss(int[] labels, List<ClassProbabilities> predictions) {
    double sum = 0;
    for (int i = 0; i < labels.length; i++) {
      sum -= weights[labels[i]] * Math.log(Math.max(1e-12, predictions.get(i).probability(labels[i])));
    }
    return labels.length == 0 ? Double.NaN : sum / labels.length;
  }

  private void checkpoint(Path dir, int epoch, boolean best) {
    Path last = dir.resolve("last.bundle");
    BundleMetadata metadata = BundleMetadata.of(model, "checkpoint-epoch-" + epoch, null, Map.of(),
        Map.of("epoch", Integer.toString(epoch)));
    ModelBundle.write(model, metadata, last);
    if (best) {
      try {
        Files.copy(last, dir.resolve("best.bundle"), StandardCopyOption.REPLACE_EXISTING);
      } catch (IOException e) {
        throw new UncheckedIOException("keeping the best checkpoint failed: " + e.getMessage(), e);
      }
    }
  }

  private byte[] snapshot() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      model.network().saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  private void restore(byte[] parameters) {
    ParameterArrays replaced = ParameterArrays.of(model.network());
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(parameters))) {
      model.network().loadParameters(model.model().getNDManager(), in);
    } catch (IOException | MalformedModelException e) {
      throw new IllegalStateException("restoring the best epoch's parameters failed: " + e.getMessage(), e);
    }
    replaced.closeReplaced();
  }

  private static int argmax(float[] values, int offset, int length) {
    int best = 0;
    for (int i = 1; i < length; i++) {
      if (values[offset + i] > values[offset + best]) {
        best = i;
      }
    }
    return best;
  }

  private static void say(PrintStream log, String line) {
    if (log != null) {
      log.println(line);
      log.flush();
    }
  }
}
