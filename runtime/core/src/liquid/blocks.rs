//! The tags and blocks of APIM's Liquid: the standard ones, with `for` and `capture`
//! replaced by bounded versions (each iteration is a step; a range is never materialised
//! past the step budget; a capture is bounded like the output). `tablerow`, `include` and
//! `render` are left out.

use super::budget;
use liquid_core::model::{Value, ValueCow, ValueView};
use liquid_core::parser::{BlockElement, TryMatchToken};
use liquid_core::runtime::{Interrupt, InterruptRegister, StackFrame};
use liquid_core::{
    BlockReflection, Error, Expression, Language, ParseBlock, ParseTag, Renderable, Result,
    Runtime, TagBlock, TagTokenIter, Template,
};
use liquid_lib::stdlib;
use std::collections::HashMap;
use std::io::Write;

/// Registers APIM's tags and blocks.
pub(super) fn register(lang: &mut Language) {
    let tags: Vec<Box<dyn ParseTag>> = vec![
        Box::new(stdlib::AssignTag),
        Box::new(stdlib::BreakTag),
        Box::new(stdlib::ContinueTag),
        Box::new(stdlib::CycleTag),
        Box::new(stdlib::IncrementTag),
        Box::new(stdlib::DecrementTag),
    ];
    for t in tags {
        lang.tags.register(t.reflection().tag().to_string(), t);
    }
    let blocks: Vec<Box<dyn ParseBlock>> = vec![
        Box::new(stdlib::RawBlock),
        Box::new(stdlib::IfBlock),
        Box::new(stdlib::UnlessBlock),
        Box::new(stdlib::IfChangedBlock),
        Box::new(ForBlock),
        Box::new(stdlib::CommentBlock),
        Box::new(CaptureBlock),
        Box::new(stdlib::CaseBlock),
    ];
    for b in blocks {
        lang.blocks
            .register(b.reflection().start_tag().to_string(), b);
    }
}

/// `{% for x in items|(a..b) limit:n offset:n reversed %}…{% else %}…{% endfor %}`.
#[derive(Clone, Copy, Debug)]
struct ForBlock;

impl BlockReflection for ForBlock {
    fn start_tag(&self) -> &str {
        "for"
    }
    fn end_tag(&self) -> &str {
        "endfor"
    }
    fn description(&self) -> &str {
        "a bounded loop"
    }
}

impl ParseBlock for ForBlock {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        mut tokens: TagBlock<'_, '_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        let var = arguments
            .expect_next("Identifier expected.")?
            .expect_identifier()
            .into_result()?
            .to_string();
        arguments
            .expect_next("\"in\" expected.")?
            .expect_str("in")
            .into_result_custom_msg("\"in\" expected.")?;
        let range = arguments.expect_next("Array or range expected.")?;
        let range = match range.expect_value() {
            TryMatchToken::Matches(array) => Source::Array(array),
            TryMatchToken::Fails(range) => match range.expect_range() {
                TryMatchToken::Matches((a, b)) => Source::Range(a, b),
                TryMatchToken::Fails(range) => return range.raise_error().into_err(),
            },
        };
        let (mut limit, mut offset, mut reversed) = (None, None, false);
        while let Some(token) = arguments.next() {
            match token.as_str() {
                "limit" => limit = Some(attr(&mut arguments)?),
                "offset" => offset = Some(attr(&mut arguments)?),
                "reversed" => reversed = true,
                _ => {
                    return token
                        .raise_custom_error("\"limit\", \"offset\" or \"reversed\" expected.")
                        .into_err()
                }
            }
        }
        arguments.expect_nothing()?;
        let (mut items, mut otherwise) = (Vec::new(), None);
        while let Some(element) = tokens.next()? {
            match element {
                BlockElement::Tag(mut tag) if tag.name() == "else" => {
                    tag.tokens().expect_nothing()?;
                    otherwise = Some(Template::new(tokens.parse_all(options)?));
                    break;
                }
                BlockElement::Tag(tag) => items.push(tag.parse(&mut tokens, options)?),
                element => items.push(element.parse(&mut tokens, options)?),
            }
        }
        tokens.assert_empty();
        Ok(Box::new(For {
            var,
            range,
            body: Template::new(items),
            otherwise,
            limit,
            offset,
            reversed,
        }))
    }

    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

/// `limit: n` / `offset: n`.
fn attr(arguments: &mut TagTokenIter<'_>) -> Result<Expression> {
    arguments
        .expect_next("\":\" expected.")?
        .expect_str(":")
        .into_result_custom_msg("\":\" expected.")?;
    arguments
        .expect_next("Value expected.")?
        .expect_value()
        .into_result()
}

/// What a loop iterates.
#[derive(Debug)]
enum Source {
    Array(Expression),
    Range(Expression, Expression),
}

#[derive(Debug)]
struct For {
    var: String,
    range: Source,
    body: Template,
    otherwise: Option<Template>,
    limit: Option<Expression>,
    offset: Option<Expression>,
    reversed: bool,
}

/// A whole number argument.
fn whole(e: &Expression, runtime: &dyn Runtime) -> Result<i64> {
    let v = e.evaluate(runtime)?;
    v.as_scalar()
        .and_then(|s| s.to_integer())
        .ok_or_else(|| Error::with_msg(format!("expected a whole number, found `{}`", v.to_kstr())))
}

impl For {
    /// The items, offset, limited and reversed; a range larger than the steps left fails.
    fn items<'r>(&'r self, runtime: &'r dyn Runtime) -> Result<Vec<ValueCow<'r>>> {
        let offset = self
            .offset
            .as_ref()
            .map(|o| whole(o, runtime))
            .transpose()?;
        let offset = usize::try_from(offset.unwrap_or(0)).unwrap_or(0);
        let limit = self.limit.as_ref().map(|l| whole(l, runtime)).transpose()?;
        let limit = limit.map(|l| usize::try_from(l).unwrap_or(0));
        let mut items: Vec<ValueCow<'r>> = match &self.range {
            Source::Array(a) => {
                let v = a.evaluate(runtime)?;
                elements(v)?
            }
            Source::Range(a, b) => {
                let (a, b) = (whole(a, runtime)?, whole(b, runtime)?);
                let len = b.saturating_sub(a).saturating_add(1).max(0) as u64;
                if len > budget::steps_left() {
                    return Err(Error::with_msg(format!(
                        "the range ({a}..{b}) is longer than the template limits allow"
                    )));
                }
                (a..=b).map(|i| ValueCow::Owned(Value::scalar(i))).collect()
            }
        };
        let offset = offset.min(items.len());
        items.drain(..offset);
        if let Some(l) = limit {
            items.truncate(l);
        }
        if self.reversed {
            items.reverse();
        }
        Ok(items)
    }
}

/// The elements of an array (an object's `[key, value]` pairs; nothing for nil).
fn elements<'r>(v: ValueCow<'r>) -> Result<Vec<ValueCow<'r>>> {
    let v = v.to_value();
    Ok(match v {
        Value::Array(a) => a.into_iter().map(ValueCow::Owned).collect(),
        Value::Object(o) => o
            .into_iter()
            .map(|(k, v)| ValueCow::Owned(Value::Array(vec![Value::scalar(k), v])))
            .collect(),
        Value::Nil | Value::State(_) => Vec::new(),
        other => {
            return Err(Error::with_msg(format!(
                "expected an array, found {}",
                other.type_name()
            )))
        }
    })
}

impl Renderable for For {
    fn render_to(&self, writer: &mut dyn Write, runtime: &dyn Runtime) -> Result<()> {
        let items = self.items(runtime)?;
        if items.is_empty() {
            if let Some(t) = &self.otherwise {
                t.render_to(writer, runtime)?;
            }
            return Ok(());
        }
        let len = items.len();
        let parent = runtime.try_get(&[liquid_core::model::Scalar::new("forloop")]);
        let parent = parent.as_ref().map(|v| v.as_view());
        for (i, item) in items.into_iter().enumerate() {
            budget::step()?;
            let forloop = liquid_core::object!({
                "length": len as i64, "index": i as i64 + 1, "index0": i as i64,
                "rindex": (len - i) as i64, "rindex0": (len - i - 1) as i64,
                "first": i == 0, "last": i + 1 == len,
            });
            let mut forloop = forloop;
            if let Some(p) = parent {
                forloop.insert("parentloop".into(), p.to_value());
            }
            let mut root = HashMap::<liquid_core::model::KStringRef<'_>, &dyn ValueView>::new();
            root.insert("forloop".into(), &forloop);
            root.insert(self.var.as_str().into(), &item);
            let scope = super::Lenient(StackFrame::new(runtime, &root));
            self.body.render_to(writer, &scope)?;
            let interrupt = scope.registers().get_mut::<InterruptRegister>().reset();
            if let Some(Interrupt::Break) = interrupt {
                break;
            }
        }
        Ok(())
    }
}

/// `{% capture name %}…{% endcapture %}`, its text bounded like the output.
#[derive(Clone, Copy, Debug)]
struct CaptureBlock;

impl BlockReflection for CaptureBlock {
    fn start_tag(&self) -> &str {
        "capture"
    }
    fn end_tag(&self) -> &str {
        "endcapture"
    }
    fn description(&self) -> &str {
        "a bounded capture"
    }
}

impl ParseBlock for CaptureBlock {
    fn parse(
        &self,
        mut arguments: TagTokenIter<'_>,
        mut tokens: TagBlock<'_, '_>,
        options: &Language,
    ) -> Result<Box<dyn Renderable>> {
        let id = arguments
            .expect_next("Identifier expected")?
            .expect_identifier()
            .into_result()?
            .to_string();
        arguments.expect_nothing()?;
        let template = Template::new(tokens.parse_all(options)?);
        tokens.assert_empty();
        Ok(Box::new(Capture { id, template }))
    }

    fn reflection(&self) -> &dyn BlockReflection {
        self
    }
}

#[derive(Debug)]
struct Capture {
    id: String,
    template: Template,
}

impl Renderable for Capture {
    fn render_to(&self, _writer: &mut dyn Write, runtime: &dyn Runtime) -> Result<()> {
        let mut captured = budget::Bounded::new(budget::max_size());
        let done = self.template.render_to(&mut captured, runtime);
        if let Some(e) = captured.overflow() {
            return Err(e);
        }
        done?;
        runtime.set_global(
            self.id.clone().into(),
            Value::scalar(captured.into_string()),
        );
        Ok(())
    }
}
