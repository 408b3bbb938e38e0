//! The producer of typed policies: one walk over a document's catalogued elements.

use super::walk::{self, At, Visitor};
use super::{literal, Attr, Policies, Typed, Value};
use gatehouse_grammar::catalogue::{Content, ElementSpec, ExprAllowed};
use gatehouse_grammar::syntax::{Attribute, Document, Element, Part};

/// Types every policy of `doc` (and every catalogued child element) against the catalogue.
pub fn read(doc: &Document) -> Policies {
    let mut out = Policies::default();
    walk::document(&mut out, doc, &mut Reader);
    out
}

struct Reader;

impl Visitor<'_, Policies> for Reader {
    fn element(&mut self, out: &mut Policies, e: &Element, spec: &'static ElementSpec, _: At) {
        out.by_start.insert(e.span.start, typed(e, spec));
    }
}

fn typed(e: &Element, spec: &'static ElementSpec) -> Typed {
    let attrs = e
        .attributes
        .iter()
        .enumerate()
        .filter_map(|(index, a)| {
            let want = spec.attribute(&a.name.text)?;
            Some(Attr {
                spec: want,
                index,
                span: a.span,
                value_span: a.value.span,
                value: value(a, want),
            })
        })
        .collect();
    let text_expressions = match spec.content {
        Content::Text {
            expressions: ExprAllowed::No,
        } => e
            .text_values()
            .filter_map(|v| v.expression().map(|x| x.span))
            .collect(),
        _ => Vec::new(),
    };
    Typed {
        spec,
        start_tag: e.start_tag,
        attrs,
        text_expressions,
    }
}

fn value(a: &Attribute, want: &'static gatehouse_grammar::catalogue::AttributeSpec) -> Value {
    if let Some(x) = a.value.expression() {
        return match want.expressions {
            ExprAllowed::No => Value::ExpressionNotAllowed(x.span),
            _ => Value::Expression,
        };
    }
    if a.value
        .parts
        .iter()
        .any(|p| matches!(p, Part::NamedValue(_)))
    {
        return Value::Template;
    }
    let text = a.value.as_literal().unwrap_or_default();
    match literal::parse(&text, &want.ty) {
        Ok(lit) => Value::Lit(lit),
        Err(problem) => Value::Invalid(problem, text.into()),
    }
}
