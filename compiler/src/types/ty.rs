//! The static type model: what the checker knows about an expression's type.

use gatehouse_grammar::expr::{TypeKind, TypeRef};
use gatehouse_runtime::library::sig::SigTy;

/// A static type. [`Ty::Unknown`] stands for anything and silences every check on it.
#[derive(Clone, Debug, PartialEq)]
pub enum Ty {
    /// Not known: no diagnostic may depend on it.
    Unknown,
    /// The `null` literal.
    Null,
    /// No value (`void` methods).
    Void,
    /// A primitive, `string`, `object` or named reference type with generic arguments,
    /// spelled as the member table does (`int`, `JObject`, `List`, `IHeaders`).
    Named(Box<str>, Vec<Ty>),
    /// `T[]`.
    Array(Box<Ty>),
    /// `T?` of a value type.
    Nullable(Box<Ty>),
    /// A lambda or delegate: parameter types and result.
    Func(Vec<Ty>, Box<Ty>),
    /// An anonymous type: its members in order.
    Anon(Vec<(Box<str>, Ty)>),
    /// A type used as a member-access target (`Regex` in `Regex.Match`).
    TypeName(Box<str>),
    /// A namespace prefix (`System.Text`).
    Namespace,
}

impl Ty {
    /// A non-generic named type.
    pub fn named(name: &str) -> Ty {
        Ty::Named(name.into(), Vec::new())
    }

    /// The name of a named type.
    pub fn name(&self) -> Option<&str> {
        match self {
            Ty::Named(n, _) => Some(n),
            Ty::Array(_) => Some("Array"),
            _ => None,
        }
    }

    /// Whether this is the named type `name`.
    pub fn is(&self, name: &str) -> bool {
        self.name() == Some(name) && !matches!(self, Ty::Array(_))
    }

    /// Whether this is a numeric primitive.
    pub fn is_numeric(&self) -> bool {
        self.name().is_some_and(is_numeric)
    }

    /// The element type `foreach` and LINQ see, when certain.
    pub fn element(&self) -> Ty {
        match self {
            Ty::Array(e) => (**e).clone(),
            Ty::Named(n, args) => match (&**n, args.as_slice()) {
                ("string", _) => Ty::named("char"),
                ("JArray" | "JToken" | "JContainer", _) => Ty::named("JToken"),
                (n, [k, v]) if is_dictionary(n) => {
                    Ty::Named("KeyValuePair".into(), vec![k.clone(), v.clone()])
                }
                (n, [e]) if is_list(n) => e.clone(),
                _ => Ty::Unknown,
            },
            _ => Ty::Unknown,
        }
    }

    /// The type of `self[...]`, when certain.
    pub fn indexed(&self) -> Ty {
        match self {
            Ty::Array(e) => (**e).clone(),
            Ty::Named(n, args) => match (&**n, args.as_slice()) {
                ("string", _) => Ty::named("char"),
                ("JArray" | "JToken" | "JContainer" | "JObject", _) => Ty::named("JToken"),
                ("GroupCollection", _) => Ty::named("Group"),
                ("MatchCollection", _) => Ty::named("Match"),
                (n, [_, v]) if is_dictionary(n) => v.clone(),
                (n, [e]) if is_list(n) && n != "IEnumerable" => e.clone(),
                _ => Ty::Unknown,
            },
            _ => Ty::Unknown,
        }
    }

    /// The type without `?`.
    pub fn strip_nullable(&self) -> Ty {
        match self {
            Ty::Nullable(t) => (**t).clone(),
            t => t.clone(),
        }
    }

    /// The type of `a?.b` given `b`'s type: value types become nullable.
    pub fn lifted(self) -> Ty {
        match &self {
            Ty::Named(n, _) if is_value_type(n) => Ty::Nullable(Box::new(self)),
            _ => self,
        }
    }

    /// How the type is written in messages.
    pub fn display(&self) -> String {
        match self {
            Ty::Named(n, a) if a.is_empty() => display_name(n).to_string(),
            Ty::Named(n, a) => {
                let args: Vec<String> = a.iter().map(Ty::display).collect();
                format!("{}<{}>", display_name(n), args.join(", "))
            }
            Ty::Array(e) => format!("{}[]", e.display()),
            Ty::Nullable(t) => format!("{}?", t.display()),
            Ty::Anon(_) => "an anonymous type".into(),
            Ty::Func(..) => "a lambda".into(),
            Ty::TypeName(n) => n.to_string(),
            Ty::Null => "null".into(),
            Ty::Void => "void".into(),
            Ty::Unknown | Ty::Namespace => "?".into(),
        }
    }
}

/// How a table type is written in messages (`IHeaders` is the headers dictionary).
fn display_name(n: &str) -> &str {
    match n {
        "IHeaders" | "IQuery" | "IVariables" => "IReadOnlyDictionary",
        "IContext" => "context",
        n => n,
    }
}

/// Whether `n` names a numeric primitive.
pub fn is_numeric(n: &str) -> bool {
    matches!(
        n,
        "int"
            | "long"
            | "short"
            | "byte"
            | "sbyte"
            | "uint"
            | "ulong"
            | "ushort"
            | "float"
            | "double"
            | "decimal"
    )
}

/// Whether `n` is a value type (so `?.` makes it nullable).
pub fn is_value_type(n: &str) -> bool {
    is_numeric(n)
        || matches!(
            n,
            "bool" | "char" | "DateTime" | "TimeSpan" | "Guid" | "KeyValuePair" | "DateTimeOffset"
        )
}

/// Dictionary-like types (two generic arguments: key and value).
pub fn is_dictionary(n: &str) -> bool {
    matches!(
        n,
        "Dictionary" | "IDictionary" | "IReadOnlyDictionary" | "IHeaders" | "IQuery" | "IVariables"
    )
}

/// Sequence types with one generic argument: the element.
pub fn is_list(n: &str) -> bool {
    matches!(
        n,
        "List"
            | "IList"
            | "ICollection"
            | "IReadOnlyList"
            | "IReadOnlyCollection"
            | "IEnumerable"
            | "HashSet"
            | "ISet"
            | "Queue"
            | "Stack"
    )
}

/// C# spells some types two ways; the member table uses the keyword.
pub fn normalize(name: &str) -> &str {
    match name {
        "String" => "string",
        "Int32" => "int",
        "Int64" => "long",
        "Int16" => "short",
        "UInt32" => "uint",
        "UInt64" => "ulong",
        "Byte" => "byte",
        "Single" => "float",
        "Double" => "double",
        "Decimal" => "decimal",
        "Boolean" => "bool",
        "Char" => "char",
        "Object" => "object",
        "MathF" => "Math",
        other => other,
    }
}

/// The type a type reference names; `var` and types the checker cannot model are unknown.
pub fn from_ref(t: &TypeRef) -> Ty {
    match &t.kind {
        TypeKind::Predefined(p) => prim(p),
        TypeKind::Array(e, 1) => Ty::Array(Box::new(from_ref(e))),
        TypeKind::Nullable(e) => Ty::Nullable(Box::new(from_ref(e))),
        TypeKind::Named(segs) => {
            let Some(last) = segs.last() else {
                return Ty::Unknown;
            };
            let name = normalize(&last.name.name);
            if name == "var" || name == "dynamic" {
                return Ty::Unknown;
            }
            if !super::table::is_model_type(name) {
                return Ty::Unknown;
            }
            Ty::Named(name.into(), last.args.iter().map(from_ref).collect())
        }
        _ => Ty::Unknown,
    }
}

fn prim(p: &str) -> Ty {
    match p {
        "object" | "dynamic" => Ty::Unknown,
        "void" => Ty::Void,
        p => Ty::named(normalize(p)),
    }
}

/// A member-table signature type as a static type; `subst` answers generic parameters
/// (`T`, `K`, ...). The table's types are typed data already (`library::sig`).
pub fn from_sig(s: &SigTy, subst: &dyn Fn(&str) -> Ty) -> Ty {
    match s {
        SigTy::Object | SigTy::Number | SigTy::Either(_) => Ty::Unknown,
        SigTy::Void => Ty::Void,
        SigTy::Generic(g) => subst(g),
        SigTy::Array(e) => Ty::Array(Box::new(from_sig(e, subst))),
        SigTy::Nullable(e) => Ty::Nullable(Box::new(from_sig(e, subst))),
        SigTy::Func(ps, r) => Ty::Func(
            ps.iter().map(|p| from_sig(p, subst)).collect(),
            Box::new(from_sig(r, subst)),
        ),
        SigTy::Named("IReadOnlyDictionary", args) => match args.as_slice() {
            [_, SigTy::Object] => dict("IVariables", Ty::Unknown),
            [_, SigTy::Array(_)] => dict("IHeaders", Ty::Array(Box::new(Ty::named("string")))),
            [_, SigTy::Named("string", _)] => dict("IQuery", Ty::named("string")),
            _ => Ty::named("IReadOnlyDictionary"),
        },
        SigTy::Named(name, args) if args.is_empty() => Ty::named(name),
        SigTy::Named(name, args) => Ty::Named(
            (*name).into(),
            args.iter().map(|a| from_sig(a, subst)).collect(),
        ),
    }
}

fn dict(name: &str, value: Ty) -> Ty {
    Ty::Named(name.into(), vec![Ty::named("string"), value])
}
