//! Translation of .NET regex syntax to fancy-regex syntax, and .NET's group numbering.
//!
//! .NET numbers unnamed groups first (left to right), then named groups; fancy-regex numbers all
//! groups left to right. The translation records both numberings so that `Groups[n]`, `$n` and
//! `\n` mean what they mean in .NET.

use super::error::{DResult, DotnetError, ExceptionKind};

/// One capture group: its .NET number and name, and its index in the translated pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupInfo {
    /// The .NET group number.
    pub number: usize,
    /// The group name (`"1"` for an unnamed group 1).
    pub name: String,
    /// The group index in the compiled fancy-regex pattern.
    pub inner: usize,
}

/// A `RegexParseException`.
fn parse_error(msg: &str) -> DotnetError {
    DotnetError::new(ExceptionKind::RegexParse, msg)
}

/// Reads a group name terminated by `end` at `i`; returns it and the index after `end`.
fn read_name(c: &[char], i: usize, end: char) -> DResult<(String, usize)> {
    let len = c[i..].iter().position(|&x| x == end).ok_or_else(|| {
        parse_error("Invalid group name: Group names must begin with a word character.")
    })?;
    let name: String = c[i..i + len].iter().collect();
    if name.is_empty() || !name.chars().all(|ch| ch.is_alphanumeric() || ch == '_') {
        return Err(parse_error(
            "Invalid group name: Group names must begin with a word character.",
        ));
    }
    Ok((name, i + len + 1))
}

/// The kind of `(` at `i`: `Some(None)` unnamed capture, `Some(Some(name))` named, `None` not capturing.
fn group_at(c: &[char], i: usize, explicit: bool) -> DResult<(Option<Option<String>>, usize)> {
    if c.get(i + 1) != Some(&'?') {
        return Ok((if explicit { None } else { Some(None) }, i + 1));
    }
    match (c.get(i + 2), c.get(i + 3)) {
        (Some('<'), Some('=' | '!')) => Ok((None, i + 4)),
        (Some('<'), _) => read_name(c, i + 3, '>').map(|(n, j)| (Some(Some(n)), j)),
        (Some('\''), _) => read_name(c, i + 3, '\'').map(|(n, j)| (Some(Some(n)), j)),
        (Some('P'), Some('<')) => read_name(c, i + 4, '>').map(|(n, j)| (Some(Some(n)), j)),
        _ => Ok((None, i + 2)),
    }
}

/// The translated pattern and its groups in .NET order.
pub struct Translated {
    /// fancy-regex source.
    pub pattern: String,
    /// Groups sorted by .NET number (group 0 not included).
    pub groups: Vec<GroupInfo>,
}

/// Scans capture groups to assign .NET numbers (unnamed first, then named).
fn number_groups(c: &[char], explicit: bool) -> DResult<Vec<GroupInfo>> {
    let mut found: Vec<Option<String>> = Vec::new();
    let (mut i, mut in_class) = (0, false);
    while i < c.len() {
        match c[i] {
            '\\' => i += 2,
            '[' if !in_class => {
                in_class = true;
                i += if c.get(i + 1) == Some(&'^') { 3 } else { 2 };
            }
            ']' if in_class => {
                in_class = false;
                i += 1;
            }
            '(' if !in_class => {
                let (g, _) = group_at(c, i, explicit)?;
                if let Some(name) = g {
                    found.push(name);
                }
                i += 1;
            }
            _ => i += 1,
        }
    }
    let unnamed = found.iter().filter(|n| n.is_none()).count();
    let mut groups = Vec::new();
    let mut next_named = unnamed + 1;
    let (mut k, mut names): (usize, Vec<String>) = (0, Vec::new());
    for (inner, name) in found.into_iter().enumerate() {
        let (number, name) = match name {
            None => {
                k += 1;
                (k, k.to_string())
            }
            Some(n) if names.contains(&n) => {
                return Err(DotnetError::unsupported(&format!(
                    "the repeated group name '{n}'"
                )))
            }
            Some(n) => {
                names.push(n.clone());
                next_named += 1;
                (next_named - 1, n)
            }
        };
        groups.push(GroupInfo {
            number,
            name,
            inner: inner + 1,
        });
    }
    groups.sort_by_key(|g| g.number);
    Ok(groups)
}

/// Translates a .NET pattern (options already reduced to flags by the caller).
pub fn translate(pattern: &str, explicit: bool, multiline: bool) -> DResult<Translated> {
    let c: Vec<char> = pattern.chars().collect();
    let groups = number_groups(&c, explicit)?;
    // fancy-regex forbids numbered back-references once a group is named: then every group is named.
    let named = groups.iter().any(|g| g.name != g.number.to_string());
    let backref = |n: usize| {
        groups
            .iter()
            .find(|g| g.number == n)
            .map(|g| match (named, g.name == n.to_string()) {
                (false, _) => format!("\\{}", g.inner),
                (true, true) => format!("\\k<__g{n}>"),
                (true, false) => format!("\\k<{}>", g.name),
            })
    };
    let mut unnamed = 0usize;
    let mut out = String::new();
    let (mut i, mut in_class) = (0, false);
    while i < c.len() {
        let ch = c[i];
        match ch {
            '\\' => {
                let next = *c
                    .get(i + 1)
                    .ok_or_else(|| parse_error("Illegal \\\\ at end of pattern."))?;
                if !in_class && next.is_ascii_digit() && next != '0' {
                    let len = c[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
                    let n: usize = c[i + 1..i + 1 + len]
                        .iter()
                        .collect::<String>()
                        .parse()
                        .unwrap_or(0);
                    let text = backref(n).ok_or_else(|| {
                        parse_error(&format!("Reference to undefined group number {n}."))
                    })?;
                    out.push_str(&text);
                    i += 1 + len;
                    continue;
                }
                match next {
                    'Z' => out.push_str("(?=\\n?\\z)"),
                    'k' if c.get(i + 2) == Some(&'\'') => {
                        let (name, j) = read_name(&c, i + 3, '\'')?;
                        out.push_str(&format!("\\k<{name}>"));
                        i = j;
                        continue;
                    }
                    _ => {
                        out.push('\\');
                        out.push(next);
                    }
                }
                i += 2;
                continue;
            }
            '[' if !in_class => {
                in_class = true;
                out.push('[');
                i += 1;
                if c.get(i) == Some(&'^') {
                    out.push('^');
                    i += 1;
                }
                if c.get(i) == Some(&']') {
                    out.push_str("\\]");
                    i += 1;
                }
                continue;
            }
            '&' | '~' if in_class => out.push('\\'),
            '[' if in_class => {
                if out.ends_with('-') {
                    return Err(DotnetError::unsupported("character class subtraction"));
                }
                out.push('\\');
            }
            ']' if in_class => in_class = false,
            '$' if !in_class && !multiline => {
                out.push_str("(?=\\n?\\z)");
                i += 1;
                continue;
            }
            '(' if !in_class => {
                let (g, j) = group_at(&c, i, explicit)?;
                match g {
                    Some(Some(name)) => out.push_str(&format!("(?P<{name}>")),
                    Some(None) if named => {
                        unnamed += 1;
                        out.push_str(&format!("(?P<__g{unnamed}>"));
                    }
                    Some(None) => out.push('('),
                    None if c.get(i + 1) == Some(&'?') => out.extend(&c[i..j]),
                    None => out.push_str("(?:"),
                }
                i = j;
                continue;
            }
            _ => {}
        }
        out.push(ch);
        i += 1;
    }
    Ok(Translated {
        pattern: out,
        groups,
    })
}
