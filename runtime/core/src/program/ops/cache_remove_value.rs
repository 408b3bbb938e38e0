//! `cache-remove-value`: a key.

use super::{Arg, CachingType, OpData, Printer, Refs};
use crate::bundle::{put_arg, BundleError, ProgramReader};

/// `cache-remove-value`.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheRemoveValue {
    /// The cache key.
    pub key: Arg,
    /// Which cache.
    pub caching_type: CachingType,
}

impl OpData for CacheRemoveValue {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.key);
        self.caching_type.write(w);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(CacheRemoveValue {
            key: r.arg("a cache key")?,
            caching_type: CachingType::read(r)?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} key={}{}",
            p.arg(self.key),
            self.caching_type.print()
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.key);
    }
}
