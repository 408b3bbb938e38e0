//! Indented tree dumps without spans, for snapshots and round-trip comparison.

use super::ast::*;
use super::stmt::Block;
use std::fmt::Write;

mod stmt;

/// Dumps an expression tree, one node per line, children indented.
pub fn dump_expression(e: &Expr) -> String {
    let mut d = Dumper::default();
    d.expr(e);
    d.out
}

/// Dumps a block's statements.
pub fn dump_block(b: &Block) -> String {
    let mut d = Dumper::default();
    d.block("Block", b);
    d.out
}

#[derive(Default)]
struct Dumper {
    out: String,
    indent: usize,
}

impl Dumper {
    fn line(&mut self, text: &str) {
        for _ in 0..self.indent {
            self.out.push_str("  ");
        }
        self.out.push_str(text);
        self.out.push('\n');
    }

    fn node(&mut self, text: &str, f: impl FnOnce(&mut Self)) {
        self.line(text);
        self.indent += 1;
        f(self);
        self.indent -= 1;
    }

    fn ty_line(&mut self, label: &str, t: &TypeRef) {
        let s = super::printer::print_type(t);
        self.line(&format!("{label}{s}"));
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Literal(l) => self.line(&format!("Literal {l:?}")),
            ExprKind::Interpolated(parts) => self.node("Interpolated", |d| {
                for p in parts {
                    d.interp_part(p);
                }
            }),
            ExprKind::NamedValue(n) => self.line(&format!("NamedValue {n}")),
            ExprKind::Name(n, args) => self.line(&format!("Name {}{}", n.name, targs(args))),
            ExprKind::PredefinedType(t) => self.ty_line("PredefinedType ", t),
            ExprKind::This => self.line("This"),
            ExprKind::Member {
                target,
                name,
                type_args,
                conditional,
            } => {
                let q = if *conditional { "?." } else { "." };
                let text = format!("Member {q}{}{}", name.name, targs(type_args));
                self.node(&text, |d| d.expr(target));
            }
            ExprKind::Index {
                target,
                args,
                conditional,
            } => {
                let text = if *conditional { "Index ?[]" } else { "Index" };
                self.node(text, |d| {
                    d.expr(target);
                    d.args(args);
                });
            }
            ExprKind::Call { callee, args } => self.node("Call", |d| {
                d.expr(callee);
                d.args(args);
            }),
            ExprKind::Unary(op, x) => self.node(&format!("Unary {op:?}"), |d| d.expr(x)),
            ExprKind::Postfix(op, x) => self.node(&format!("Postfix {op:?}"), |d| d.expr(x)),
            ExprKind::Binary(op, a, b) => self.node(&format!("Binary {op:?}"), |d| {
                d.expr(a);
                d.expr(b);
            }),
            ExprKind::Assign(op, a, b) => self.node(&format!("Assign {op:?}"), |d| {
                d.expr(a);
                d.expr(b);
            }),
            ExprKind::Conditional(a, b, c) => self.node("Conditional", |d| {
                d.expr(a);
                d.expr(b);
                d.expr(c);
            }),
            ExprKind::Cast(t, x) => {
                let text = format!("Cast {}", super::printer::print_type(t));
                self.node(&text, |d| d.expr(x));
            }
            ExprKind::Is(x, p) => self.node("Is", |d| {
                d.expr(x);
                d.pattern(p);
            }),
            ExprKind::As(x, t) => {
                let text = format!("As {}", super::printer::print_type(t));
                self.node(&text, |d| d.expr(x));
            }
            ExprKind::Lambda(l) => self.lambda(l),
            ExprKind::New(n) => self.new_expr(n),
            ExprKind::TypeOf(t) => self.ty_line("TypeOf ", t),
            ExprKind::NameOf(x) => self.node("NameOf", |d| d.expr(x)),
            ExprKind::Default(None) => self.line("Default"),
            ExprKind::Default(Some(t)) => self.ty_line("Default ", t),
            ExprKind::Checked(c, x) => self.node(&format!("Checked {c}"), |d| d.expr(x)),
            ExprKind::Switch(x, arms) => self.node("Switch", |d| {
                d.expr(x);
                for a in arms {
                    d.node("Arm", |d| {
                        d.pattern(&a.pattern);
                        if let Some(g) = &a.guard {
                            d.node("When", |d| d.expr(g));
                        }
                        d.expr(&a.value);
                    });
                }
            }),
            ExprKind::Paren(x) => self.node("Paren", |d| d.expr(x)),
            ExprKind::Tuple(xs) => self.node("Tuple", |d| xs.iter().for_each(|x| d.expr(x))),
            ExprKind::Throw(x) => self.node("Throw", |d| d.expr(x)),
            ExprKind::ArrayInit(xs) => {
                self.node("ArrayInit", |d| xs.iter().for_each(|x| d.expr(x)))
            }
        }
    }

    fn interp_part(&mut self, p: &InterpPart) {
        match p {
            InterpPart::Text(t, _) => self.line(&format!("Text {t:?}")),
            InterpPart::Hole {
                expr,
                alignment,
                format,
                ..
            } => {
                let f = format
                    .as_ref()
                    .map(|f| format!(" format={f:?}"))
                    .unwrap_or_default();
                self.node(&format!("Hole{f}"), |d| {
                    d.expr(expr);
                    if let Some(a) = alignment {
                        d.node("Alignment", |d| d.expr(a));
                    }
                });
            }
        }
    }

    fn args(&mut self, args: &[Arg]) {
        for a in args {
            let mut head = String::from("Arg");
            if let Some(n) = &a.name {
                let _ = write!(head, " {}:", n.name);
            }
            if a.modifier != ArgModifier::None {
                let _ = write!(head, " {:?}", a.modifier);
            }
            match &a.value {
                ArgValue::Expr(e) => self.node(&head, |d| d.expr(e)),
                ArgValue::Decl(t, n) => {
                    let text = format!("{head} Decl {} {}", super::printer::print_type(t), n.name);
                    self.line(&text);
                }
            }
        }
    }
}

fn targs(args: &[TypeRef]) -> String {
    if args.is_empty() {
        return String::new();
    }
    let parts: Vec<String> = args.iter().map(super::printer::print_type).collect();
    format!("<{}>", parts.join(", "))
}
