//! `limit-concurrency`: runs the nested policies while holding one of `max-count` slots of
//! the key; with every slot held the request is refused at once with 429. The slot is held
//! by the exchange and given back when the nested block ends, when an error leaves it, when
//! the exchange finishes, and when it is dropped (client abort, timeout).

use super::super::error;
use super::super::exchange::{Body, Exchange, Reply};
use super::super::headers::Headers;
use super::super::run::Next;
use crate::program::{LimitConcurrency, Op, Program};
use http::StatusCode;

/// Takes a slot and enters the nested policies, or refuses.
pub(super) fn limit_concurrency(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    l: &LimitConcurrency,
) -> Next {
    let key = match x.arg_text(program, &l.key) {
        Ok(k) => k,
        Err(f) => return Next::Error(x.fault_at(program, op, &f)),
    };
    let sh = x.ctx.sh.clone();
    let Some(held) = sh.stores.concurrency.acquire(&key, l.max_count) else {
        let status = StatusCode::TOO_MANY_REQUESTS;
        let message = "Too many concurrent requests.".to_string();
        x.ctx.resp = Reply {
            status,
            reason: None,
            headers: Headers::new(error::json_headers()),
            body: Body::Held(error::json_body(status, &message)),
        };
        return Next::Fail(x.error_at(program, op, "ConcurrencyLimitExceeded", message));
    };
    // The nested block will be the frame at this depth.
    x.held.push((x.frames.len(), l.block, held));
    Next::Enter(l.block)
}

/// Gives back the slots whose nested block is no longer running.
pub(crate) fn release_finished(x: &mut Exchange) {
    let frames = &x.frames;
    x.held
        .retain(|(depth, block, _)| frames.get(*depth).is_some_and(|f| f.block == *block));
}
