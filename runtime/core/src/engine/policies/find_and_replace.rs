//! `find-and-replace`: every occurrence of `from` in the section's message body becomes
//! `to`, compared byte by byte (ordinal, case-sensitive, as .NET's `String.Replace`).

use super::super::exchange::Exchange;
use super::super::run::Next;
use super::message::{held_body, replace_body};
use crate::program::{FindAndReplace, Op, Program};
use bytes::Bytes;

/// `find-and-replace`. No body, an empty `from` or no occurrence leave the body as it is;
/// a result larger than the engine's body limit is an error (nothing is allocated for it).
pub(super) fn find_and_replace(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    f: &FindAndReplace,
) -> Next {
    let from = match x.arg_text(program, &f.from) {
        Ok(t) => t,
        Err(e) => return Next::Error(x.fault_at(program, op, &e)),
    };
    let to = match x.arg_text(program, &f.to) {
        Ok(t) => t,
        Err(e) => return Next::Error(x.fault_at(program, op, &e)),
    };
    let Some(body) = held_body(x) else {
        return Next::Go;
    };
    let limit = x.ctx.sh.config.max_body;
    match replace(&body, from.as_bytes(), to.as_bytes(), limit) {
        Ok(Some(new)) => replace_body(x, Bytes::from(new)),
        Ok(None) => {}
        Err(size) => {
            let msg = format!(
                "The replaced body would hold {size} bytes, more than the limit of {limit}."
            );
            return Next::Error(x.error_at(program, op, "", msg));
        }
    }
    Next::Go
}

/// `body` with every non-overlapping `from` (left to right) replaced by `to`: `Ok(None)`
/// when nothing matches, `Err(size)` when the result would exceed `limit` bytes.
pub(crate) fn replace(
    body: &[u8],
    from: &[u8],
    to: &[u8],
    limit: usize,
) -> Result<Option<Vec<u8>>, usize> {
    if from.is_empty() || body.len() < from.len() {
        return Ok(None);
    }
    let finder = memchr::memmem::Finder::new(from);
    let count = finder.find_iter(body).count();
    if count == 0 {
        return Ok(None);
    }
    let size = (body.len() - count * from.len()).saturating_add(count.saturating_mul(to.len()));
    if size > limit {
        return Err(size);
    }
    let mut out = Vec::with_capacity(size);
    let mut at = 0;
    for i in finder.find_iter(body) {
        out.extend_from_slice(&body[at..i]);
        out.extend_from_slice(to);
        at = i + from.len();
    }
    out.extend_from_slice(&body[at..]);
    Ok(Some(out))
}
