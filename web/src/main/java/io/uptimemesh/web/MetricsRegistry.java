package io.uptimemesh.web;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The Prometheus registry behind {@code GET /metrics}, with the few Micrometer JVM meters whose
 * names Prometheus conventions reject ({@code promtool check metrics}) fixed or dropped.
 */
public final class MetricsRegistry {
  private MetricsRegistry() {}

  public static PrometheusMeterRegistry create() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry
        .config()
        // Counted in ms and ns, so exported as *_ms_total / *_ns_total: units must be base units.
        // A rename cannot convert the values; jvm_gc_* and process_cpu_usage cover the need.
        .meterFilter(MeterFilter.denyNameStartsWith("jvm.compilation.time"))
        .meterFilter(MeterFilter.denyNameStartsWith("process.cpu.time"))
        // A gauge may not end in _count (that suffix belongs to histograms and summaries).
        .meterFilter(
            new MeterFilter() {
              @Override
              public Meter.Id map(Meter.Id id) {
                return "system.cpu.count".equals(id.getName()) ? id.withName("system.cpus") : id;
              }
            });
    return registry;
  }
}
