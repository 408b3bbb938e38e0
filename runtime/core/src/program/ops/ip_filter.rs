//! `ip-filter`: the action, single addresses and address ranges it compares the caller with.

use super::{Arg, OpData, Printer, Refs};
use crate::bundle::{many, put_arg, put_len, put_var, BundleError, ProgramReader};
use crate::program::StrId;
use std::net::IpAddr;

/// `ip-filter`.
#[derive(Clone, Debug, PartialEq)]
pub struct IpFilter {
    /// `allow` or `forbid` (literal or computed per request).
    pub action: Arg,
    /// `<address>` children.
    pub addresses: Vec<Arg>,
    /// `<address-range from to>` children (literals, checked at build).
    pub ranges: Vec<(StrId, StrId)>,
}

/// An address as `ip-filter` reads it: surrounding spaces ignored, an IPv4-mapped IPv6
/// address (`::ffff:1.2.3.4`) taken as the IPv4 address. `None`: not an address.
pub fn parse_ip_filter_address(text: &str) -> Option<IpAddr> {
    text.trim().parse::<IpAddr>().ok().map(canonical_ip)
}

/// An IPv4-mapped IPv6 address as IPv4; any other address unchanged.
pub fn canonical_ip(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// An address as its family (IPv6: `true`) and its number, for range comparisons.
pub fn ip_key(ip: IpAddr) -> (bool, u128) {
    match canonical_ip(ip) {
        IpAddr::V4(v4) => (false, u128::from(u32::from(v4))),
        IpAddr::V6(v6) => (true, u128::from(v6)),
    }
}

impl OpData for IpFilter {
    fn write(&self, w: &mut Vec<u8>) {
        put_arg(w, self.action);
        put_len(w, self.addresses.len());
        self.addresses.iter().for_each(|a| put_arg(w, *a));
        put_len(w, self.ranges.len());
        for (from, to) in &self.ranges {
            put_var(w, *from);
            put_var(w, *to);
        }
    }

    fn read(r: &mut ProgramReader<'_, '_>) -> Result<Self, BundleError> {
        let action = r.arg("an action")?;
        let n = r.list("addresses", 1)?;
        let addresses = many(n, || r.arg("an address"))?;
        let n = r.list("address ranges", 2)?;
        let ranges = many(n, || {
            Ok((r.str_id("a range start")?, r.str_id("a range end")?))
        })?;
        Ok(IpFilter {
            action,
            addresses,
            ranges,
        })
    }

    fn print(&self, p: &Printer<'_>, name: &str) -> String {
        let mut s = format!("{name} action={}", p.arg(self.action));
        for a in &self.addresses {
            s.push_str(&format!(" address={}", p.arg(*a)));
        }
        for (from, to) in &self.ranges {
            s.push_str(&format!(" range={}..{}", p.s(*from), p.s(*to)));
        }
        s
    }

    fn refs(&self, v: &mut dyn Refs) {
        v.arg(self.action);
        self.addresses.iter().for_each(|a| v.arg(*a));
        for (from, to) in &self.ranges {
            v.string(*from);
            v.string(*to);
        }
    }
}
