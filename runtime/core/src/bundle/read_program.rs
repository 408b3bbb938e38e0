//! The verifying reader of program bundles: inflated, framed sections, indices checked.

use super::deflate::inflate;
use super::links::{check_blocks, check_pools};
use super::section;
use crate::bundle::{finish, open, read_code, Reader};
use crate::bundle::{BundleError, DecodeLimits};
use crate::bundle::{BundleKind, HEADER_LEN};
use crate::program::{Arg, CodeEntry, Loc, Pipeline, Program, Scope, SecretRef};

/// The sizes of the tables read so far (what an index may refer to).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Bounds {
    pub strings: usize,
    pub files: usize,
    pub locs: usize,
    pub codes: usize,
    pub backends: usize,
    pub blocks: usize,
    pub pipelines: usize,
    pub products: usize,
    pub apis: usize,
}

/// The reader, the limits and the table sizes known so far.
pub(crate) struct In<'a, 'l> {
    pub r: Reader<'a>,
    pub limits: &'l DecodeLimits,
    pub b: Bounds,
    /// Operations read so far (for [`DecodeLimits::max_ops`]).
    pub ops: usize,
}

/// `n` entries read by `f`, allocated once (`collect` into a `Result` cannot pre-size).
pub(crate) fn many<T>(
    n: usize,
    mut f: impl FnMut() -> Result<T, BundleError>,
) -> Result<Vec<T>, BundleError> {
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        out.push(f()?);
    }
    Ok(out)
}

/// Decodes and verifies a program bundle written by [`super::encode_program`].
///
/// Header errors and errors of the deflate stream give offsets in `bytes`; errors of the
/// sections give offsets in the inflated payload, and their message says so.
pub fn decode_program(bytes: &[u8], limits: &DecodeLimits) -> Result<Program, BundleError> {
    let stored = open(bytes, BundleKind::Program, limits)?;
    let raw = inflate(stored.bytes.get(HEADER_LEN..).unwrap_or_default(), limits)?;
    read_sections(&raw, limits).map_err(|mut e| {
        e.message
            .push_str(" (the offset is in the inflated payload)");
        e
    })
}

/// Reads and verifies the inflated section stream of a program bundle.
fn read_sections(raw: &[u8], limits: &DecodeLimits) -> Result<Program, BundleError> {
    let mut d = In {
        r: Reader::new(raw),
        limits,
        b: Bounds::default(),
        ops: 0,
    };
    let mut p = Program::default();
    let full = d.enter(section::STRINGS)?;
    p.strings = d.strings("strings")?;
    d.b.strings = p.strings.len();
    d.leave(section::STRINGS, full)?;
    let full = d.enter(section::FILES)?;
    p.files = d.strings("files")?;
    d.b.files = p.files.len();
    d.leave(section::FILES, full)?;
    let full = d.enter(section::LOCS)?;
    p.locs = d.locs()?;
    d.b.locs = p.locs.len();
    d.leave(section::LOCS, full)?;
    let full = d.enter(section::SECRETS)?;
    p.secrets = d.secrets()?;
    d.leave(section::SECRETS, full)?;
    let full = d.enter(section::CODES)?;
    p.codes = d.codes()?;
    d.b.codes = p.codes.len();
    d.leave(section::CODES, full)?;
    let full = d.enter(section::BACKENDS)?;
    let offsets;
    (p.backends, offsets) = d.backends()?;
    check_pools(&p.backends, &offsets)?;
    d.leave(section::BACKENDS, full)?;
    let full = d.enter(section::BLOCKS)?;
    let offsets;
    (p.blocks, offsets) = d.blocks()?;
    check_blocks(&p.blocks, &offsets, limits)?;
    d.leave(section::BLOCKS, full)?;
    let full = d.enter(section::PIPELINES)?;
    p.pipelines = d.pipelines()?;
    d.b.pipelines = p.pipelines.len();
    p.global = d.opt_id("the global pipeline", p.pipelines.len())?;
    d.leave(section::PIPELINES, full)?;
    d.tables(&mut p)?;
    finish(&d.r, "the last section")?;
    Ok(p)
}

impl<'a> In<'a, '_> {
    /// Starts section `id`: checks its id and length and narrows the reader to its body.
    /// Returns the whole bundle, for [`In::leave`].
    pub fn enter(&mut self, id: u8) -> Result<&'a [u8], BundleError> {
        let at = self.r.pos;
        let found = self.r.u8("a section id")?;
        if found != id {
            return Err(BundleError::new(
                at,
                format!(
                    "expected section {} ({id}), found section id {found}",
                    section::name(id)
                ),
            ));
        }
        let len_at = self.r.pos;
        let len = self.r.var_u32("a section length")? as usize;
        let full = self.r.bytes;
        let end = self.r.pos.saturating_add(len);
        match full.get(..end) {
            Some(body) => self.r.bytes = body,
            None => {
                return Err(BundleError::new(
                    len_at,
                    format!(
                        "section {} of {len} bytes runs past the end",
                        section::name(id)
                    ),
                ))
            }
        }
        Ok(full)
    }

    /// Ends section `id`: its body must have been read exactly.
    pub fn leave(&mut self, id: u8, full: &'a [u8]) -> Result<(), BundleError> {
        finish(
            &self.r,
            &format!("the {} section's entries", section::name(id)),
        )?;
        self.r.bytes = full;
        Ok(())
    }

    /// A table's entry count (at least `min` bytes each), within `limit`.
    pub fn table(&mut self, what: &str, limit: usize, min: usize) -> Result<usize, BundleError> {
        self.r.count(what, limit, min)
    }

    /// A list's entry count (at least `min` bytes each), within [`DecodeLimits::max_list`].
    pub fn list(&mut self, what: &str, min: usize) -> Result<usize, BundleError> {
        self.r.count(what, self.limits.max_list, min)
    }

    /// An index that must be below `bound`.
    pub fn id(&mut self, what: &str, bound: usize) -> Result<u32, BundleError> {
        let at = self.r.pos;
        let v = self.r.var_u32(what)?;
        if v as usize >= bound {
            return Err(BundleError::new(
                at,
                format!("{what} {v} out of range (0..{bound})"),
            ));
        }
        Ok(v)
    }

    /// A string index.
    pub fn str_id(&mut self, what: &str) -> Result<u32, BundleError> {
        self.id(what, self.b.strings)
    }

    /// An optional `u32`: 0 for none, else the value plus one.
    pub fn opt_u32(&mut self, what: &str) -> Result<Option<u32>, BundleError> {
        let at = self.r.pos;
        match self.r.var(what)? {
            0 => Ok(None),
            v => u32::try_from(v - 1)
                .map(Some)
                .map_err(|_| BundleError::new(at, format!("{what}: {v} is over u32"))),
        }
    }

    /// An optional index below `bound`.
    pub fn opt_id(&mut self, what: &str, bound: usize) -> Result<Option<u32>, BundleError> {
        let at = self.r.pos;
        let v = self.opt_u32(what)?;
        match v {
            Some(i) if i as usize >= bound => Err(BundleError::new(
                at,
                format!("{what} {i} out of range (0..{bound})"),
            )),
            _ => Ok(v),
        }
    }

    /// An optional string index.
    pub fn opt_str(&mut self, what: &str) -> Result<Option<u32>, BundleError> {
        self.opt_id(what, self.b.strings)
    }

    /// A list of string indices.
    pub fn str_ids(&mut self, what: &str) -> Result<Vec<u32>, BundleError> {
        let n = self.list(what, 1)?;
        many(n, || self.str_id(what))
    }

    fn arg_from(&self, at: usize, what: &str, bits: u64) -> Result<Arg, BundleError> {
        let (id, expr) = (bits >> 1, bits & 1 == 1);
        let (bound, kind) = if expr {
            (self.b.codes, "code")
        } else {
            (self.b.strings, "string")
        };
        match u32::try_from(id) {
            Ok(i) if (i as usize) < bound => Ok(if expr { Arg::Expr(i) } else { Arg::Lit(i) }),
            _ => Err(BundleError::new(
                at,
                format!("{what}: {kind} {id} out of range (0..{bound})"),
            )),
        }
    }

    /// An argument: a literal string or an expression, both checked.
    pub fn arg(&mut self, what: &str) -> Result<Arg, BundleError> {
        let at = self.r.pos;
        let bits = self.r.var(what)?;
        self.arg_from(at, what, bits)
    }

    /// An optional argument.
    pub fn opt_arg(&mut self, what: &str) -> Result<Option<Arg>, BundleError> {
        let at = self.r.pos;
        match self.r.var(what)? {
            0 => Ok(None),
            bits => self.arg_from(at, what, bits - 1).map(Some),
        }
    }

    /// `n` boolean flags packed in one byte; other bits must be 0.
    pub fn flags<const N: usize>(&mut self, what: &str) -> Result<[bool; N], BundleError> {
        let at = self.r.pos;
        let b = self.r.u8(what)?;
        if u32::from(b) >> N != 0 {
            return Err(BundleError::new(
                at,
                format!("{what}: unknown flags {b:#x}"),
            ));
        }
        Ok(std::array::from_fn(|i| b & (1 << i) != 0))
    }

    /// A one-byte tag below `count`.
    pub fn tag(&mut self, what: &str, count: u8) -> Result<u8, BundleError> {
        let at = self.r.pos;
        let t = self.r.u8(what)?;
        if t >= count {
            return Err(BundleError::new(at, format!("unknown {what} {t}")));
        }
        Ok(t)
    }

    /// A front-coded string table: each entry is the length of the prefix it shares with
    /// the previous entry (the longest, so the encoding stays canonical) and the rest.
    fn strings(&mut self, what: &str) -> Result<Vec<std::sync::Arc<str>>, BundleError> {
        let n = self.table(what, self.limits.max_entries, 2)?;
        let mut prev: Vec<u8> = Vec::new();
        many(n, || {
            let at = self.r.pos;
            let prefix = self.r.var_u32("a shared prefix length")? as usize;
            let len = self
                .r
                .count("string bytes", self.limits.max_string_bytes, 1)?;
            if prefix > prev.len() {
                return Err(BundleError::new(
                    at,
                    format!("shares {prefix} bytes with a string of {}", prev.len()),
                ));
            }
            // The whole string counts, not just what is stored: a long prefix repeated
            // must not allocate past the limit.
            self.r.string_bytes = self.r.string_bytes.saturating_add(prefix + len);
            if self.r.string_bytes > self.limits.max_string_bytes {
                return Err(BundleError::new(
                    at,
                    format!(
                        "strings total over the limit of {} bytes",
                        self.limits.max_string_bytes
                    ),
                ));
            }
            let rest = self.r.take(len, "a string")?;
            if rest.first().is_some_and(|b| prev.get(prefix) == Some(b)) {
                return Err(BundleError::new(at, "shared prefix is not the longest"));
            }
            prev.truncate(prefix);
            prev.extend_from_slice(rest);
            std::str::from_utf8(&prev)
                .map(std::sync::Arc::from)
                .map_err(|e| BundleError::new(at, format!("string is not UTF-8: {e}")))
        })
    }

    fn locs(&mut self) -> Result<Vec<Loc>, BundleError> {
        let n = self.table("locations", self.limits.max_entries, 5)?;
        many(n, || {
            Ok(Loc {
                file: self.id("a location's file", self.b.files)?,
                line: self.r.var_u32("a line")?,
                column: self.r.var_u32("a column")?,
                scope: Scope::ALL[self.tag("scope", Scope::ALL.len() as u8)? as usize],
                path: self.str_id("a policy path")?,
            })
        })
    }

    fn secrets(&mut self) -> Result<Vec<SecretRef>, BundleError> {
        let n = self.table("secrets", self.limits.max_entries, 2)?;
        many(n, || {
            let name = self.r.str(self.limits)?.to_string();
            let key_vault = match self.tag("Key Vault flag", 2)? {
                0 => None,
                _ => Some(self.r.str(self.limits)?.to_string()),
            };
            Ok(SecretRef { name, key_vault })
        })
    }

    fn codes(&mut self) -> Result<Vec<CodeEntry>, BundleError> {
        let n = self.table("codes", self.limits.max_codes, 10)?;
        many(n, || {
            let loc = self.id("a code's location", self.b.locs)?;
            let code = read_code(&mut self.r, self.limits)?;
            Ok(CodeEntry { code, loc })
        })
    }

    fn pipelines(&mut self) -> Result<Vec<Pipeline>, BundleError> {
        let n = self.table("pipelines", self.limits.max_entries, 4)?;
        many(n, || {
            let mut sections = [0; 4];
            for s in &mut sections {
                *s = self.id("a pipeline section", self.b.blocks)?;
            }
            Ok(Pipeline { sections })
        })
    }
}
