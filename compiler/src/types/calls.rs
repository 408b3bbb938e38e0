//! Member access, calls and indexers resolved against the member table along the
//! receiver's type chain; lambdas typed from the parameter they are passed to.

use super::infer::{is_type_name, Checker};
use super::table::{self, fits, signatures_complete, Found};
use super::ty::{from_ref, from_sig, Ty};
use super::{dotnet_names, Finding};
use crate::diagnostic::codes;
use gatehouse_grammar::expr::*;
use gatehouse_runtime::library::sig::SigTy;
use gatehouse_runtime::library::{Kind, MemberSpec};
use std::collections::HashMap;

/// Generic parameters bound so far (`T`, `K`, `V`, `R`, `A`).
type Bindings = HashMap<&'static str, Ty>;

impl Checker {
    /// Types a member access, call or indexer.
    pub fn postfix(&mut self, e: &Expr) -> Ty {
        match &e.kind {
            ExprKind::Member {
                target,
                name,
                conditional,
                ..
            } => {
                let t = self.expr(target);
                let r = self.member(&t, name);
                lift(r, *conditional)
            }
            ExprKind::Index {
                target,
                args,
                conditional,
            } => {
                let t = self.expr(target);
                for a in args {
                    self.arg(a);
                }
                lift(t.strip_nullable().indexed(), *conditional)
            }
            ExprKind::Call { callee, args } => self.call(callee, args),
            _ => self.expr(e),
        }
    }

    /// `t.name` read as a value (not called).
    fn member(&mut self, t: &Ty, name: &Ident) -> Ty {
        let n = &*name.name;
        match t {
            Ty::Namespace if is_type_name(n) => Ty::TypeName(n.into()),
            Ty::Namespace => Ty::Namespace,
            Ty::TypeName(ty) => {
                let found = self.static_found(ty, name);
                let prop = found.iter().find(|m| m.kind == Kind::StaticProperty);
                prop.map(|m| from_sig(&m.sig().ret, &|_| Ty::Unknown))
                    .unwrap_or(Ty::Unknown)
            }
            Ty::Anon(fields) => self.anon_member(fields, name),
            Ty::Nullable(inner) => match n {
                "Value" => (**inner).clone(),
                "HasValue" => Ty::named("bool"),
                _ => self.member(inner, name),
            },
            Ty::Named(..) | Ty::Array(_) => {
                let found = self.instance_found(t, name, None);
                let bind = receiver_bindings(t, &[]);
                found
                    .iter()
                    .find(|m| m.kind == Kind::Property)
                    .map(|m| from_sig(&m.sig().ret, &|x| lookup(&bind, x)))
                    .unwrap_or(Ty::Unknown)
            }
            _ => Ty::Unknown,
        }
    }

    fn anon_member(&mut self, fields: &[(Box<str>, Ty)], name: &Ident) -> Ty {
        if let Some((_, t)) = fields.iter().find(|(f, _)| **f == *name.name) {
            return t.clone();
        }
        let object = ["ToString", "Equals", "GetHashCode", "GetType"];
        if !object.contains(&&*name.name) {
            let names = fields.iter().map(|(f, _)| &**f);
            let help = did_you_mean_help(crate::diagnostic::did_you_mean(&name.name, names));
            self.findings.push(
                Finding::error(
                    codes::EXPR_UNKNOWN_MEMBER,
                    format!("the anonymous object has no member `{}`", name.name),
                    name.span,
                    "unknown member",
                )
                .help(help),
            );
        }
        Ty::Unknown
    }

    /// Looks up static `ty.name`, reporting unknown and unsupported names.
    fn static_found(&mut self, ty: &str, name: &Ident) -> Vec<&'static MemberSpec> {
        if !table::is_model_type(ty) && dotnet_names::statics(ty).is_none() {
            if dotnet_names::ALLOWED_TYPES.contains(&ty) {
                self.unsupported_type(ty, name.span);
            }
            return Vec::new();
        }
        let what = format!("{ty}.{}", name.name);
        match table::statics(ty, &name.name) {
            Found::Members(ms) => ms,
            Found::Unsupported => {
                self.unsupported(&what, name);
                Vec::new()
            }
            Found::Unknown(s) => {
                self.unknown(format!("`{ty}` has no member `{}`", name.name), name, s);
                Vec::new()
            }
            Found::Open => Vec::new(),
        }
    }

    /// Looks up instance `t.name`, reporting unknown and unsupported names.
    fn instance_found(
        &mut self,
        t: &Ty,
        name: &Ident,
        argc: Option<usize>,
    ) -> Vec<&'static MemberSpec> {
        match table::instance(t, &name.name) {
            Found::Members(ms) => ms,
            Found::Unsupported => {
                let _ = argc;
                self.unsupported(&format!("{}.{}", t.display(), name.name), name);
                Vec::new()
            }
            Found::Unknown(s) => {
                let msg = format!("`{}` has no member `{}`", t.display(), name.name);
                self.unknown(msg, name, s);
                Vec::new()
            }
            Found::Open => Vec::new(),
        }
    }

    fn unsupported(&mut self, what: &str, name: &Ident) {
        self.findings.push(
            Finding::warning(
                codes::EXPR_UNSUPPORTED_MEMBER,
                format!("`{what}` is valid in APIM but gatehouse does not implement it yet"),
                name.span,
                "not implemented",
            )
            .help("gatehouse cannot evaluate this expression; APIM will"),
        );
    }

    fn unknown(&mut self, message: String, name: &Ident, suggestion: Option<&str>) {
        self.findings.push(
            Finding::error(
                codes::EXPR_UNKNOWN_MEMBER,
                message,
                name.span,
                "unknown member",
            )
            .help(did_you_mean_help(suggestion)),
        );
    }

    /// Types a call.
    fn call(&mut self, callee: &Expr, args: &[Arg]) -> Ty {
        let ExprKind::Member {
            target,
            name,
            type_args,
            conditional,
        } = &callee.kind
        else {
            if !matches!(callee.kind, ExprKind::Name(..)) {
                self.expr(callee);
            }
            self.args_plain(args);
            return Ty::Unknown;
        };
        let t = self.expr(target);
        let t = t.strip_nullable();
        let candidates = match &t {
            Ty::TypeName(ty) => {
                let ty = ty.clone();
                let ms = self.static_found(&ty, name);
                ms.into_iter().filter(|m| m.kind == Kind::Static).collect()
            }
            Ty::Named(..) | Ty::Array(_) => {
                let ms = self.instance_found(&t, name, Some(args.len()));
                ms.into_iter().filter(|m| m.kind == Kind::Method).collect()
            }
            Ty::Anon(fields) => {
                self.anon_member(fields, name);
                Vec::new()
            }
            _ => Vec::new(),
        };
        let r = self.resolve(&t, name, type_args, args, candidates);
        if name.name.ends_with("OrDefault") && !*conditional {
            if let Some(v) = value_type(&r) {
                self.value_defaults.push((name.span.start, v.into()));
            }
        }
        lift(r, *conditional)
    }

    fn args_plain(&mut self, args: &[Arg]) {
        for a in args {
            match &a.value {
                ArgValue::Expr(Expr {
                    kind: ExprKind::Lambda(l),
                    ..
                }) => {
                    self.lambda(l, &[]);
                }
                _ => {
                    self.arg(a);
                }
            }
        }
    }

    /// Picks the overload by arity, types the arguments against it and returns its result.
    fn resolve(
        &mut self,
        recv: &Ty,
        name: &Ident,
        type_args: &[TypeRef],
        args: &[Arg],
        candidates: Vec<&'static MemberSpec>,
    ) -> Ty {
        if candidates.is_empty() {
            self.args_plain(args);
            return Ty::Unknown;
        }
        let argc = |m: &'static MemberSpec| {
            args.len() + usize::from(m.sig().takes_type_first() && !type_args.is_empty())
        };
        let fitting: Vec<&'static MemberSpec> = candidates
            .iter()
            .copied()
            .filter(|m| fits(m, argc(m)))
            .collect();
        let Some(&chosen) = fitting.first() else {
            self.args_plain(args);
            self.arity(recv, name, args.len(), &candidates);
            return Ty::Unknown;
        };
        let ta: Vec<Ty> = type_args.iter().map(from_ref).collect();
        let mut bind = receiver_bindings(recv, &ta);
        let sig = chosen.sig();
        let skip = usize::from(sig.takes_type_first());
        let params = sig.params.get(skip..).unwrap_or(&[]);
        for (i, a) in args.iter().enumerate() {
            let p = params
                .get(i)
                .or(params.last())
                .map_or(&SigTy::Object, |p| &p.ty);
            let at = self.typed_arg(a, p, &mut bind);
            if fitting.len() == 1 && signatures_complete(chosen) {
                self.argument_type(chosen, name, a, p, &at);
            }
        }
        let ret = from_sig(&sig.ret, &|x| lookup(&bind, x));
        match (ret, ta.as_slice()) {
            (Ty::Unknown, [one]) if matches!(sig.ret, SigTy::Generic("T") | SigTy::Object) => {
                one.clone()
            }
            (r, _) => r,
        }
    }

    /// Types one argument passed for parameter `p`, typing lambdas from `Func<...>`.
    fn typed_arg(&mut self, a: &Arg, p: &SigTy, bind: &mut Bindings) -> Ty {
        let lambda = match &a.value {
            ArgValue::Expr(Expr {
                kind: ExprKind::Lambda(l),
                ..
            }) => l,
            _ => {
                let t = self.arg(a);
                if *p == SigTy::Generic("A") && !bind.contains_key("A") {
                    bind.insert("A", t.clone());
                }
                return t;
            }
        };
        let (ps, result) = match from_sig(p, &|x| lookup(bind, x)) {
            Ty::Func(ps, _) => (ps, func_result(p)),
            _ if matches!(p, SigTy::Named("MatchEvaluator", _)) => (vec![Ty::named("Match")], None),
            _ => (Vec::new(), None),
        };
        let t = self.lambda(lambda, &ps);
        if let (Some(letter), Ty::Func(_, r)) = (result, &t) {
            bind.entry(letter).or_insert_with(|| (**r).clone());
        }
        t
    }
}

/// The generic parameter a `Func<..., X>` signature's result binds, if it is one.
fn func_result(p: &SigTy) -> Option<&'static str> {
    match p {
        SigTy::Func(_, r) => match **r {
            SigTy::Generic(g) => ["R", "K", "V", "T", "A"].into_iter().find(|l| *l == g),
            _ => None,
        },
        _ => None,
    }
}

/// `T`, `K`, `V` as the receiver (and explicit type arguments) fix them.
fn receiver_bindings(recv: &Ty, type_args: &[Ty]) -> Bindings {
    let mut b = Bindings::new();
    let elem = recv.element();
    b.insert("T", type_args.first().cloned().unwrap_or(elem));
    if let Ty::Named(n, args) = recv {
        if let ([k, v], true) = (
            args.as_slice(),
            super::ty::is_dictionary(n) || &**n == "KeyValuePair",
        ) {
            b.insert("K", k.clone());
            b.insert("V", v.clone());
        }
    }
    b
}

fn lookup(b: &Bindings, x: &str) -> Ty {
    b.get(x).cloned().unwrap_or(Ty::Unknown)
}

fn lift(t: Ty, conditional: bool) -> Ty {
    if conditional {
        t.lifted()
    } else {
        t
    }
}

/// `did you mean` help, or a pointer to the member list.
pub(crate) fn did_you_mean_help(s: Option<&str>) -> String {
    match s {
        Some(s) => format!("did you mean `{s}`?"),
        None => "check the spelling against the documented members of this type".into(),
    }
}

/// The name of `t` when it is a non-nullable value type `default(T)` is not `null` for.
fn value_type(t: &Ty) -> Option<&str> {
    const VALUE_TYPES: &[&str] = &[
        "int", "long", "short", "byte", "sbyte", "ushort", "uint", "ulong", "double", "float",
        "decimal", "bool", "char", "DateTime", "TimeSpan", "Guid",
    ];
    match t {
        Ty::Named(n, args) if args.is_empty() && VALUE_TYPES.contains(&&**n) => Some(n),
        _ => None,
    }
}
