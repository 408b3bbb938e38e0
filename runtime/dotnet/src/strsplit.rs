//! `String.Split`, `String.Join`/`Concat` and composite formatting (`string.Format`).

use super::error::{DResult, DotnetError};
use super::string::{is_white_space, pad_left, pad_right, trim};

/// `StringSplitOptions` flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SplitOptions {
    /// `RemoveEmptyEntries`.
    pub remove_empty: bool,
    /// `TrimEntries` (.NET 5+).
    pub trim: bool,
}

impl SplitOptions {
    /// `StringSplitOptions.None`.
    pub const NONE: SplitOptions = SplitOptions {
        remove_empty: false,
        trim: false,
    };
    /// `StringSplitOptions.RemoveEmptyEntries`.
    pub const REMOVE_EMPTY: SplitOptions = SplitOptions {
        remove_empty: true,
        trim: false,
    };
    /// `StringSplitOptions.TrimEntries`.
    pub const TRIM: SplitOptions = SplitOptions {
        remove_empty: false,
        trim: true,
    };
}

/// `Split(char[] separators, count, options)`; no separators means whitespace, as in .NET.
pub fn split_chars(
    s: &str,
    seps: &[char],
    count: Option<i64>,
    opts: SplitOptions,
) -> DResult<Vec<String>> {
    let seps: Vec<String> = seps.iter().map(|c| c.to_string()).collect();
    split_impl(s, &seps, seps.is_empty(), count, opts)
}

/// `Split(string[] separators, count, options)`; null or empty separators leave the string whole.
pub fn split_strings(
    s: &str,
    seps: &[&str],
    count: Option<i64>,
    opts: SplitOptions,
) -> DResult<Vec<String>> {
    let seps: Vec<String> = seps
        .iter()
        .filter(|x| !x.is_empty())
        .map(|x| x.to_string())
        .collect();
    if seps.is_empty() {
        return split_impl(s, &[], false, count.map(|_| 1), opts).map(|v| {
            if count == Some(0) {
                Vec::new()
            } else {
                v
            }
        });
    }
    split_impl(s, &seps, false, count, opts)
}

/// The separator (in array order) that matches at byte `i`, as its byte length.
fn match_at(s: &str, i: usize, seps: &[String], white: bool) -> Option<usize> {
    if white {
        return s[i..]
            .chars()
            .next()
            .filter(|&c| is_white_space(c))
            .map(char::len_utf8);
    }
    seps.iter()
        .find(|sep| s[i..].starts_with(sep.as_str()))
        .map(String::len)
}

/// Shared split: walks separators left to right, keeping at most `count` pieces.
fn split_impl(
    s: &str,
    seps: &[String],
    white: bool,
    count: Option<i64>,
    opts: SplitOptions,
) -> DResult<Vec<String>> {
    let count = match count {
        Some(c) if c < 0 => {
            return Err(DotnetError::out_of_range(
                "count",
                "Count cannot be less than zero.",
            ))
        }
        Some(c) => c as usize,
        None => usize::MAX,
    };
    let mut out = Vec::new();
    if count == 0 {
        return Ok(out);
    }
    let keep = |piece: &str, out: &mut Vec<String>| {
        let p = if opts.trim { trim(piece) } else { piece };
        if !(opts.remove_empty && p.is_empty()) {
            out.push(p.to_string());
        }
    };
    let (mut start, mut i) = (0usize, 0usize);
    while i < s.len() && out.len() + 1 < count {
        match match_at(s, i, seps, white) {
            Some(len) => {
                keep(&s[start..i], &mut out);
                i += len;
                start = i;
            }
            None => i += s[i..].chars().next().map_or(1, char::len_utf8),
        }
    }
    keep(&s[start..], &mut out);
    Ok(out)
}

/// `string.Join(separator, values)`; `None` values are empty.
pub fn join(sep: &str, values: &[Option<&str>]) -> String {
    values
        .iter()
        .map(|v| v.unwrap_or(""))
        .collect::<Vec<_>>()
        .join(sep)
}

/// `string.Concat(values)`; `None` values are empty.
pub fn concat(values: &[Option<&str>]) -> String {
    values.iter().map(|v| v.unwrap_or("")).collect()
}

/// The `FormatException` for a malformed composite format.
fn bad_format() -> DotnetError {
    DotnetError::format("Input string was not in a correct format.")
}

/// `string.Format(format, args…)`. `arg(index, formatString)` formats argument `index`
/// (its `ToString(formatString)`, with `""` for no format string); alignment is applied here.
pub fn composite_format(
    format: &str,
    arg_count: usize,
    mut arg: impl FnMut(usize, &str) -> DResult<String>,
) -> DResult<String> {
    let c: Vec<char> = format.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        match c[i] {
            '{' if c.get(i + 1) == Some(&'{') => {
                out.push('{');
                i += 2;
            }
            '}' if c.get(i + 1) == Some(&'}') => {
                out.push('}');
                i += 2;
            }
            '}' => return Err(bad_format()),
            '{' => {
                let (text, next) = hole(&c, i + 1, arg_count, &mut arg)?;
                out.push_str(&text);
                i = next;
            }
            ch => {
                out.push(ch);
                i += 1;
            }
        }
    }
    Ok(out)
}

/// Parses and formats one `{index[,alignment][:format]}` hole starting after `{`.
fn hole(
    c: &[char],
    mut i: usize,
    n: usize,
    arg: &mut impl FnMut(usize, &str) -> DResult<String>,
) -> DResult<(String, usize)> {
    let number = |c: &[char], i: &mut usize| -> Option<i64> {
        let start = *i;
        while *i < c.len() && c[*i].is_ascii_digit() {
            *i += 1;
        }
        c[start..*i].iter().collect::<String>().parse().ok()
    };
    let index = number(c, &mut i).ok_or_else(bad_format)?;
    while c.get(i) == Some(&' ') {
        i += 1;
    }
    let mut align = 0i64;
    if c.get(i) == Some(&',') {
        i += 1;
        while c.get(i) == Some(&' ') {
            i += 1;
        }
        let neg = c.get(i) == Some(&'-');
        i += usize::from(neg);
        align = number(c, &mut i).ok_or_else(bad_format)?;
        align = if neg { -align } else { align };
        while c.get(i) == Some(&' ') {
            i += 1;
        }
    }
    let mut fmt = String::new();
    if c.get(i) == Some(&':') {
        i += 1;
        loop {
            match (c.get(i), c.get(i + 1)) {
                (Some('}'), Some('}')) | (Some('{'), Some('{')) => return Err(bad_format()),
                (Some('}'), _) => break,
                (Some('{'), _) | (None, _) => return Err(bad_format()),
                (Some(&ch), _) => fmt.push(ch),
            }
            i += 1;
        }
    }
    if c.get(i) != Some(&'}') {
        return Err(bad_format());
    }
    if index as usize >= n {
        return Err(DotnetError::format(
            "Index (zero based) must be greater than or equal to zero and less than the size of the argument list.",
        ));
    }
    let text = arg(index as usize, &fmt)?;
    let padded = if align >= 0 {
        pad_left(&text, align, ' ')?
    } else {
        pad_right(&text, -align, ' ')?
    };
    Ok((padded, i + 1))
}
