//! `SelectToken`/`SelectTokens`: the JSONPath subset `$`, `.name`, `['name']`, `[n]`, `[n,m]`,
//! `[*]`, `.*` and `..name` (recursive descent). Filters (`[?(…)]`) and slices are not supported.

use super::error::{DResult, DotnetError, ExceptionKind};
use super::json::JToken;

/// One path step.
#[derive(Debug, Clone, PartialEq)]
enum Step {
    Name(String),
    Indexes(Vec<i64>),
    Wildcard,
    Descend(String),
}

/// A `JsonException` for a bad path.
fn path_error(msg: String) -> DotnetError {
    DotnetError::new(ExceptionKind::JsonReader, msg)
}

/// Reads a bare name at `i` (up to `.` or `[`).
fn bare(c: &[char], i: &mut usize) -> String {
    let start = *i;
    while *i < c.len() && c[*i] != '.' && c[*i] != '[' {
        *i += 1;
    }
    c[start..*i].iter().collect()
}

/// Parses the bracket contents after `[`.
fn bracket(c: &[char], i: &mut usize, path: &str) -> DResult<Step> {
    let close = c[*i..]
        .iter()
        .position(|&x| x == ']')
        .ok_or_else(|| path_error(format!("Path ended with open indexer. Path: {path}")))?;
    let inner: String = c[*i..*i + close].iter().collect();
    *i += close + 1;
    let inner = inner.trim();
    if inner == "*" {
        return Ok(Step::Wildcard);
    }
    if let Some(q) = inner
        .strip_prefix('\'')
        .and_then(|s| s.strip_suffix('\''))
        .or_else(|| inner.strip_prefix('"').and_then(|s| s.strip_suffix('"')))
    {
        return Ok(Step::Name(q.replace("\\'", "'")));
    }
    let idx: Result<Vec<i64>, _> = inner.split(',').map(|p| p.trim().parse::<i64>()).collect();
    match idx {
        Ok(v) if !v.is_empty() => Ok(Step::Indexes(v)),
        _ => Err(DotnetError::unsupported(&format!(
            "the JSONPath expression [{inner}]"
        ))),
    }
}

/// Splits a path into steps.
fn parse_path(path: &str) -> DResult<Vec<Step>> {
    let c: Vec<char> = path.chars().collect();
    let mut i = usize::from(c.first() == Some(&'$'));
    let mut steps = Vec::new();
    while i < c.len() {
        match c[i] {
            '.' if c.get(i + 1) == Some(&'.') => {
                i += 2;
                steps.push(Step::Descend(bare(&c, &mut i)));
            }
            '.' if c.get(i + 1) == Some(&'*') => {
                i += 2;
                steps.push(Step::Wildcard);
            }
            '.' => {
                i += 1;
                let name = bare(&c, &mut i);
                if name.is_empty() {
                    return Err(path_error(format!(
                        "Unexpected end while parsing path. Path: {path}"
                    )));
                }
                steps.push(Step::Name(name));
            }
            '[' => {
                i += 1;
                steps.push(bracket(&c, &mut i, path)?);
            }
            _ => steps.push(Step::Name(bare(&c, &mut i))),
        }
    }
    Ok(steps)
}

/// Every descendant of `t` (depth first), not including `t`.
fn descendants<'a>(t: &'a JToken, out: &mut Vec<&'a JToken>) {
    let children: Vec<&JToken> = match t {
        JToken::Object(map) => map.values().collect(),
        JToken::Array(items) => items.iter().collect(),
        _ => Vec::new(),
    };
    for child in children {
        out.push(child);
        descendants(child, out);
    }
}

/// Applies one step to every current token.
fn apply<'a>(current: Vec<&'a JToken>, step: &Step) -> Vec<&'a JToken> {
    let mut next = Vec::new();
    for t in current {
        match (step, t) {
            (Step::Name(n), JToken::Object(map)) => next.extend(map.get(n)),
            (Step::Indexes(ix), JToken::Array(items)) => {
                next.extend(
                    ix.iter()
                        .filter_map(|&i| usize::try_from(i).ok().and_then(|i| items.get(i))),
                );
            }
            (Step::Wildcard, JToken::Object(map)) => next.extend(map.values()),
            (Step::Wildcard, JToken::Array(items)) => next.extend(items.iter()),
            (Step::Descend(n), _) => {
                let mut all = vec![t];
                descendants(t, &mut all);
                for d in all {
                    if let JToken::Object(map) = d {
                        if n == "*" {
                            next.extend(map.values());
                        } else {
                            next.extend(map.get(n));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    next
}

/// `SelectTokens(path)`.
pub fn select_tokens<'a>(root: &'a JToken, path: &str) -> DResult<Vec<&'a JToken>> {
    let steps = parse_path(path)?;
    Ok(steps.iter().fold(vec![root], |cur, s| apply(cur, s)))
}

/// `SelectToken(path)`: `None` when nothing matches; a `JsonException` when several do.
pub fn select_token<'a>(root: &'a JToken, path: &str) -> DResult<Option<&'a JToken>> {
    let found = select_tokens(root, path)?;
    match found.len() {
        0 => Ok(None),
        1 => Ok(found.first().copied()),
        _ => Err(path_error("Path returned multiple tokens.".into())),
    }
}
