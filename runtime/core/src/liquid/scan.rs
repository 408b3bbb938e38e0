//! The filter names a template uses, with their offsets: `| Name` inside `{{ }}` and
//! `{% %}`, outside string literals (`{% raw %}` sections are skipped).

/// One filter use.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FilterName {
    /// The name as written.
    pub name: String,
    /// Its byte offset in the template.
    pub at: usize,
}

/// Every filter use of `source`, in order.
pub fn filter_names(source: &str) -> Vec<FilterName> {
    let b = source.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        let close: &[u8] = match (b[i], b[i + 1]) {
            (b'{', b'{') => b"}}",
            (b'{', b'%') => b"%}",
            _ => {
                i += 1;
                continue;
            }
        };
        let start = i + 2;
        let end = find(b, start, close).unwrap_or(b.len());
        let tag = &source[start..end];
        if close == b"%}" && tag.trim().trim_start_matches('-').trim() == "raw" {
            i = find(source.as_bytes(), end, b"endraw").unwrap_or(b.len());
            continue;
        }
        tag_filters(tag, start, &mut out);
        i = end + 2;
    }
    out
}

/// The first `pat` at or after `from`.
fn find(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    (from..b.len().saturating_sub(pat.len() - 1)).find(|&j| b[j..].starts_with(pat))
}

/// The filters of one tag's text starting at `base`.
fn tag_filters(tag: &str, base: usize, out: &mut Vec<FilterName>) {
    let b = tag.as_bytes();
    let mut quote = None;
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'|' => {
                let mut j = i + 1;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                let s = j;
                while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                    j += 1;
                }
                if j > s {
                    out.push(FilterName {
                        name: tag[s..j].to_string(),
                        at: base + s,
                    });
                }
                i = j;
                continue;
            }
            None => {}
        }
        i += 1;
    }
}
