//! Numbers as people read them and as they are published: a value in its
//! unit, a count with its noun, a trend value rounded to read back from
//! JSON unchanged.

/// A value in its unit, as people read it: `99.872%`, `412 ms`, `4.21`, `3`.
pub fn format_value(value: Option<f64>, unit: &str) -> String {
    match value {
        None => "no data".to_string(),
        Some(v) => match unit {
            "%" => format!("{}%", trim(format!("{v:.3}"))),
            "ms" => format!("{} ms", trim(format!("{v:.1}"))),
            "score" => trim(format!("{v:.3}")),
            _ => format!("{v:.0}"),
        },
    }
}

pub(crate) fn trim(s: String) -> String {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        s
    }
}

/// "1 figure", "2 figures".
pub fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A trend value: rounded to six decimals, so it reads back from JSON as
/// the same number (serde_json's float parsing is exact only for short
/// decimals), and a trend read from published results is the trend
/// computed from data, bit for bit.
pub fn trend_value(v: f64) -> f64 {
    (v * 1e6).round() / 1e6
}
