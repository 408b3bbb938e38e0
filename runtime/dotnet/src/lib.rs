//! The .NET semantics library: what .NET prints, parses and computes for the members policy expressions use.
//!
//! Every function here is pure and total: where .NET throws, it returns
//! [`DotnetError`] with the exception type and .NET's message. Culture-sensitive members
//! use the invariant culture. Deliberate deviations are listed in `docs/expressions.md`.

//!
//! Numbers: [`numfmt`], [`numparse`], [`radix`], [`math`]. Dates: [`datetime`], [`offset`], [`timespan`],
//! [`dtformat`], [`dtparse`], [`dtexact`]. Text: [`string`], [`strsplit`], [`encoding`], [`uri`].
//! Hashing: [`crypto`]. Regexes: [`regex`]. Newtonsoft.Json: [`json`], [`jsonparse`],
//! [`jsonwrite`], [`jsonpath`].

pub mod budget;
pub mod crypto;
pub mod regex;
mod retranslate;
pub use retranslate::GroupInfo;
pub mod datetime;
mod dtarith;
pub mod dtexact;
pub mod dtformat;
pub mod dtparse;
pub mod encoding;
pub mod error;
pub mod json;
pub mod jsonparse;
pub mod jsonpath;
pub mod jsonwrite;
pub mod math;
mod numbuf;
mod numcustom;
pub mod numfmt;
pub mod numparse;
pub mod offset;
pub mod radix;
pub mod string;
pub mod strsplit;
pub mod timespan;
pub mod uri;
pub mod xml;
pub use error::{DResult, DotnetError, ExceptionKind};
#[cfg(test)]
mod tests;
