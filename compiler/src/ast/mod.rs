//! Typed policies: every catalogued element's attributes read once, against the catalogue.
//!
//! [`read`] walks a document's policies (and their catalogued child elements) and types
//! each one ([`Typed`]): every attribute the catalogue describes holds its literal parsed
//! to its type ([`Lit`]), or says it is an expression, a template of named values (typed
//! once they are substituted, by the same [`literal::parse`]), or what is wrong with it.
//! Checks report what is wrong (`check/values.rs`); lowering reads the values
//! (`program/ops/`); no attribute text is parsed a second time.
//!
//! Entries are found by their element's start offset in the file, a key the syntax tree
//! gives every element and that no other element of the same document shares.

pub mod literal;
mod print;
mod read;
pub(crate) mod walk;

#[cfg(test)]
mod tests;

pub use literal::{Lit, Problem};
pub use print::print;
pub use read::read;

use gatehouse_grammar::catalogue::{AttributeSpec, ElementSpec};
use gatehouse_grammar::syntax::{Attribute, Element};
use gatehouse_grammar::Span;
use std::collections::BTreeMap;

/// The typed policies of one document, by their element's start offset.
#[derive(Debug, Default)]
pub struct Policies {
    by_start: BTreeMap<u32, Typed>,
}

impl Policies {
    /// The typed form of `e`, if the catalogue describes it.
    pub fn get(&self, e: &Element) -> Option<&Typed> {
        self.by_start.get(&e.span.start)
    }

    /// Every typed element, in document order.
    pub fn iter(&self) -> impl Iterator<Item = &Typed> {
        self.by_start.values()
    }

    /// How many elements were typed.
    pub fn len(&self) -> usize {
        self.by_start.len()
    }

    /// Whether no element was typed.
    pub fn is_empty(&self) -> bool {
        self.by_start.is_empty()
    }
}

/// One policy (or catalogued child element) with its attributes typed.
#[derive(Debug)]
pub struct Typed {
    /// What the catalogue says of the element.
    pub spec: &'static ElementSpec,
    /// The element's start tag.
    pub start_tag: Span,
    /// The attributes the catalogue describes, in source order.
    pub attrs: Vec<Attr>,
    /// Policy expressions written in text content where the catalogue allows none.
    pub text_expressions: Vec<Span>,
}

impl Typed {
    /// The attribute named `name` (its documented spelling or an accepted alias).
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs
            .iter()
            .find(|a| a.spec.name == name || a.spec.alias_of.as_deref() == Some(name))
    }

    /// The literal value of attribute `name`, when it is a literal of its type.
    pub fn lit(&self, name: &str) -> Option<&Lit> {
        match &self.attr(name)?.value {
            Value::Lit(l) => Some(l),
            _ => None,
        }
    }
}

/// One attribute, typed.
#[derive(Debug)]
pub struct Attr {
    /// What the catalogue says of it.
    pub spec: &'static AttributeSpec,
    /// Its position among the element's attributes.
    pub index: usize,
    /// The whole attribute (`name="value"`).
    pub span: Span,
    /// Its value, between the quotes.
    pub value_span: Span,
    /// Its value, typed.
    pub value: Value,
}

impl Attr {
    /// The attribute as written, from the element it was read from.
    pub fn syntax<'e>(&self, e: &'e Element) -> Option<&'e Attribute> {
        e.attributes.get(self.index)
    }
}

/// An attribute value, typed.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// A literal of the attribute's type.
    Lit(Lit),
    /// A policy expression, where the catalogue allows one (or does not say).
    Expression,
    /// Text with `{{named values}}`: typed once they are substituted.
    Template,
    /// A literal that is not of the attribute's type: what is wrong, and the literal.
    Invalid(Problem, Box<str>),
    /// A policy expression where the catalogue allows none (at this span).
    ExpressionNotAllowed(Span),
}
