//! `cache-store-value`: a key, a value and its duration in seconds.

use super::{Arg, CachingType, OpData, Printer, Refs};
use crate::bundle::{put_arg, BundleError, ProgramReader};

/// `cache-store-value`.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheStoreValue {
    /// The cache key.
    pub key: Arg,
    /// The value stored (its type is kept).
    pub value: Arg,
    /// How long it is kept, seconds.
    pub duration: Arg,
    /// Which cache.
    pub caching_type: CachingType,
}

impl OpData for CacheStoreValue {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.key);
        put_arg(w, self.value);
        put_arg(w, self.duration);
        self.caching_type.write(w);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(CacheStoreValue {
            key: r.arg("a cache key")?,
            value: r.arg("a cached value")?,
            duration: r.arg("a duration")?,
            caching_type: CachingType::read(r)?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} key={} value={} duration={}{}",
            p.arg(self.key),
            p.arg(self.value),
            p.arg(self.duration),
            self.caching_type.print()
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.key);
        v.arg(self.value);
        v.arg(self.duration);
    }
}
