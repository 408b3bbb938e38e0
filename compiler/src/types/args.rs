//! Argument checks where the member table's signatures are certain: counts and types.

use super::infer::Checker;
use super::table::signatures_complete;
use super::ty::Ty;
use super::Finding;
use crate::diagnostic::codes;
use gatehouse_grammar::expr::*;
use gatehouse_runtime::library::sig::SigTy;
use gatehouse_runtime::library::MemberSpec;

impl Checker {
    /// Reports a wrong argument count, when the signatures are certain.
    pub(super) fn arity(
        &mut self,
        recv: &Ty,
        name: &Ident,
        argc: usize,
        candidates: &[&'static MemberSpec],
    ) {
        let complete = candidates.iter().all(|m| signatures_complete(m));
        let mut counts: Vec<usize> = candidates.iter().map(|m| m.sig().params.len()).collect();
        counts.sort_unstable();
        counts.dedup();
        let what = format!("{}.{}", recv_name(recv), name.name);
        if !complete {
            let msg = format!(
                "`{what}` with {argc} argument(s) is valid in APIM but gatehouse does not implement it yet"
            );
            self.findings.push(
                Finding::warning(
                    codes::EXPR_UNSUPPORTED_MEMBER,
                    msg,
                    name.span,
                    "not implemented",
                )
                .help("gatehouse cannot evaluate this expression; APIM will"),
            );
            return;
        }
        let takes: Vec<String> = counts.iter().map(usize::to_string).collect();
        self.findings.push(
            Finding::error(
                codes::EXPR_WRONG_ARGUMENT_COUNT,
                format!("`{what}` does not take {argc} argument(s)"),
                name.span,
                "wrong number of arguments",
            )
            .help(format!(
                "`{}` takes {} argument(s)",
                name.name,
                takes.join(" or ")
            )),
        );
    }

    /// Reports an argument whose type certainly does not convert to the parameter's.
    pub(super) fn argument_type(
        &mut self,
        m: &MemberSpec,
        name: &Ident,
        a: &Arg,
        p: &SigTy,
        at: &Ty,
    ) {
        let p = match p {
            SigTy::Named(n @ ("string" | "int" | "bool"), args) if args.is_empty() => *n,
            _ => return,
        };
        if a.modifier != ArgModifier::None {
            return;
        }
        let Some(an) = at.name() else { return };
        let certain = [
            "string", "int", "long", "double", "float", "decimal", "bool", "char", "DateTime",
            "TimeSpan", "Guid",
        ];
        if !certain.contains(&an) || matches!(at, Ty::Array(_)) || converts(an, p) {
            return;
        }
        self.findings.push(
            Finding::error(
                codes::EXPR_WRONG_ARGUMENT_TYPE,
                format!(
                    "`{}.{}` takes `{p}` here, not `{an}`",
                    super::ty::Ty::named(m.ty).display(),
                    name.name
                ),
                a.span,
                format!("`{an}` argument").as_str(),
            )
            .help(convert_help(an, p)),
        );
    }
}

fn converts(from: &str, to: &str) -> bool {
    from == to || (to == "int" && matches!(from, "char" | "short" | "byte"))
}

fn convert_help(from: &str, to: &str) -> String {
    match to {
        "string" => format!("convert it first, e.g. `.ToString()` on the `{from}`"),
        "int" if from == "string" => "parse it first: `int.Parse(...)`".into(),
        _ => format!("pass a `{to}`"),
    }
}

fn recv_name(t: &Ty) -> String {
    match t {
        Ty::TypeName(n) => n.to_string(),
        t => t.display(),
    }
}
