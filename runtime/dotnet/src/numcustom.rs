//! Custom numeric format strings (`0.00`, `#,##0`, `0.###E+0`, sections): .NET's `NumberToStringFormat`.

use super::error::DResult;
use super::numbuf::{Kind, NumBuf, Round};
use super::numfmt::exponent;

/// What a scan of one format section found.
#[derive(Debug, Default)]
struct Section {
    digit_count: i32,
    decimal_pos: i32,
    first_digit: i32,
    last_digit: i32,
    scientific: bool,
    thousand_seps: bool,
    scale_adjust: i32,
}

/// Index of the start of `section` (0 positive, 1 negative, 2 zero), 0 when absent.
fn find_section(f: &[char], section: usize) -> usize {
    if section == 0 {
        return 0;
    }
    let (mut src, mut left) = (0usize, section);
    while src < f.len() {
        let ch = f[src];
        src += 1;
        match ch {
            '\'' | '"' => {
                while src < f.len() && f[src] != ch {
                    src += 1;
                }
                src += 1;
            }
            '\\' => src += 1,
            ';' => {
                left -= 1;
                if left == 0 {
                    return if src < f.len() && f[src] != ';' {
                        src
                    } else {
                        0
                    };
                }
            }
            _ => {}
        }
    }
    0
}

/// Scans a section for its placeholders.
fn scan(f: &[char], start: usize) -> Section {
    let mut s = Section {
        decimal_pos: -1,
        first_digit: i32::MAX,
        ..Section::default()
    };
    let (mut thousand_pos, mut thousand_count) = (-1i32, 0i32);
    let mut src = start;
    while src < f.len() && f[src] != ';' {
        let ch = f[src];
        src += 1;
        match ch {
            '#' => s.digit_count += 1,
            '0' => {
                if s.first_digit == i32::MAX {
                    s.first_digit = s.digit_count;
                }
                s.digit_count += 1;
                s.last_digit = s.digit_count;
            }
            '.' if s.decimal_pos < 0 => s.decimal_pos = s.digit_count,
            ',' if s.digit_count > 0 && s.decimal_pos < 0 => {
                if thousand_pos >= 0 {
                    if thousand_pos == s.digit_count {
                        thousand_count += 1;
                        continue;
                    }
                    s.thousand_seps = true;
                }
                thousand_pos = s.digit_count;
                thousand_count = 1;
            }
            '%' => s.scale_adjust += 2,
            '\u{2030}' => s.scale_adjust += 3,
            '\'' | '"' => {
                while src < f.len() && f[src] != ch {
                    src += 1;
                }
                src += 1;
            }
            '\\' => src += 1,
            'E' | 'e' => {
                let at = |i: usize| f.get(i).copied().unwrap_or('\0');
                if at(src) == '0' || (matches!(at(src), '+' | '-') && at(src + 1) == '0') {
                    src += 1;
                    while at(src) == '0' {
                        src += 1;
                    }
                    s.scientific = true;
                }
            }
            _ => {}
        }
    }
    if s.decimal_pos < 0 {
        s.decimal_pos = s.digit_count;
    }
    if thousand_pos >= 0 {
        if thousand_pos == s.decimal_pos {
            s.scale_adjust -= thousand_count * 3;
        } else {
            s.thousand_seps = true;
        }
    }
    s
}

/// Formats `buf` with a custom numeric format string (invariant culture).
pub(crate) fn format_custom(mut buf: NumBuf, format: &str) -> DResult<String> {
    let f: Vec<char> = format.chars().collect();
    let which = if buf.is_zero() {
        2
    } else if buf.neg {
        1
    } else {
        0
    };
    let mut section = find_section(&f, which);
    let mut s = scan(&f, section);
    if buf.is_zero() {
        if buf.kind != Kind::Float {
            buf.neg = false;
        }
        buf.scale = 0;
    } else {
        buf.scale += s.scale_adjust;
        let pos = if s.scientific {
            s.digit_count
        } else {
            buf.scale + s.digit_count - s.decimal_pos
        };
        buf.round(pos, Round::HalfUp);
        if buf.is_zero() {
            let zero = find_section(&f, 2);
            if zero != section {
                section = zero;
                s = scan(&f, section);
            }
        }
    }
    Ok(render(&buf, &f, section, &s))
}

/// Writes the digits through the section's pattern.
fn render(buf: &NumBuf, f: &[char], section: usize, s: &Section) -> String {
    let first_digit = if s.first_digit < s.decimal_pos {
        s.decimal_pos - s.first_digit
    } else {
        0
    };
    let last_digit = if s.last_digit > s.decimal_pos {
        s.decimal_pos - s.last_digit
    } else {
        0
    };
    let (mut dig_pos, mut adjust) = if s.scientific {
        (s.decimal_pos, 0)
    } else {
        (buf.scale.max(s.decimal_pos), buf.scale - s.decimal_pos)
    };
    let mut seps: Vec<i32> = Vec::new();
    if s.thousand_seps {
        let total = dig_pos + adjust.min(0);
        let num = first_digit.max(total);
        let mut group = 3;
        while num > group {
            seps.push(group);
            group += 3;
        }
    }
    let mut out = String::new();
    let neg_prefix = buf.neg && section == 0;
    if neg_prefix && buf.scale != 0 {
        out.push('-');
    }
    let mut cur = 0usize;
    let mut decimal_written = false;
    let mut src = section;
    let mut scientific = s.scientific;
    let push_sep = |out: &mut String, seps: &mut Vec<i32>, dig_pos: i32| {
        if s.thousand_seps && dig_pos > 1 && seps.last().is_some_and(|&p| dig_pos == p + 1) {
            out.push(',');
            seps.pop();
        }
    };
    while src < f.len() && f[src] != ';' {
        let ch = f[src];
        src += 1;
        if adjust > 0 && matches!(ch, '#' | '0' | '.') {
            while adjust > 0 {
                out.push(if cur < buf.digits.len() {
                    buf.digits[cur] as char
                } else {
                    '0'
                });
                cur += 1;
                push_sep(&mut out, &mut seps, dig_pos);
                dig_pos -= 1;
                adjust -= 1;
            }
        }
        match ch {
            '#' | '0' => {
                let c = if adjust < 0 {
                    adjust += 1;
                    (dig_pos <= first_digit).then_some('0')
                } else if cur < buf.digits.len() {
                    cur += 1;
                    Some(buf.digits[cur - 1] as char)
                } else {
                    (dig_pos > last_digit).then_some('0')
                };
                if let Some(c) = c {
                    out.push(c);
                    push_sep(&mut out, &mut seps, dig_pos);
                }
                dig_pos -= 1;
            }
            '.' => {
                if dig_pos == 0
                    && !decimal_written
                    && (last_digit < 0 || (s.decimal_pos < s.digit_count && cur < buf.digits.len()))
                {
                    out.push('.');
                    decimal_written = true;
                }
            }
            '\u{2030}' => out.push('‰'),
            '%' => out.push('%'),
            ',' => {}
            '\'' | '"' => {
                while src < f.len() && f[src] != ch {
                    out.push(f[src]);
                    src += 1;
                }
                src += 1;
            }
            '\\' => {
                if let Some(&c) = f.get(src) {
                    out.push(c);
                    src += 1;
                }
            }
            'E' | 'e' => src = exponent_part(buf, f, src, ch, s, &mut scientific, &mut out),
            _ => out.push(ch),
        }
    }
    if neg_prefix && buf.scale == 0 && !out.is_empty() {
        out.insert(0, '-');
    }
    out
}

/// Writes an `E+00`-style exponent (or the literal text) and returns the new source index.
fn exponent_part(
    buf: &NumBuf,
    f: &[char],
    mut src: usize,
    ch: char,
    s: &Section,
    sci: &mut bool,
    out: &mut String,
) -> usize {
    let at = |i: usize| f.get(i).copied().unwrap_or('\0');
    if !*sci {
        out.push(ch);
        if matches!(at(src), '+' | '-') {
            out.push(at(src));
            src += 1;
        }
        while at(src) == '0' {
            out.push('0');
            src += 1;
        }
        return src;
    }
    let mut zeros = 0usize;
    let mut plus = false;
    match (at(src), at(src + 1)) {
        ('0', _) => zeros += 1,
        ('+', '0') => plus = true,
        ('-', '0') => {}
        _ => {
            out.push(ch);
            return src;
        }
    }
    src += 1;
    while at(src) == '0' {
        zeros += 1;
        src += 1;
    }
    let exp = if buf.is_zero() {
        0
    } else {
        buf.scale - s.decimal_pos
    };
    out.push_str(&exponent(exp, ch as u8, zeros.min(10), plus));
    *sci = false;
    src
}
