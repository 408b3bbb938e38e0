//! `cache-store`: how long the response is kept, and whether it is cached.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{put_arg, put_opt_arg, BundleError, ProgramReader};

/// `cache-store`.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheStore {
    /// Seconds the response is kept.
    pub duration: Arg,
    /// `cache-response`: `None` caches only `200 OK` responses.
    pub cache_response: Option<Arg>,
}

impl OpData for CacheStore {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.duration);
        put_opt_arg(w, self.cache_response);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(CacheStore {
            duration: r.arg("a duration")?,
            cache_response: r.opt_arg("cache-response")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        format!(
            "{name} duration={}{}",
            p.arg(self.duration),
            p.opt("cache-response", self.cache_response)
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.duration);
        self.cache_response.into_iter().for_each(|a| v.arg(a));
    }
}
