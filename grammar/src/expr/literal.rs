//! Literal scanning and decoding: interpolated-string structure, escapes, numbers.

/// Result of scanning an interpolated string body.
pub enum Scan {
    /// The string ends after this many bytes (closing quote included).
    Done(usize),
    /// No closing quote before the end of input.
    Unterminated,
}

/// A landmark inside an interpolated string, reported for top-level holes only.
#[derive(Clone, Copy, Debug)]
pub enum Event {
    /// A hole's expression starts at this offset (just after `{`).
    HoleStart(usize),
    /// The hole's format clause starts at this offset (the `:`).
    Format(usize),
    /// The hole ends at this offset (the `}`).
    HoleEnd(usize),
}

enum Frame {
    Str { verbatim: bool, interp: bool },
    Hole { nest: u32, fmt: bool },
}

/// Scans an interpolated string body (the bytes after `$"`), iteratively, so nesting
/// depth costs heap, not stack.
pub fn scan_interpolated(b: &[u8], verbatim: bool, on: &mut dyn FnMut(Event)) -> Scan {
    let mut stack = vec![Frame::Str {
        verbatim,
        interp: true,
    }];
    let mut i = 0;
    loop {
        let top_level = stack.len() <= 2;
        let Some(top) = stack.last_mut() else {
            break;
        };
        let Some(&c) = b.get(i) else {
            return Scan::Unterminated;
        };
        let next = b.get(i + 1).copied();
        match top {
            Frame::Str { verbatim, interp } => {
                let (v, interp) = (*verbatim, *interp);
                match c {
                    b'\\' if !v => i += 2,
                    b'\n' if !v => return Scan::Unterminated,
                    b'"' if v && next == Some(b'"') => i += 2,
                    b'"' => {
                        stack.pop();
                        i += 1;
                    }
                    b'{' | b'}' if interp && next == Some(c) => i += 2,
                    b'{' if interp => {
                        stack.push(Frame::Hole {
                            nest: 0,
                            fmt: false,
                        });
                        i += 1;
                        if stack.len() == 2 {
                            on(Event::HoleStart(i));
                        }
                    }
                    _ => i += 1,
                }
            }
            Frame::Hole { fmt: true, .. } => {
                if c == b'}' {
                    stack.pop();
                    if top_level {
                        on(Event::HoleEnd(i));
                    }
                }
                i += 1;
            }
            Frame::Hole { nest, fmt } => match c {
                b'(' | b'[' | b'{' => {
                    *nest += 1;
                    i += 1;
                }
                b')' | b']' => {
                    *nest = nest.saturating_sub(1);
                    i += 1;
                }
                b'}' if *nest == 0 => {
                    stack.pop();
                    if top_level {
                        on(Event::HoleEnd(i));
                    }
                    i += 1;
                }
                b'}' => {
                    *nest -= 1;
                    i += 1;
                }
                b':' if *nest == 0 && next != Some(b':') => {
                    *fmt = true;
                    if top_level {
                        on(Event::Format(i));
                    }
                    i += 1;
                }
                b'\'' => i = skip_char(b, i + 1),
                b'/' if next == Some(b'/') => {
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                }
                b'/' if next == Some(b'*') => {
                    i += 2;
                    while i + 1 < b.len() && !(b[i] == b'*' && b[i + 1] == b'/') {
                        i += 1;
                    }
                    i += 2;
                }
                _ => {
                    let (frame, len) = string_start(&b[i..]);
                    stack.extend(frame);
                    i += len;
                }
            },
        }
    }
    Scan::Done(i)
}

fn string_start(b: &[u8]) -> (Option<Frame>, usize) {
    let s = |verbatim, interp| Some(Frame::Str { verbatim, interp });
    match b {
        [b'"', ..] => (s(false, false), 1),
        [b'@', b'"', ..] => (s(true, false), 2),
        [b'$', b'"', ..] => (s(false, true), 2),
        [b'$', b'@', b'"', ..] | [b'@', b'$', b'"', ..] => (s(true, true), 3),
        _ => (None, 1),
    }
}

fn skip_char(b: &[u8], mut i: usize) -> usize {
    while i < b.len() && b[i] != b'\'' && b[i] != b'\n' {
        i += if b[i] == b'\\' { 2 } else { 1 };
    }
    i + 1
}

/// Decodes the escapes of a regular (non-verbatim) string or char body. On failure
/// returns the byte offset (in `body`) of the bad escape.
pub fn unescape(body: &str, interp: bool) -> Result<String, usize> {
    let plain = match interp {
        false => memchr::memchr(b'\\', body.as_bytes()).is_none(),
        true => memchr::memchr3(b'\\', b'{', b'}', body.as_bytes()).is_none(),
    };
    if plain {
        return Ok(body.to_string());
    }
    let mut out = String::with_capacity(body.len());
    let mut chars = body.char_indices().peekable();
    while let Some((at, c)) = chars.next() {
        if interp && (c == '{' || c == '}') {
            chars.next_if(|&(_, n)| n == c);
            out.push(c);
            continue;
        }
        if c != '\\' {
            out.push(c);
            continue;
        }
        let Some((_, e)) = chars.next() else {
            return Err(at);
        };
        let simple = match e {
            '\'' => '\'',
            '"' => '"',
            '\\' => '\\',
            '0' => '\0',
            'a' => '\u{7}',
            'b' => '\u{8}',
            'f' => '\u{c}',
            'n' => '\n',
            'r' => '\r',
            't' => '\t',
            'v' => '\u{b}',
            'u' | 'x' | 'U' => {
                let max = if e == 'U' { 8 } else { 4 };
                let min = if e == 'x' { 1 } else { max };
                let mut v: u32 = 0;
                let mut n = 0;
                while n < max {
                    match chars.peek().and_then(|&(_, h)| h.to_digit(16)) {
                        Some(d) => v = v * 16 + d,
                        None => break,
                    }
                    chars.next();
                    n += 1;
                }
                if n < min {
                    return Err(at);
                }
                char::from_u32(v).ok_or(at)?
            }
            _ => return Err(at),
        };
        out.push(simple);
    }
    Ok(out)
}

/// Decodes a verbatim string body (`""` → `"`, and `{{`/`}}` when interpolated).
pub fn unverbatim(body: &str, interp: bool) -> String {
    let mut s = body.replace("\"\"", "\"");
    if interp {
        s = s.replace("{{", "{").replace("}}", "}");
    }
    s
}
