package io.uptimemesh.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Small-sample summaries for repeated whole-process measurements (milliseconds). */
final class Stats {
  private final List<Double> values = new ArrayList<>();

  void add(double v) {
    values.add(v);
  }

  double median() {
    return percentile(50);
  }

  double max() {
    return Collections.max(values);
  }

  double percentile(double p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
  }

  String summary() {
    return String.format("median %6.0f ms   max %6.0f ms   (n=%d)", median(), max(), values.size());
  }
}
