//! `System.Text.RegularExpressions.Regex` on fancy-regex: `IsMatch`, `Match`, `Matches`, `Replace`,
//! `Split`, `Escape`, `Unescape`. Indexes and lengths are UTF-16 code units.
//!
//! `\d`, `\w` and `\s` are Unicode-aware as in .NET. A backtrack limit stands in for the match
//! timeout: exceeding it raises `RegexMatchTimeoutException`.

use super::error::{DResult, DotnetError, ExceptionKind};
use super::retranslate::{translate, GroupInfo};

/// `RegexOptions` flags that policy expressions use.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RegexOptions {
    /// `IgnoreCase`.
    pub ignore_case: bool,
    /// `Multiline`: `^`/`$` at line boundaries.
    pub multiline: bool,
    /// `Singleline`: `.` matches `\n`.
    pub singleline: bool,
    /// `IgnorePatternWhitespace`.
    pub ignore_pattern_whitespace: bool,
    /// `ExplicitCapture`: plain `(…)` does not capture.
    pub explicit_capture: bool,
}

/// One group of a match: `Success`, `Value`, `Index`, `Length`, `Name`.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Group {
    /// The group name (`"0"` for the whole match, `"1"` for unnamed group 1).
    pub name: String,
    /// The .NET group number.
    pub number: usize,
    /// Whether the group took part in the match.
    pub success: bool,
    /// The captured text (empty when not successful).
    pub value: String,
    /// UTF-16 index of the capture in the input.
    pub index: usize,
    /// UTF-16 length of the capture.
    pub length: usize,
}

/// A `Match`: the whole match is `groups[0]`; groups are in .NET number order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Match {
    /// Groups in .NET order; `groups[0]` is the whole match.
    pub groups: Vec<Group>,
    /// Byte range of the whole match (for internal use by replace and split).
    span: (usize, usize),
}

impl Match {
    /// `Success`.
    pub fn success(&self) -> bool {
        self.groups.first().is_some_and(|g| g.success)
    }

    /// `Value`.
    pub fn value(&self) -> &str {
        self.groups.first().map_or("", |g| g.value.as_str())
    }

    /// `Index` (UTF-16).
    pub fn index(&self) -> usize {
        self.groups.first().map_or(0, |g| g.index)
    }

    /// `Groups[name]`: a failed empty group when the name is unknown, as in .NET.
    /// A name that is not a group name but a number selects the group of that number.
    pub fn group(&self, name: &str) -> Group {
        self.lookup(name).cloned().unwrap_or_default()
    }

    /// The group called `name`, or numbered `name`.
    fn lookup(&self, name: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.name == name).or_else(|| {
            let n: usize = name.parse().ok()?;
            self.groups.iter().find(|g| g.number == n)
        })
    }
}

/// A compiled .NET regex.
#[derive(Debug)]
pub struct Regex {
    re: fancy_regex::Regex,
    groups: Vec<GroupInfo>,
}

/// Maps fancy-regex run-time errors to .NET exceptions.
fn run_error(e: fancy_regex::Error) -> DotnetError {
    match e {
        fancy_regex::Error::RuntimeError(_) => DotnetError::new(
            ExceptionKind::RegexMatchTimeout,
            "The Regex engine has timed out while trying to match a pattern to an input string.",
        ),
        other => DotnetError::new(ExceptionKind::RegexParse, other.to_string()),
    }
}

/// UTF-16 length of `s`.
fn u16len(s: &str) -> usize {
    s.encode_utf16().count()
}

impl Regex {
    /// `new Regex(pattern, options)`; `backtrack_limit` bounds the work of one match.
    pub fn new(pattern: &str, opts: RegexOptions, backtrack_limit: usize) -> DResult<Self> {
        let t = translate(pattern, opts.explicit_capture, opts.multiline)?;
        let mut flags = String::new();
        for (on, f) in [
            (opts.ignore_case, 'i'),
            (opts.multiline, 'm'),
            (opts.singleline, 's'),
            (opts.ignore_pattern_whitespace, 'x'),
        ] {
            if on {
                flags.push(f);
            }
        }
        let source = if flags.is_empty() {
            t.pattern
        } else {
            format!("(?{flags}){}", t.pattern)
        };
        let re = fancy_regex::RegexBuilder::new(&source)
            .backtrack_limit(backtrack_limit)
            .build()
            .map_err(|e| {
                DotnetError::new(
                    ExceptionKind::RegexParse,
                    format!("Invalid pattern '{pattern}': {e}"),
                )
            })?;
        Ok(Self {
            re,
            groups: t.groups,
        })
    }

    /// `GetGroupNames()` in .NET order, `"0"` first.
    pub fn group_names(&self) -> Vec<String> {
        std::iter::once("0".to_string())
            .chain(self.groups.iter().map(|g| g.name.clone()))
            .collect()
    }

    /// `IsMatch(input)`.
    pub fn is_match(&self, input: &str) -> DResult<bool> {
        self.re.is_match(input).map_err(run_error)
    }

    /// Builds a `Match` from fancy-regex captures.
    fn to_match(&self, input: &str, caps: &fancy_regex::Captures<'_>) -> Match {
        let group = |name: String, number: usize, m: Option<fancy_regex::Match<'_>>| match m {
            Some(m) => Group {
                name,
                number,
                success: true,
                value: m.as_str().to_string(),
                index: u16len(&input[..m.start()]),
                length: u16len(m.as_str()),
            },
            None => Group {
                name,
                number,
                ..Group::default()
            },
        };
        let whole = caps.get(0);
        let span = whole.map_or((0, 0), |m| (m.start(), m.end()));
        let mut groups = vec![group("0".into(), 0, whole)];
        groups.extend(
            self.groups
                .iter()
                .map(|g| group(g.name.clone(), g.number, caps.get(g.inner))),
        );
        Match { groups, span }
    }

    /// `Match(input)`: a failed `Match` (`Success == false`) when there is none.
    pub fn find(&self, input: &str) -> DResult<Match> {
        match self.re.captures(input).map_err(run_error)? {
            Some(caps) => Ok(self.to_match(input, &caps)),
            None => Ok(Match {
                groups: vec![Group {
                    name: "0".into(),
                    ..Group::default()
                }],
                span: (0, 0),
            }),
        }
    }

    /// `Matches(input)`.
    pub fn matches(&self, input: &str) -> DResult<Vec<Match>> {
        self.re
            .captures_iter(input)
            .map(|c| c.map(|c| self.to_match(input, &c)).map_err(run_error))
            .collect()
    }

    /// `Replace(input, replacement)` with .NET substitutions (`$1`, `${name}`, `$0`, `$&`, `$$`,
    /// `` $` ``, `$'`, `$+`, `$_`); `count` limits the replacements (`None` or -1: all).
    pub fn replace(&self, input: &str, replacement: &str, count: Option<i64>) -> DResult<String> {
        let limit = match count {
            Some(c) if c >= 0 => c as usize,
            _ => usize::MAX,
        };
        let mut out = String::new();
        let mut last = 0;
        for m in self.matches(input)?.into_iter().take(limit) {
            out.push_str(&input[last..m.span.0]);
            self.substitute(&mut out, replacement, &m, input);
            last = m.span.1;
        }
        out.push_str(&input[last..]);
        Ok(out)
    }

    /// `Replace(input, evaluator)`: the callback returns each replacement.
    pub fn replace_with(
        &self,
        input: &str,
        mut eval: impl FnMut(&Match) -> DResult<String>,
    ) -> DResult<String> {
        let mut out = String::new();
        let mut last = 0;
        for m in self.matches(input)? {
            out.push_str(&input[last..m.span.0]);
            out.push_str(&eval(&m)?);
            last = m.span.1;
        }
        out.push_str(&input[last..]);
        Ok(out)
    }

    /// Expands one replacement pattern for match `m`.
    fn substitute(&self, out: &mut String, rep: &str, m: &Match, input: &str) {
        let c: Vec<char> = rep.chars().collect();
        let mut i = 0;
        let group = |key: &str| m.lookup(key).map(|g| g.value.clone());
        while i < c.len() {
            if c[i] != '$' || i + 1 == c.len() {
                out.push(c[i]);
                i += 1;
                continue;
            }
            let next = c[i + 1];
            let digits = c[i + 1..].iter().take_while(|d| d.is_ascii_digit()).count();
            let (text, used) = match next {
                '$' => (Some("$".to_string()), 2),
                '&' => (Some(m.value().to_string()), 2),
                '`' => (Some(input[..m.span.0].to_string()), 2),
                '\'' => (Some(input[m.span.1..].to_string()), 2),
                '_' => (Some(input.to_string()), 2),
                '+' => (
                    Some(m.groups.last().map_or(String::new(), |g| g.value.clone())),
                    2,
                ),
                '{' => match c[i + 2..].iter().position(|&x| x == '}') {
                    Some(len) => {
                        let key: String = c[i + 2..i + 2 + len].iter().collect();
                        let key = key.parse::<usize>().map_or(key.clone(), |n| n.to_string());
                        (group(&key), len + 3)
                    }
                    None => (None, 0),
                },
                _ if digits > 0 => {
                    let key: String = c[i + 1..i + 1 + digits].iter().collect();
                    let key = key.parse::<usize>().map_or(key, |n| n.to_string());
                    (group(&key), digits + 1)
                }
                _ => (None, 0),
            };
            match text {
                Some(t) => {
                    out.push_str(&t);
                    i += used;
                }
                None => {
                    out.push('$');
                    i += 1;
                }
            }
        }
    }

    /// `Split(input)`: pieces between matches, with captured groups' text spliced in (as .NET).
    pub fn split(&self, input: &str) -> DResult<Vec<String>> {
        let mut out = Vec::new();
        let mut last = 0;
        for m in self.matches(input)? {
            out.push(input[last..m.span.0].to_string());
            out.extend(
                m.groups
                    .iter()
                    .skip(1)
                    .filter(|g| g.success)
                    .map(|g| g.value.clone()),
            );
            last = m.span.1;
        }
        out.push(input[last..].to_string());
        Ok(out)
    }
}

/// `Regex.Escape(s)`: escapes `\ * + ? | { [ ( ) ^ $ . #` and white space.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '\\' | '*' | '+' | '?' | '|' | '{' | '[' | '(' | ')' | '^' | '$' | '.' | '#' | ' ' => {
                out.push('\\');
                out.push(c);
            }
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\u{c}' => out.push_str("\\f"),
            _ => out.push(c),
        }
    }
    out
}

/// `Regex.Unescape(s)`: resolves `\t \n \r \f \e \a`, `\xHH`, `\uHHHH` and `\<char>`.
pub fn unescape(s: &str) -> DResult<String> {
    let c: Vec<char> = s.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < c.len() {
        if c[i] != '\\' {
            out.push(c[i]);
            i += 1;
            continue;
        }
        let next = *c.get(i + 1).ok_or_else(|| {
            DotnetError::new(ExceptionKind::RegexParse, "Illegal \\ at end of pattern.")
        })?;
        let hex = |n: usize| -> DResult<char> {
            let text: String = c.iter().skip(i + 2).take(n).collect();
            u32::from_str_radix(&text, 16)
                .ok()
                .filter(|_| text.len() == n)
                .and_then(char::from_u32)
                .ok_or_else(|| {
                    DotnetError::new(
                        ExceptionKind::RegexParse,
                        "Insufficient hexadecimal digits.",
                    )
                })
        };
        let (ch, used) = match next {
            't' => ('\t', 2),
            'n' => ('\n', 2),
            'r' => ('\r', 2),
            'f' => ('\u{c}', 2),
            'e' => ('\u{1b}', 2),
            'a' => ('\u{7}', 2),
            'x' => (hex(2)?, 4),
            'u' => (hex(4)?, 6),
            other => (other, 2),
        };
        out.push(ch);
        i += used;
    }
    Ok(out)
}
