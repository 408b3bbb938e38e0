//! Custom metrics the policies emit (`emit-metric`, the token metrics of
//! `llm-emit-token-metric` and `azure-openai-emit-token-metric`): one sum and one count per
//! series (namespace, name and dimension values), rendered as Prometheus text for the
//! gateway's `/metrics`. The number of series is bounded ([`MetricLimits`]); samples of a
//! new series past the cap are dropped and counted.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

/// Bounds of the custom metrics (configuration).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct MetricLimits {
    /// Most series held; samples of further series are dropped (and counted).
    pub max_series: usize,
    /// Longest dimension value kept, bytes (longer ones are cut at a character boundary).
    pub max_value_bytes: usize,
}

impl Default for MetricLimits {
    fn default() -> Self {
        MetricLimits {
            max_series: 10_000,
            max_value_bytes: 256,
        }
    }
}

/// One series: namespace, metric name and its dimensions in written order.
type Series = (Arc<str>, Arc<str>, Vec<(Arc<str>, Arc<str>)>);

/// The custom metrics of a gateway process: cheap to clone (shared), kept across reloads
/// by whoever holds it.
#[derive(Clone, Default)]
pub struct Telemetry(Arc<Inner>);

#[derive(Default)]
struct Inner {
    limits: MetricLimits,
    series: Mutex<HashMap<Series, (f64, u64)>>,
    dropped: AtomicU64,
}

impl std::fmt::Debug for Telemetry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Telemetry")
            .field("limits", &self.0.limits)
            .field("series", &self.series())
            .finish()
    }
}

impl Telemetry {
    /// Empty metrics within `limits`.
    pub fn new(limits: MetricLimits) -> Telemetry {
        Telemetry(Arc::new(Inner {
            limits,
            ..Inner::default()
        }))
    }

    /// Adds `value` to the series of `namespace`/`name` with `dimensions` (a value that is
    /// not finite is ignored).
    pub fn record(
        &self,
        namespace: &str,
        name: &str,
        value: f64,
        dimensions: &[(Arc<str>, Arc<str>)],
    ) {
        if !value.is_finite() {
            return;
        }
        let max = self.0.limits.max_value_bytes;
        let dims = dimensions
            .iter()
            .map(|(k, v)| (k.clone(), cut(v, max)))
            .collect();
        let key: Series = (namespace.into(), name.into(), dims);
        let mut series = self.0.series.lock().unwrap_or_else(|p| p.into_inner());
        let full = series.len() >= self.0.limits.max_series;
        match series.get_mut(&key) {
            Some((sum, count)) => {
                *sum += value;
                *count += 1;
            }
            None if full => {
                self.0.dropped.fetch_add(1, Ordering::Relaxed);
            }
            None => {
                series.insert(key, (value, 1));
            }
        }
    }

    /// Series held.
    pub fn series(&self) -> usize {
        self.0.series.lock().map_or(0, |s| s.len())
    }

    /// Samples dropped because the series cap was reached.
    pub fn dropped(&self) -> u64 {
        self.0.dropped.load(Ordering::Relaxed)
    }

    /// The sum of every series of metric `name` (tests, `explain`).
    pub fn total(&self, name: &str) -> f64 {
        let series = self.0.series.lock().unwrap_or_else(|p| p.into_inner());
        series
            .iter()
            .filter(|(k, _)| &*k.1 == name)
            .map(|(_, v)| v.0)
            .sum()
    }

    /// Appends the Prometheus text of every series: `gatehouse_custom_metric_sum` and
    /// `_count` with labels `namespace`, `name` and one `dim_<name>` per dimension (its
    /// name lower-cased, other characters than letters and digits as `_`).
    pub fn render(&self, out: &mut String) {
        let series = self.0.series.lock().unwrap_or_else(|p| p.into_inner());
        let mut rows: Vec<(String, f64, u64)> = series
            .iter()
            .map(|(k, (sum, count))| (labels(k), *sum, *count))
            .collect();
        drop(series);
        rows.sort_by(|a, b| a.0.cmp(&b.0));
        out.push_str("# HELP gatehouse_custom_metric_sum Sum of the values emit-metric and the token metric policies emitted.\n");
        out.push_str("# TYPE gatehouse_custom_metric_sum gauge\n");
        for (l, sum, _) in &rows {
            let _ = writeln!(out, "gatehouse_custom_metric_sum{{{l}}} {sum}");
        }
        out.push_str("# HELP gatehouse_custom_metric_count Samples emit-metric and the token metric policies emitted.\n");
        out.push_str("# TYPE gatehouse_custom_metric_count counter\n");
        for (l, _, count) in &rows {
            let _ = writeln!(out, "gatehouse_custom_metric_count{{{l}}} {count}");
        }
        out.push_str("# HELP gatehouse_custom_metric_dropped_total Samples dropped: the series cap was reached.\n");
        out.push_str("# TYPE gatehouse_custom_metric_dropped_total counter\n");
        let _ = writeln!(
            out,
            "gatehouse_custom_metric_dropped_total {}",
            self.dropped()
        );
    }
}

/// `v` cut to at most `max` bytes at a character boundary.
fn cut(v: &Arc<str>, max: usize) -> Arc<str> {
    if v.len() <= max {
        return v.clone();
    }
    let mut end = max;
    while !v.is_char_boundary(end) {
        end -= 1;
    }
    v.get(..end).unwrap_or_default().into()
}

/// The label set of a series (a dimension whose label name repeats an earlier one is left
/// out).
fn labels((namespace, name, dims): &Series) -> String {
    let mut out = format!(
        "namespace=\"{}\",name=\"{}\"",
        escape(namespace),
        escape(name)
    );
    let mut seen: Vec<String> = Vec::with_capacity(dims.len());
    for (k, v) in dims {
        let label = label_name(k);
        if seen.contains(&label) {
            continue;
        }
        let _ = write!(out, ",{label}=\"{}\"", escape(v));
        seen.push(label);
    }
    out
}

/// `dim_` and the dimension name lower-cased, each character other than an ASCII letter or
/// digit as `_` (`API ID` → `dim_api_id`).
fn label_name(dimension: &str) -> String {
    let mut s = String::from("dim_");
    s.extend(dimension.chars().map(|c| {
        if c.is_ascii_alphanumeric() {
            c.to_ascii_lowercase()
        } else {
            '_'
        }
    }));
    s
}

/// A label value escaped for the Prometheus text format.
fn escape(v: &str) -> String {
    let mut out = String::with_capacity(v.len());
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dims(pairs: &[(&str, &str)]) -> Vec<(Arc<str>, Arc<str>)> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).into(), (*v).into()))
            .collect()
    }

    #[test]
    fn sums_per_series_and_renders_prometheus_text() {
        let t = Telemetry::new(MetricLimits::default());
        let d = dims(&[("API ID", "chat"), ("Client IP", "10.0.0.1")]);
        t.record("openai", "Total Tokens", 17.0, &d);
        t.record("openai", "Total Tokens", 3.0, &d);
        t.record("openai", "Prompt Tokens", f64::NAN, &d);
        let mut out = String::new();
        t.render(&mut out);
        assert!(out.contains(
            "gatehouse_custom_metric_sum{namespace=\"openai\",name=\"Total Tokens\",dim_api_id=\"chat\",dim_client_ip=\"10.0.0.1\"} 20\n"
        ), "{out}");
        assert!(out.contains("gatehouse_custom_metric_count{namespace=\"openai\",name=\"Total Tokens\",dim_api_id=\"chat\",dim_client_ip=\"10.0.0.1\"} 2\n"));
        assert_eq!(t.series(), 1);
    }

    #[test]
    fn series_are_capped_and_values_cut() {
        let t = Telemetry::new(MetricLimits {
            max_series: 2,
            max_value_bytes: 3,
        });
        for i in 0..5 {
            t.record("ns", "m", 1.0, &dims(&[("k", &format!("v{i}"))]));
        }
        assert_eq!((t.series(), t.dropped()), (2, 3));
        t.record("ns", "m", 1.0, &dims(&[("k", "v0")]));
        assert_eq!(t.dropped(), 3, "an existing series still counts");
        let u = Telemetry::new(MetricLimits {
            max_series: 10,
            max_value_bytes: 2,
        });
        u.record("ns", "m", 1.0, &dims(&[("k", "aé\"b")]));
        let mut out = String::new();
        u.render(&mut out);
        assert!(out.contains("dim_k=\"a\"} 1"), "{out}");
    }
}
