//! Liquid templates of `set-body template="liquid"` in APIM's dialect: DotLiquid with C#
//! naming (PascalCase filters, .NET date formats), compiled once and rendered per request
//! within bounds (output bytes, loop iterations and filter calls, value sizes).

mod bind;
mod blocks;
mod budget;
mod filters;
mod scan;

pub use bind::{json_body, xml_body};
pub use filters::FILTERS;
pub use scan::{filter_names, FilterName};

use liquid_core::model::{Object, ScalarCow, Value, ValueCow};
use liquid_core::runtime::{PartialStore, Registers, RuntimeBuilder};
use liquid_core::{Language, Renderable, Runtime, Template};
use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

/// Bounds of one template rendering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LiquidLimits {
    /// Most bytes the rendered body (and any one captured or computed value) may hold.
    pub max_output: usize,
    /// Most loop iterations and filter calls one rendering may run.
    pub max_steps: u64,
}

impl Default for LiquidLimits {
    fn default() -> Self {
        LiquidLimits {
            max_output: 4 << 20,
            max_steps: 100_000,
        }
    }
}

/// A compiled template (cheap to clone: shared).
#[derive(Clone)]
pub struct LiquidTemplate(Arc<Template>);

impl fmt::Debug for LiquidTemplate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("LiquidTemplate")
    }
}

/// Compiles `source`. Filters APIM does not know (or spelled in another case) pass their
/// input through unchanged, as DotLiquid ignores them; `tablerow`, `include` and `render`
/// are not tags of APIM's dialect. The error is Liquid's message.
pub fn compile(source: &str) -> Result<LiquidTemplate, String> {
    let unknown: Vec<String> = filter_names(source)
        .into_iter()
        .filter(|f| !FILTERS.contains(&f.name.as_str()))
        .map(|f| f.name)
        .collect();
    let mut lang = Language::empty();
    blocks::register(&mut lang);
    filters::register(&mut lang, &unknown);
    let parsed =
        liquid_core::parser::parse(source, &lang).map_err(|e| first_line(&e.to_string()))?;
    Ok(LiquidTemplate(Arc::new(Template::new(parsed))))
}

impl LiquidTemplate {
    /// Renders with `globals` (`body`, `context`) within `limits`: the text, or why it
    /// failed (a bound exceeded, a filter's error).
    pub fn render(&self, globals: &Object, limits: LiquidLimits) -> Result<String, String> {
        let _scope = budget::Scope::enter(limits);
        let mut out = budget::Bounded::new(limits.max_output);
        let runtime = Lenient(RuntimeBuilder::new().set_globals(globals).build());
        let done = self.0.render_to(&mut out, &runtime);
        if let Some(e) = out.overflow() {
            return Err(e.to_string());
        }
        done.map_err(|e| first_line(&e.to_string()))?;
        Ok(out.into_string())
    }
}

/// A runtime where a variable or index that does not exist is nil (as in DotLiquid), not
/// an error.
pub(crate) struct Lenient<R>(pub(crate) R);

impl<R: Runtime> Runtime for Lenient<R> {
    fn partials(&self) -> &dyn PartialStore {
        self.0.partials()
    }
    fn name(&self) -> Option<liquid_core::model::KStringRef<'_>> {
        self.0.name()
    }
    fn roots(&self) -> BTreeSet<liquid_core::model::KStringCow<'_>> {
        self.0.roots()
    }
    fn try_get(&self, path: &[ScalarCow<'_>]) -> Option<ValueCow<'_>> {
        self.0.try_get(path)
    }
    fn get(&self, path: &[ScalarCow<'_>]) -> liquid_core::Result<ValueCow<'_>> {
        Ok(self.0.try_get(path).unwrap_or(ValueCow::Owned(Value::Nil)))
    }
    fn set_global(&self, name: liquid_core::model::KString, val: Value) -> Option<Value> {
        self.0.set_global(name, val)
    }
    fn set_index(&self, name: liquid_core::model::KString, val: Value) -> Option<Value> {
        self.0.set_index(name, val)
    }
    fn get_index<'a>(&'a self, name: &str) -> Option<ValueCow<'a>> {
        self.0.get_index(name)
    }
    fn registers(&self) -> &Registers {
        self.0.registers()
    }
}

/// The first line of a Liquid error (the rest is its trace).
fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("invalid template")
        .to_string()
}

#[cfg(test)]
mod tests;
