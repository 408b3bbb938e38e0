//! Finds the end of a `@(...)` / `@{...}` region with C#-aware bracket matching, decoding entities.

use super::entities::{self, Entity};
use crate::syntax::{OffsetMap, SyntaxError};
use crate::Span;

/// Where the region's bytes are: markup (entities decoded) or CDATA (taken as they are).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Source {
    /// An attribute value delimited by this quote: `&quot;` and friends are decoded.
    Attribute(u8),
    /// Element text: entities are decoded.
    Text,
    /// Inside `<![CDATA[ ... ]]>`: no decoding.
    CData,
}

/// A scanned expression region.
pub(crate) struct Region {
    /// The decoded code between the brackets.
    pub code: String,
    /// Where each byte of `code` came from.
    pub map: OffsetMap,
    /// Offset just past the closing bracket in the file.
    pub end: usize,
}

/// The lexical state of C# code while scanning.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Mode {
    Code,
    Str { verbatim: bool, interp: bool },
    Char,
    LineComment,
    BlockComment,
}

/// An open bracket: the closer we expect, or an interpolation hole to return from.
#[derive(Clone, Copy)]
enum Open {
    Bracket(char, usize),
    Hole { verbatim: bool },
}

/// Scans the region whose `@` is at `start`; `src[start + 1]` is `(` or `{`.
/// `limit` is where the region must end at the latest (end of the CDATA section or file).
pub(crate) fn scan(
    src: &str,
    start: usize,
    limit: usize,
    source: Source,
) -> Result<Region, SyntaxError> {
    let mut r = Reader::new(src, start + 2, limit, source);
    let opener = src.as_bytes()[start + 1] as char;
    let mut stack = vec![Open::Bracket(closer(opener), start + 1)];
    let mut mode = Mode::Code;
    let mut token_start = start + 2;
    loop {
        r.skip_insignificant(mode);
        let Some((c, at)) = r.next() else { break };
        mode = match mode {
            Mode::Code => match c {
                '"' | '@' | '$' => {
                    token_start = at;
                    string_start(&mut r, c).unwrap_or(Mode::Code)
                }
                '\'' => {
                    token_start = at;
                    Mode::Char
                }
                '/' if r.eat('/') => Mode::LineComment,
                '/' if r.eat('*') => {
                    token_start = at;
                    Mode::BlockComment
                }
                '(' | '[' | '{' => {
                    stack.push(Open::Bracket(closer(c), at));
                    Mode::Code
                }
                ')' | ']' | '}' => match close(&mut stack, c, at)? {
                    Closed::Region => return Ok(r.finish()),
                    Closed::Code => Mode::Code,
                    Closed::Hole { verbatim } => Mode::Str {
                        verbatim,
                        interp: true,
                    },
                },
                _ => Mode::Code,
            },
            Mode::Str { verbatim, interp } => string_char(&mut r, &mut stack, c, verbatim, interp)
                .ok_or_else(|| string_error(src, start, token_start, at, source))?,
            Mode::Char => match c {
                '\\' => {
                    r.next();
                    Mode::Char
                }
                '\'' => Mode::Code,
                '\n' => return Err(unterminated("character literal", token_start, at)),
                _ => Mode::Char,
            },
            Mode::LineComment if c == '\n' => Mode::Code,
            Mode::BlockComment if c == '*' && r.eat('/') => Mode::Code,
            m => m,
        };
    }
    Err(unclosed(src, start, mode, token_start, limit))
}

fn closer(open: char) -> char {
    match open {
        '(' => ')',
        '[' => ']',
        _ => '}',
    }
}

enum Closed {
    Region,
    Code,
    Hole { verbatim: bool },
}

fn close(stack: &mut Vec<Open>, c: char, at: usize) -> Result<Closed, SyntaxError> {
    match stack.pop() {
        Some(Open::Bracket(want, _)) if want == c => Ok(if stack.is_empty() {
            Closed::Region
        } else {
            Closed::Code
        }),
        Some(Open::Hole { verbatim }) if c == '}' => Ok(Closed::Hole { verbatim }),
        Some(Open::Bracket(want, open_at)) => Err(SyntaxError::new(
            "syntax::mismatched-bracket",
            format!("`{c}` does not match the `{}` it closes", opener_of(want)),
            Span::new(at, at + 1),
            format!("expected `{want}`"),
        )
        .with_help(format!(
            "the bracket opened at byte {open_at} is closed by `{want}`"
        ))),
        _ => Err(SyntaxError::new(
            "syntax::mismatched-bracket",
            format!("`{c}` closes nothing"),
            Span::new(at, at + 1),
            "unexpected closing bracket",
        )),
    }
}

fn opener_of(closer: char) -> char {
    match closer {
        ')' => '(',
        ']' => '[',
        _ => '{',
    }
}

/// After `"`, `@` or `$` in code: the string mode it starts, if any.
fn string_start(r: &mut Reader<'_>, c: char) -> Option<Mode> {
    let other = if c == '@' { '$' } else { '@' };
    match c {
        '"' => Some(Mode::Str {
            verbatim: false,
            interp: false,
        }),
        '@' if r.eat('"') => Some(Mode::Str {
            verbatim: true,
            interp: false,
        }),
        '$' if r.eat('"') => Some(Mode::Str {
            verbatim: false,
            interp: true,
        }),
        '@' | '$' if r.peek() == Some(other) && r.peek2() == Some('"') => {
            r.next();
            r.next();
            Some(Mode::Str {
                verbatim: true,
                interp: true,
            })
        }
        _ => None,
    }
}

/// One character inside a string literal; `None` if the string is unterminated.
fn string_char(
    r: &mut Reader<'_>,
    stack: &mut Vec<Open>,
    c: char,
    verbatim: bool,
    interp: bool,
) -> Option<Mode> {
    let same = Mode::Str { verbatim, interp };
    match c {
        '\\' if !verbatim => {
            r.next();
            Some(same)
        }
        '"' if verbatim && r.eat('"') => Some(same),
        '"' => Some(Mode::Code),
        '{' if interp && r.eat('{') => Some(same),
        '{' if interp => {
            stack.push(Open::Hole { verbatim });
            Some(Mode::Code)
        }
        '\n' if !verbatim => None,
        _ => Some(same),
    }
}

/// An unterminated string that starts with the attribute's own quote is most likely the
/// attribute's closing quote: the expression before it is missing its closing bracket.
fn string_error(
    src: &str,
    start: usize,
    token_start: usize,
    at: usize,
    source: Source,
) -> SyntaxError {
    match source {
        Source::Attribute(q) if src.as_bytes()[token_start] == q => {
            let (close, form) = match src.as_bytes()[start + 1] {
                b'(' => (')', "@(...)"),
                _ => ('}', "@{...}"),
            };
            SyntaxError::new(
                "syntax::unclosed-expression",
                format!("policy expression `{form}` is not closed before the attribute ends"),
                Span::new(token_start, token_start + 1),
                format!("the attribute ends here, but the expression still needs `{close}`"),
            )
            .with_help(format!("add the missing `{close}` before the closing quote (brackets opened inside the expression must be closed too)"))
        }
        _ => unterminated("string literal", token_start, at),
    }
}

fn unterminated(what: &str, start: usize, at: usize) -> SyntaxError {
    SyntaxError::new(
        "syntax::unterminated-literal",
        format!("this {what} is not closed before the end of the line"),
        Span::new(start, at.max(start + 1)),
        format!("{what} starts here"),
    )
    .with_help("close the literal on the same line, or use a verbatim string `@\"...\"` for text over several lines")
}

fn unclosed(src: &str, start: usize, mode: Mode, token_start: usize, limit: usize) -> SyntaxError {
    let (close, form) = match src.as_bytes()[start + 1] {
        b'(' => (')', "@(...)"),
        _ => ('}', "@{...}"),
    };
    let in_what = match mode {
        Mode::Str { .. } => Some("a string literal"),
        Mode::Char => Some("a character literal"),
        Mode::BlockComment => Some("a comment"),
        _ => None,
    };
    let err = SyntaxError::new(
        "syntax::unclosed-expression",
        format!("policy expression `{form}` is never closed"),
        Span::new(start, start + 2),
        "expression starts here",
    );
    match in_what {
        Some(what) if token_start < limit => err.with_help(format!(
            "the expression ends inside {what} that starts at byte {token_start}; close it, then add `{close}`"
        )),
        _ => err.with_help(format!("add the matching `{close}` at the end of the expression")),
    }
}

/// Reads decoded characters from the file, recording where entities were decoded.
///
/// Works on bytes: everything C# syntax cares about is ASCII, so a non-ASCII byte is
/// reported as [`OTHER`]. The decoded code is built lazily: plain runs are copied from the
/// file in one piece when an entity interrupts them or the region ends.
struct Reader<'a> {
    src: &'a str,
    pos: usize,
    limit: usize,
    source: Source,
    code: String,
    /// File offset up to which `code` holds the region's text.
    copied: usize,
    map: OffsetMap,
}

/// Bytes that can change the state of each mode (`&` always may: it can start an entity).
const CODE: [bool; 256] = table(b"\"'@$/()[]{}&");
const STR: [bool; 256] = table(b"\\\"{\n&");
const CHAR: [bool; 256] = table(b"\\'\n&");
const LINE_COMMENT: [bool; 256] = table(b"\n&");
const BLOCK_COMMENT: [bool; 256] = table(b"*&");

const fn table(bytes: &[u8]) -> [bool; 256] {
    let mut t = [false; 256];
    let mut i = 0;
    while i < bytes.len() {
        t[bytes[i] as usize] = true;
        i += 1;
    }
    t
}

/// The bytes that can matter in `mode`.
fn significant(mode: Mode) -> &'static [bool; 256] {
    match mode {
        Mode::Code => &CODE,
        Mode::Str { .. } => &STR,
        Mode::Char => &CHAR,
        Mode::LineComment => &LINE_COMMENT,
        Mode::BlockComment => &BLOCK_COMMENT,
    }
}

/// Stands for any non-ASCII character, which never matters to bracket matching.
const OTHER: char = '\u{80}';

impl<'a> Reader<'a> {
    fn new(src: &'a str, pos: usize, limit: usize, source: Source) -> Self {
        Reader {
            src,
            pos,
            limit,
            source,
            code: String::new(),
            copied: pos,
            map: OffsetMap {
                base: pos as u32,
                checkpoints: Vec::new(),
            },
        }
    }

    /// The next decoded character and its file offset.
    fn next(&mut self) -> Option<(char, usize)> {
        let at = self.pos;
        let (c, len) = self.decode(at)?;
        self.pos += len;
        if len > 1 {
            self.code.push_str(&self.src[self.copied..at]);
            self.code.push(c);
            self.copied = self.pos;
            self.map
                .checkpoints
                .push((self.code.len() as u32, self.pos as u32));
        }
        Some((if c.is_ascii() { c } else { OTHER }, at))
    }

    /// Skips bytes that cannot change `mode`'s state. The lazy copy of `code` makes this free.
    fn skip_insignificant(&mut self, mode: Mode) {
        let rest = &self.src.as_bytes()[self.pos..self.limit];
        let table = significant(mode);
        let n = rest
            .iter()
            .position(|&b| table[b as usize])
            .unwrap_or(rest.len());
        self.pos += n;
    }

    /// The character at `at` and its length in the file; only entities are longer than 1.
    fn decode(&self, at: usize) -> Option<(char, usize)> {
        let b = *self.src.as_bytes()[..self.limit].get(at)?;
        if b == b'&' && self.source != Source::CData {
            if let Entity::Char(d, len) = entities::read(&self.src.as_bytes()[at..self.limit]) {
                return Some((d, len));
            }
        }
        Some((if b.is_ascii() { b as char } else { OTHER }, 1))
    }

    fn peek(&self) -> Option<char> {
        self.decode(self.pos).map(|(c, _)| c)
    }

    fn peek2(&self) -> Option<char> {
        let (_, len) = self.decode(self.pos)?;
        self.decode(self.pos + len).map(|(c, _)| c)
    }

    fn eat(&mut self, want: char) -> bool {
        if self.peek() == Some(want) {
            self.next();
            true
        } else {
            false
        }
    }

    /// The region ends with the closing bracket just read, which is not part of the code.
    fn finish(mut self) -> Region {
        let close_at = self.pos - 1;
        if self.copied <= close_at {
            self.code.push_str(&self.src[self.copied..close_at]);
        } else {
            // The bracket itself was written as a character reference.
            self.code.pop();
        }
        let len = self.code.len();
        self.map.checkpoints.retain(|&(d, _)| (d as usize) <= len);
        Region {
            code: self.code,
            map: self.map,
            end: self.pos,
        }
    }
}
