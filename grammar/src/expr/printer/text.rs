//! Source spelling of identifiers, strings and chars.

const KEYWORDS: &[&str] = &[
    "as",
    "base",
    "bool",
    "break",
    "byte",
    "case",
    "catch",
    "char",
    "checked",
    "const",
    "continue",
    "decimal",
    "default",
    "do",
    "double",
    "else",
    "false",
    "finally",
    "float",
    "for",
    "foreach",
    "if",
    "in",
    "int",
    "is",
    "long",
    "new",
    "null",
    "object",
    "out",
    "ref",
    "return",
    "sbyte",
    "short",
    "string",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "uint",
    "ulong",
    "unchecked",
    "ushort",
    "using",
    "void",
    "while",
];

/// Contextual keywords that would change how the parser reads the tree.
const CONTEXTUAL: &[&str] = &["nameof", "not", "and", "or", "when", "_"];

/// An identifier, `@`-prefixed if it is a reserved or parse-affecting contextual keyword.
pub(super) fn ident(name: &str) -> String {
    if KEYWORDS.contains(&name) || CONTEXTUAL.contains(&name) {
        format!("@{name}")
    } else {
        name.to_string()
    }
}

fn escape_into(out: &mut String, c: char, quote: char, interp: bool) {
    match c {
        '\\' => out.push_str("\\\\"),
        '\n' => out.push_str("\\n"),
        '\r' => out.push_str("\\r"),
        '\t' => out.push_str("\\t"),
        '\0' => out.push_str("\\0"),
        '{' | '}' if interp => {
            out.push(c);
            out.push(c);
        }
        c if c == quote => {
            out.push('\\');
            out.push(c);
        }
        c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' || c == '\u{85}' => {
            out.push_str(&format!("\\u{:04X}", c as u32));
        }
        c => out.push(c),
    }
}

/// A regular string literal (with `{{`/`}}` doubling when `interp`).
pub(super) fn string_lit(s: &str, interp: bool) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        escape_into(&mut out, c, '"', interp);
    }
    out.push('"');
    out
}

/// A char literal.
pub(super) fn char_lit(c: char) -> String {
    let mut out = String::from("'");
    escape_into(&mut out, c, '\'', false);
    out.push('\'');
    out
}
