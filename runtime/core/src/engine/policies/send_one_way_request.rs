//! `send-one-way-request`: the call built as `send-request` builds it, handed to the
//! driver to send off the request's path ([`Step::SendDetached`]).

use super::super::exchange::{Exchange, Stage};
use super::super::run::Next;
use super::super::{Delivery, DetachedCall, Step};
use super::send_request::build;
use crate::program::{Op, Program, SendRequest};

/// `send-one-way-request`: a call that cannot be built (a faulting expression, no URL)
/// is an error; the call itself never is.
pub(super) fn send_one_way_request(
    x: &mut Exchange,
    program: &Program,
    op: &Op,
    s: &SendRequest,
) -> Next {
    match build(x, program, op, s) {
        Ok(request) => {
            x.stage = Stage::Detaching;
            Next::Effect(Step::SendDetached(Box::new(DetachedCall {
                request,
                source: "send-one-way-request",
                retries: 0,
                delivery: Delivery::Http,
            })))
        }
        Err(e) => Next::Error(e),
    }
}
