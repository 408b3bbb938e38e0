//! `cache-lookup`: what the response cache key varies by, which cache, and how downstream
//! caches may keep the response.

use super::{Arg, CachingType, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, put_opt_arg, BundleError, ProgramReader};

/// `cache-lookup`.
#[derive(Clone, Debug, PartialEq)]
pub struct CacheLookup {
    /// `vary-by-developer` (a boolean).
    pub vary_by_developer: Arg,
    /// `vary-by-developer-groups` (a boolean).
    pub vary_by_developer_groups: Arg,
    /// Which cache.
    pub caching_type: CachingType,
    /// `downstream-caching-type`: `none` (default), `private` or `public`.
    pub downstream_caching_type: Option<Arg>,
    /// `must-revalidate` (default `true`).
    pub must_revalidate: Option<Arg>,
    /// `allow-private-response-caching` (default `false`).
    pub allow_private_response_caching: Option<Arg>,
    /// `vary-by-header` names.
    pub vary_by_header: Vec<Arg>,
    /// `vary-by-query-parameter` names (each may hold several, `;`-separated).
    pub vary_by_query_parameter: Vec<Arg>,
}

fn put_args(w: &mut Vec<u8>, args: &[Arg]) {
    put_len(w, args.len());
    args.iter().for_each(|a| put_arg(w, *a));
}

fn read_args(r: &mut ProgramReader<'_, '_>, what: &str) -> Result<Vec<Arg>, BundleError> {
    let n = r.list(what, 1)?;
    many(n, || r.arg(what))
}

impl OpData for CacheLookup {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.vary_by_developer);
        put_arg(w, self.vary_by_developer_groups);
        self.caching_type.write(w);
        put_opt_arg(w, self.downstream_caching_type);
        put_opt_arg(w, self.must_revalidate);
        put_opt_arg(w, self.allow_private_response_caching);
        put_args(w, &self.vary_by_header);
        put_args(w, &self.vary_by_query_parameter);
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        Ok(CacheLookup {
            vary_by_developer: r.arg("vary-by-developer")?,
            vary_by_developer_groups: r.arg("vary-by-developer-groups")?,
            caching_type: CachingType::read(r)?,
            downstream_caching_type: r.opt_arg("downstream-caching-type")?,
            must_revalidate: r.opt_arg("must-revalidate")?,
            allow_private_response_caching: r.opt_arg("allow-private-response-caching")?,
            vary_by_header: read_args(r, "a vary-by-header name")?,
            vary_by_query_parameter: read_args(r, "a vary-by-query-parameter name")?,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let list = |args: &[Arg]| -> String {
            let all: Vec<String> = args.iter().map(|a| p.arg(*a)).collect();
            all.join(",")
        };
        format!(
            "{name} vary-by-developer={} vary-by-developer-groups={}{}{}{}{} vary-by-header=[{}] vary-by-query-parameter=[{}]",
            p.arg(self.vary_by_developer),
            p.arg(self.vary_by_developer_groups),
            self.caching_type.print(),
            p.opt("downstream-caching-type", self.downstream_caching_type),
            p.opt("must-revalidate", self.must_revalidate),
            p.opt("allow-private-response-caching", self.allow_private_response_caching),
            list(&self.vary_by_header),
            list(&self.vary_by_query_parameter),
        )
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.vary_by_developer);
        v.arg(self.vary_by_developer_groups);
        for a in [
            self.downstream_caching_type,
            self.must_revalidate,
            self.allow_private_response_caching,
        ]
        .into_iter()
        .flatten()
        {
            v.arg(a);
        }
        self.vary_by_header.iter().for_each(|a| v.arg(*a));
        self.vary_by_query_parameter.iter().for_each(|a| v.arg(*a));
    }
}
