//! Expressions at the cursor: the member access being written, its receiver's static type
//! (from the compiler's type checker) and the members of that type (from the runtime's
//! member table).

use gatehouse_compiler::types::{check_block, check_expression, table, Ty};
use gatehouse_grammar::expr::{parse_block, parse_expression};
use gatehouse_grammar::syntax::ExpressionKind;
use gatehouse_grammar::Limits;
use gatehouse_runtime::library::{members, Kind, MemberSpec};

/// A member access being written: `receiver.partial` with the cursor after `partial`.
pub struct Access<'c> {
    /// The receiver's code, e.g. `context.Request.Headers`.
    pub receiver: &'c str,
    /// The start of the receiver in the code.
    pub receiver_start: usize,
    /// The member name typed so far.
    pub partial: &'c str,
}

fn is_ident(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

/// The identifier ending at `at` (possibly empty) and its start.
pub fn word_before(code: &str, at: usize) -> (usize, &str) {
    let at = at.min(code.len());
    let start = code[..at]
        .char_indices()
        .rev()
        .take_while(|(_, c)| is_ident(*c))
        .last()
        .map_or(at, |(i, _)| i);
    (start, &code[start..at])
}

/// The whole identifier around `at`, with its span in the code.
pub fn word_at(code: &str, at: usize) -> Option<(usize, usize)> {
    let (start, _) = word_before(code, at);
    let at = at.min(code.len());
    let end = at
        + code[at..]
            .chars()
            .take_while(|c| is_ident(*c))
            .map(char::len_utf8)
            .sum::<usize>();
    (end > start).then_some((start, end))
}

/// The member access ending at `at`, if the cursor follows `receiver.`.
pub fn access_before(code: &str, at: usize) -> Option<Access<'_>> {
    let (word_start, partial) = word_before(code, at);
    let before = code[..word_start].trim_end();
    let dot = before.strip_suffix('.')?;
    let end = dot.len();
    let start = receiver_start(dot)?;
    let receiver = code[start..end].trim();
    (!receiver.is_empty()).then_some(Access {
        receiver,
        receiver_start: start,
        partial,
    })
}

/// Walks back over a member chain: names, dots, and balanced `(...)`, `[...]`, `<...>`.
fn receiver_start(code: &str) -> Option<usize> {
    let bytes = code.as_bytes();
    let mut i = bytes.len();
    let mut depth: Vec<u8> = Vec::new();
    while i > 0 {
        let b = bytes[i - 1];
        match b {
            b')' | b']' | b'>' => depth.push(b),
            b'(' | b'[' | b'<' if !depth.is_empty() => {
                let open = match depth.pop() {
                    Some(b')') => b'(',
                    Some(b']') => b'[',
                    _ => b'<',
                };
                if open != b {
                    return None;
                }
            }
            _ if !depth.is_empty() => {}
            b'.' | b'_' => {}
            b if b.is_ascii_alphanumeric() || b >= 0x80 => {}
            _ => break,
        }
        i -= 1;
    }
    depth.is_empty().then_some(i)
}

/// The static type of `receiver`, written at `receiver_start` of an expression's code.
pub fn type_of(code: &str, kind: ExpressionKind, receiver: &str, receiver_start: usize) -> Ty {
    let limits = Limits::default();
    if kind == ExpressionKind::Block {
        if let Some(ty) = type_in_block(code, receiver, receiver_start, &limits) {
            return ty;
        }
    }
    match parse_expression(receiver, &limits) {
        Ok(e) => check_expression(&e).ty.unwrap_or(Ty::Unknown),
        Err(_) => Ty::Unknown,
    }
}

/// Types `receiver` after the statements before it, so locals (`var body = ...;`) are
/// known: the block's statements up to the current one, then `return receiver;`.
fn type_in_block(code: &str, receiver: &str, at: usize, limits: &Limits) -> Option<Ty> {
    let prefix = &code[..at];
    let stmt_start = prefix.rfind([';', '{', '}']).map_or(0, |i| i + 1);
    let mut text = String::from(&prefix[..stmt_start]);
    let open = text
        .matches('{')
        .count()
        .saturating_sub(text.matches('}').count());
    if text.ends_with('{') || text.ends_with(';') || text.ends_with('}') || text.is_empty() {
        text.push_str(" return ");
        text.push_str(receiver);
        text.push(';');
    }
    for _ in 0..open {
        text.push('}');
    }
    let block = parse_block(&text, limits).ok()?;
    check_block(&block).ty.filter(|t| *t != Ty::Unknown)
}

/// The members a value (or, for a type name, the type) offers, one per name.
pub fn members_of(ty: &Ty) -> Vec<&'static MemberSpec> {
    let mut out: Vec<&'static MemberSpec> = Vec::new();
    let mut push = |m: &'static MemberSpec| {
        if !out.iter().any(|o| o.name == m.name) {
            out.push(m);
        }
    };
    match ty {
        Ty::TypeName(name) => {
            for m in members().iter().filter(|m| {
                m.ty == &**name && matches!(m.kind, Kind::Static | Kind::StaticProperty)
            }) {
                push(m);
            }
        }
        _ => {
            for t in table::chain(ty) {
                for m in members()
                    .iter()
                    .filter(|m| m.ty == t && matches!(m.kind, Kind::Method | Kind::Property))
                {
                    push(m);
                }
            }
        }
    }
    out
}

/// Every overload of member `name` of `ty`.
pub fn overloads(ty: &Ty, name: &str) -> Vec<&'static MemberSpec> {
    let found = match ty {
        Ty::TypeName(t) => table::statics(t, name),
        _ => table::instance(ty, name),
    };
    match found {
        table::Found::Members(m) => m,
        _ => Vec::new(),
    }
}

/// `Type.Name(params) : ret`, as shown in completion details and hovers.
pub fn signature(m: &MemberSpec) -> String {
    match m.kind {
        Kind::Property | Kind::StaticProperty => format!("{}.{} : {}", m.ty, m.name, m.ret),
        _ => format!("{}.{}({}) : {}", m.ty, m.name, m.params.join(", "), m.ret),
    }
}

/// The types whose static members expressions may use (`DateTime`, `Convert`, ...).
pub fn static_types() -> Vec<&'static str> {
    let mut out: Vec<&'static str> = members()
        .iter()
        .filter(|m| matches!(m.kind, Kind::Static | Kind::StaticProperty))
        .map(|m| m.ty)
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_access_and_types_the_receiver() {
        let code = r#"context.Request.Headers.GetValueOrDefault("a", "").Le"#;
        let a = access_before(code, code.len()).expect("access");
        assert_eq!(
            a.receiver,
            r#"context.Request.Headers.GetValueOrDefault("a", "")"#
        );
        assert_eq!(a.partial, "Le");
        let ty = type_of(code, ExpressionKind::Inline, a.receiver, a.receiver_start);
        assert!(members_of(&ty).iter().any(|m| m.name == "Length"), "{ty:?}");
    }

    #[test]
    fn types_locals_of_a_block() {
        let code = "var r = context.Request;\nif (true) {\n  return r.";
        let a = access_before(code, code.len()).expect("access");
        let ty = type_of(code, ExpressionKind::Block, a.receiver, a.receiver_start);
        assert!(
            members_of(&ty).iter().any(|m| m.name == "Headers"),
            "{ty:?}"
        );
    }
}
