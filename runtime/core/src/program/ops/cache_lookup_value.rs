//! `cache-lookup-value`: a key, the variable that receives the value, its default on a
//! miss, and which cache (`caching-type`, shared by every caching policy).

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_opt_arg, put_var, BundleError, ProgramReader};
use crate::program::StrId;

/// `caching-type`: which cache a caching policy uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CachingType {
    /// The external cache if one is configured, the built-in one otherwise (the default).
    #[default]
    PreferExternal,
    /// The external cache.
    External,
    /// The built-in (in-process) cache.
    Internal,
}

impl CachingType {
    /// The attribute's text.
    pub fn name(self) -> &'static str {
        match self {
            CachingType::PreferExternal => "prefer-external",
            CachingType::External => "external",
            CachingType::Internal => "internal",
        }
    }

    /// The caching type written `text`, if it is one.
    pub fn parse(text: &str) -> Option<CachingType> {
        [
            CachingType::PreferExternal,
            CachingType::External,
            CachingType::Internal,
        ]
        .into_iter()
        .find(|t| t.name() == text)
    }

    /// Writes the caching type as one byte.
    pub(crate) fn write(self, w: &mut Vec<u8>) {
        w.push(self as u8);
    }

    /// Reads a caching type written by [`CachingType::write`].
    pub(crate) fn read(r: &mut ProgramReader<'_, '_>) -> Result<CachingType, BundleError> {
        Ok(match r.tag("a caching type", 3)? {
            0 => CachingType::PreferExternal,
            1 => CachingType::External,
            _ => CachingType::Internal,
        })
    }

    /// ` caching-type=…`, or nothing for the default.
    pub(crate) fn print(self) -> String {
        match self {
            CachingType::PreferExternal => String::new(),
            t => format!(" caching-type={}", t.name()),
        }
    }
}

/// `cache-lookup-value`.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheLookupValue {
    /// The cache key.
    pub key: Arg,
    /// The variable that receives the value.
    pub variable: StrId,
    /// The value the variable receives on a miss (`None`: it is not set).
    pub default_value: Option<Arg>,
    /// Which cache.
    pub caching_type: CachingType,
}

impl OpData for CacheLookupValue {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.key);
        put_var(w, self.variable);
        put_opt_arg(w, self.default_value);
        self.caching_type.write(w);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(CacheLookupValue {
            key: r.arg("a cache key")?,
            variable: r.str_id("a variable name")?,
            default_value: r.opt_arg("a default value")?,
            caching_type: CachingType::read(r)?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} key={} variable-name={:?}{}{}",
            p.arg(self.key),
            p.s(self.variable),
            p.opt("default-value", self.default_value),
            self.caching_type.print()
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.key);
        v.string(self.variable);
        self.default_value.into_iter().for_each(|a| v.arg(a));
    }
}
