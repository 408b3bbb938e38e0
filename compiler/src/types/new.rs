//! `new` expressions: constructed types, arrays, anonymous types and initializers.

use super::infer::Checker;
use super::ty::{from_ref, normalize, Ty};
use super::{dotnet_names, table, Finding};
use crate::diagnostic::codes;
use gatehouse_grammar::expr::*;
use gatehouse_grammar::Span;

impl Checker {
    pub fn new_expr(&mut self, n: &NewExpr) -> Ty {
        match n {
            NewExpr::Object { ty, args, init } => {
                let argc = args.as_ref().map_or(0, Vec::len);
                for a in args.iter().flatten() {
                    self.arg(a);
                }
                self.initializer(init.as_ref());
                let Some(t) = ty else {
                    return Ty::Unknown;
                };
                self.constructed(t, argc)
            }
            NewExpr::Array(a) => {
                for s in &a.sizes {
                    self.expr(s);
                }
                let items: Vec<Ty> = a.init.iter().flatten().map(|x| self.expr(x)).collect();
                let e = match &a.elem {
                    Some(t) => from_ref(t),
                    None => items.first().cloned().unwrap_or(Ty::Unknown),
                };
                if a.rank == 1 {
                    Ty::Array(Box::new(e))
                } else {
                    Ty::Unknown
                }
            }
            NewExpr::Anonymous(ms) => {
                let fields = ms
                    .iter()
                    .map(|m| {
                        let t = self.expr(&m.value);
                        let name = m.name.as_ref().map(|n| n.name.clone());
                        (name.or_else(|| projected(&m.value)), t)
                    })
                    .collect::<Vec<_>>();
                if fields.iter().any(|(n, _)| n.is_none()) {
                    return Ty::Unknown;
                }
                Ty::Anon(
                    fields
                        .into_iter()
                        .filter_map(|(n, t)| Some((n?, t)))
                        .collect(),
                )
            }
        }
    }

    /// The type `new T(...)` creates, warning when gatehouse cannot create it.
    fn constructed(&mut self, t: &TypeRef, argc: usize) -> Ty {
        let ty = from_ref(t);
        let name = type_ref_name(t).unwrap_or("");
        if ty == Ty::Unknown {
            if !table::is_model_type(name) && dotnet_names::ALLOWED_TYPES.contains(&name) {
                self.unsupported_type(name, t.span);
            }
            return ty;
        }
        let ctors = table::constructors(name);
        let modelled = super::ty::is_list(name) || super::ty::is_dictionary(name);
        if ctors.iter().any(|m| table::fits(m, argc)) || (ctors.is_empty() && modelled) {
            return ty;
        }
        self.findings.push(
            Finding::warning(
                codes::EXPR_UNSUPPORTED_MEMBER,
                format!("creating a `{name}` with {argc} argument(s) is valid in APIM but gatehouse does not implement it yet"),
                t.span,
                "not implemented",
            )
            .help("gatehouse cannot evaluate this expression; APIM will"),
        );
        Ty::Unknown
    }

    /// Reports an allowed .NET type gatehouse does not implement.
    pub fn unsupported_type(&mut self, name: &str, span: Span) {
        self.findings.push(
            Finding::warning(
                codes::EXPR_UNSUPPORTED_TYPE,
                format!("type `{name}` is valid in APIM but gatehouse does not implement it yet"),
                span,
                "not implemented",
            )
            .help("gatehouse cannot evaluate this expression; APIM will"),
        );
    }

    fn initializer(&mut self, init: Option<&Initializer>) {
        match init {
            Some(Initializer::Object(items)) => {
                for m in items {
                    if let InitTarget::Index(args) = &m.target {
                        for a in args {
                            self.arg(a);
                        }
                    }
                    match &m.value {
                        InitValue::Expr(x) => {
                            self.expr(x);
                        }
                        InitValue::Init(i) => self.initializer(Some(i)),
                    }
                }
            }
            Some(Initializer::Collection(xs)) => {
                for x in xs {
                    self.expr(x);
                }
            }
            None => {}
        }
    }
}
/// The last segment of a named type reference.
fn type_ref_name(t: &TypeRef) -> Option<&str> {
    match &t.kind {
        TypeKind::Named(segs) => segs.last().map(|s| normalize(&s.name.name)),
        TypeKind::Predefined(k) => Some(k),
        _ => None,
    }
}

/// The name an anonymous-type member projection gets (`x.Name` → `Name`).
fn projected(e: &Expr) -> Option<Box<str>> {
    match &e.kind {
        ExprKind::Name(id, _) => Some(id.name.clone()),
        ExprKind::Member { name, .. } => Some(name.name.clone()),
        _ => None,
    }
}
