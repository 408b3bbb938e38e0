//! Member signatures as typed data: every table entry's parameter and return types, read
//! once from the table's C# notation (`"IEnumerable<T>"`, `"params object[]"`,
//! `"string|char"`, `"Func<T, bool>"`) when the index is built. The checker reads these
//! types; nothing else parses the notation.

/// A type in a member signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SigTy {
    /// `object` or `dynamic`: any value.
    Object,
    /// `number`: any numeric type.
    Number,
    /// `void`.
    Void,
    /// A generic parameter of the member or its receiver (`T`, `K`, `V`, `R`, `A`).
    Generic(&'static str),
    /// A named type with its type arguments (`string`, `List<T>`, `Type`).
    Named(&'static str, Vec<SigTy>),
    /// `E[]`.
    Array(Box<SigTy>),
    /// `E?`.
    Nullable(Box<SigTy>),
    /// `Func<A.., R>`: parameter types and result.
    Func(Vec<SigTy>, Box<SigTy>),
    /// `A|B`: any of the alternatives (overloads folded into one entry).
    Either(Vec<SigTy>),
}

/// One parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Param {
    /// Its type (for `params E[]`, the array type).
    pub ty: SigTy,
    /// `params`: takes any number of further arguments.
    pub variadic: bool,
    /// `out`: written by the member.
    pub out: bool,
}

/// A member's signature.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Sig {
    /// The parameters, in order.
    pub params: Vec<Param>,
    /// The return type (a property's type).
    pub ret: SigTy,
}

impl Sig {
    /// Reads a table entry's parameter and return notation.
    pub fn read(params: &[&'static str], ret: &'static str) -> Sig {
        Sig {
            params: params.iter().map(|p| param(p)).collect(),
            ret: ty(ret),
        }
    }

    /// Whether the last parameter is `params`.
    pub fn is_variadic(&self) -> bool {
        self.params.last().is_some_and(|p| p.variadic)
    }

    /// Whether `argc` arguments fit (a variadic member takes its fixed part and more).
    pub fn fits(&self, argc: usize) -> bool {
        if self.is_variadic() {
            argc + 1 >= self.params.len()
        } else {
            argc == self.params.len()
        }
    }

    /// Whether the first parameter is a `Type` (a generic method's explicit type argument).
    pub fn takes_type_first(&self) -> bool {
        self.params
            .first()
            .is_some_and(|p| p.ty == SigTy::Named("Type", Vec::new()))
    }
}

fn param(p: &'static str) -> Param {
    let p = p.trim();
    let (variadic, p) = match p.strip_prefix("params") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, p),
    };
    let (out, p) = match p.strip_prefix("out ") {
        Some(rest) => (true, rest.trim_start()),
        None => (false, p),
    };
    Param {
        ty: if p.is_empty() { SigTy::Object } else { ty(p) },
        variadic,
        out,
    }
}

/// Reads one type of the notation; anything it does not know is a named type.
pub fn ty(s: &'static str) -> SigTy {
    let s = s.trim();
    if s.contains('|') && depth_zero(s, '|') {
        return SigTy::Either(split_top(s, '|').map(ty).collect());
    }
    if let Some(e) = s.strip_suffix("[]") {
        return SigTy::Array(Box::new(ty(e)));
    }
    if let Some(e) = s.strip_suffix('?') {
        return SigTy::Nullable(Box::new(ty(e)));
    }
    match s {
        "" | "object" | "dynamic" => return SigTy::Object,
        "number" => return SigTy::Number,
        "void" => return SigTy::Void,
        _ => {}
    }
    if s.len() == 1 && s.bytes().all(|b| b.is_ascii_uppercase()) {
        return SigTy::Generic(s);
    }
    let Some((head, rest)) = s.split_once('<') else {
        return SigTy::Named(s, Vec::new());
    };
    let inner = rest.strip_suffix('>').unwrap_or(rest);
    let mut args: Vec<SigTy> = split_top(inner, ',').map(ty).collect();
    if head.trim() == "Func" {
        let ret = args.pop().unwrap_or(SigTy::Object);
        return SigTy::Func(args, Box::new(ret));
    }
    SigTy::Named(head.trim(), args)
}

/// Whether `sep` occurs outside `<...>`.
fn depth_zero(s: &'static str, sep: char) -> bool {
    split_top(s, sep).nth(1).is_some()
}

/// Splits at `sep` outside `<...>`.
fn split_top(s: &'static str, sep: char) -> impl Iterator<Item = &'static str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0i32, 0);
    for (i, c) in s.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            c if c == sep && depth == 0 => {
                parts.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts.into_iter().map(str::trim).filter(|p| !p.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(n: &'static str) -> SigTy {
        SigTy::Named(n, Vec::new())
    }

    #[test]
    fn the_notation_reads_as_types() {
        assert_eq!(
            ty("string|char"),
            SigTy::Either(vec![named("string"), named("char")])
        );
        assert_eq!(
            ty("Func<T, bool>"),
            SigTy::Func(vec![SigTy::Generic("T")], Box::new(named("bool")))
        );
        assert_eq!(
            ty("IReadOnlyDictionary<string, string[]>"),
            SigTy::Named(
                "IReadOnlyDictionary",
                vec![named("string"), SigTy::Array(Box::new(named("string")))]
            )
        );
        assert_eq!(
            ty("DateTime?"),
            SigTy::Nullable(Box::new(named("DateTime")))
        );
        let s = Sig::read(&["string", "params object[]"], "void");
        assert!(s.is_variadic() && s.fits(1) && s.fits(4) && !s.fits(0));
        assert!(Sig::read(&["out int"], "bool").params[0].out);
    }

    #[test]
    fn every_table_entry_reads() {
        for m in super::super::members() {
            let sig = m.sig();
            assert_eq!(sig.params.len(), m.params.len(), "{m:?}");
        }
    }
}
