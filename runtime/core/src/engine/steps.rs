//! The step machine: `Exchange::resume` moves an exchange through its sections, `on-error`
//! and the effects the driver performs, up to the final response.

use super::error::{self, LastError};
use super::exchange::{Exchange, Frame, Stage};
use super::headers::Headers;
use super::policies::Identified;
use super::request_response::{Body, Reply};
use super::{BodyFailure, Response, ResponseBody, Resume, Step};
use http::header::HeaderValue;
use http::{HeaderMap, StatusCode};

impl Exchange {
    /// Hands the driver's answer to the engine; returns what it needs next.
    pub fn resume(&mut self, input: Resume) -> Step {
        match (self.stage, input) {
            (Stage::Begin, Resume::Start) => self.begin(),
            (Stage::RequestBody, Resume::RequestBody(b)) => {
                if b.len() > self.ctx.sh.config.max_body {
                    return self.fail_step(
                        "request",
                        "RequestEntityTooLarge",
                        "The request body is too large.",
                    );
                }
                self.ctx.req.body = Body::Held(b);
                self.enter(0);
                self.drive()
            }
            (Stage::RequestBody, Resume::BodyFailed(f)) => match f {
                BodyFailure::TooLarge => self.fail_step(
                    "request",
                    "RequestEntityTooLarge",
                    "The request body is too large.",
                ),
                BodyFailure::Unreadable => self.fail_step(
                    "request",
                    "ClientConnectionFailure",
                    "The request body could not be read from the client.",
                ),
            },
            (Stage::ResponseBody, Resume::BodyFailed(f)) => {
                self.pending = None;
                match f {
                    BodyFailure::TooLarge => self.fail_step(
                        "forward-request",
                        "ResponseTooLarge",
                        "The backend's body is too large.",
                    ),
                    BodyFailure::Unreadable => self.fail_step(
                        "forward-request",
                        "BackendConnectionFailure",
                        "The backend's body could not be read.",
                    ),
                }
            }
            (Stage::Sending, Resume::Sent(r)) if super::policies::ai_waiting(self) => {
                let next = super::policies::ai_sent(self, r);
                self.after(next)
            }
            (Stage::Sending, Resume::Sent(r)) => self.sent_answer(r),
            (Stage::Token, Resume::Token(r)) if super::policies::ai_waiting(self) => {
                let next = super::policies::ai_token(self, r);
                self.after(next)
            }
            (Stage::Token, Resume::Token(r)) => match super::policies::identified(self, r) {
                Identified::Go => self.drive(),
                Identified::Send(req) => Step::Send(req),
                Identified::SendFailed(f) => self.sent_answer(Err(f)),
                Identified::Error(e) => self.policy_failed(e),
            },
            (Stage::Waiting, Resume::SentOne(tag, r)) => {
                match super::policies::wait_sent(self, tag, r) {
                    super::run::Next::Effect(step) => step,
                    super::run::Next::Stop => self.finish(),
                    super::run::Next::Error(e) if self.section == 3 => match self.raise(e, true) {
                        None => self.drive(),
                        Some(e) => {
                            self.ctx.last_error = Some(e);
                            self.finish()
                        }
                    },
                    super::run::Next::Error(e) => {
                        self.on_error(e, true);
                        self.drive()
                    }
                    super::run::Next::Fail(e) => {
                        self.on_error(e, false);
                        self.drive()
                    }
                    super::run::Next::Go | super::run::Next::Enter(_) => self.drive(),
                }
            }
            (Stage::Detaching, Resume::Detached) => {
                self.stage = Stage::Running;
                self.drive()
            }
            (Stage::Sleeping, Resume::Slept) => {
                self.stage = Stage::Running;
                self.drive()
            }
            (Stage::Backend { fail_on_error }, Resume::Backend(r)) => {
                self.backend_answer(r, fail_on_error)
            }
            (Stage::ResponseBody, Resume::ResponseBody(b)) => {
                if b.len() > self.ctx.sh.config.max_body {
                    let msg = "The backend's body is too large.";
                    return self.fail_step("forward-request", "ResponseTooLarge", msg);
                }
                self.ctx.resp.body = Body::Held(b);
                self.stage = Stage::Running;
                super::tokens::on_response_body(self);
                if let Some(e) = self.pending.take() {
                    self.on_error(e, false);
                }
                self.drive()
            }
            (stage, input) => {
                let msg = format!("resume {input:?} does not fit stage {stage:?}");
                self.ctx.last_error = Some(LastError::step("engine", "", &msg, ""));
                self.ctx.resp = Reply::empty();
                self.ctx.resp.status = StatusCode::INTERNAL_SERVER_ERROR;
                self.ctx.resp.reason = Some("OK".into());
                self.finish()
            }
        }
    }

    /// Goes on after a policy's effect was answered, as the interpreter would.
    fn after(&mut self, next: super::run::Next) -> Step {
        use super::run::Next;
        match next {
            Next::Effect(step) => step,
            Next::Stop => self.finish(),
            Next::Error(e) => self.policy_failed(e),
            Next::Fail(e) => {
                if self.section == 3 {
                    self.ctx.last_error = Some(e);
                    return self.finish();
                }
                self.on_error(e, false);
                self.drive()
            }
            Next::Go | Next::Enter(_) => self.drive(),
        }
    }

    /// The `send-request` call's outcome: stored, or its error.
    fn sent_answer(
        &mut self,
        r: Result<(super::BackendResponse, bytes::Bytes), super::BackendFailure>,
    ) -> Step {
        match super::policies::sent(self, r) {
            None => self.drive(),
            Some(e) => self.policy_failed(e),
        }
    }

    /// A policy failed after its effect: `on-error` runs (or, failing in `on-error`, the
    /// gateway answers with its own error response).
    fn policy_failed(&mut self, e: LastError) -> Step {
        if self.section == 3 {
            // A `retry` in `on-error` may still catch it.
            return match self.raise(e, true) {
                None => self.drive(),
                Some(e) => {
                    self.ctx.last_error = Some(e);
                    self.finish()
                }
            };
        }
        self.on_error(e, true);
        self.drive()
    }

    fn begin(&mut self) -> Step {
        if self.preflight {
            return self.finish();
        }
        match self.early.take() {
            Some(Ok(e)) => {
                self.preset(&e);
                self.ctx.last_error = Some(e);
                self.finish()
            }
            Some(Err(e)) => {
                self.on_error(e, true);
                self.drive()
            }
            None if self.needs.request => {
                self.stage = Stage::RequestBody;
                Step::NeedRequestBody
            }
            None => {
                self.enter(0);
                self.drive()
            }
        }
    }

    fn fail_step(&mut self, source: &str, reason: &str, message: &str) -> Step {
        let section = crate::program::SECTION_NAMES[self.section.min(3)];
        let e = LastError::step(source, reason, message, section);
        self.on_error(e, true);
        self.drive()
    }

    /// Starts section `s` of the pipeline.
    pub(crate) fn enter(&mut self, s: usize) {
        self.stage = Stage::Running;
        self.section = s;
        self.frames.clear();
        self.loops.clear();
        self.fibers = None;
        if let Some(b) = self.sections.and_then(|x| x.get(s).copied()) {
            self.frames.push(Frame { block: b, pc: 0 });
        }
    }

    /// Records `e`, sets the gateway's own error response when `preset`, and starts
    /// `on-error`.
    pub(crate) fn on_error(&mut self, e: LastError, preset: bool) {
        if let Some(e) = self.raise(e, preset) {
            self.ctx.last_error = Some(e);
            self.enter(3);
        }
    }

    /// Sets the gateway's own error response for `e` when `preset`, and hands `e` to the
    /// running `retry`, if any (which ends its run); `Some(e)` when none takes it.
    fn raise(&mut self, e: LastError, preset: bool) -> Option<LastError> {
        if preset {
            self.preset(&e);
        }
        super::policies::retry_catch(self, e).err()
    }

    /// The gateway's own response for error `e` (APIM's JSON body).
    fn preset(&mut self, e: &LastError) {
        let status = error::status_for(&e.reason);
        let message = match &*e.reason {
            "SubscriptionKeyNotFound" | "SubscriptionKeyInvalid" => &e.message,
            r => error::message_for(r),
        };
        self.ctx.resp = Reply {
            status,
            reason: None,
            headers: Headers::new(error::json_headers()),
            body: Body::Held(error::json_body(status, message)),
        };
    }

    /// Runs sections until the exchange needs an effect or is done.
    pub(crate) fn drive(&mut self) -> Step {
        loop {
            match self.run_frames() {
                super::run::Flow::Done => match self.section {
                    0 => self.enter(1),
                    1 => self.enter(2),
                    _ => return self.finish(),
                },
                super::run::Flow::Stop => return self.finish(),
                super::run::Flow::Effect(step) => return step,
                super::run::Flow::Error(e) if self.section == 3 => {
                    if let Some(e) = self.raise(e, true) {
                        self.ctx.last_error = Some(e);
                        return self.finish();
                    }
                }
                super::run::Flow::Error(e) => self.on_error(e, true),
                super::run::Flow::Fail(e) => self.on_error(e, false),
            }
        }
    }

    fn backend_answer(
        &mut self,
        r: Result<super::BackendResponse, super::BackendFailure>,
        fail_on_error: bool,
    ) -> Step {
        self.stage = Stage::Running;
        match r {
            Ok(mut head) => {
                super::headers::strip_hop_by_hop(&mut head.headers);
                self.ctx.resp = Reply {
                    reason: None,
                    status: head.status,
                    headers: Headers::new(head.headers),
                    body: Body::Stream,
                };
                if fail_on_error && head.status.as_u16() >= 400 {
                    let e = super::policies::forward_error(
                        self,
                        "",
                        "The backend answered with an error status code.",
                    );
                    if self.needs.response {
                        self.pending = Some(e);
                        self.stage = Stage::ResponseBody;
                        return Step::NeedResponseBody;
                    }
                    self.on_error(e, false);
                    return self.drive();
                }
                if self.needs.response || super::tokens::wants_response_body(self) {
                    self.stage = Stage::ResponseBody;
                    return Step::NeedResponseBody;
                }
                self.drive()
            }
            Err(f) => {
                let e = super::policies::forward_error(self, f.reason, &f.message);
                self.on_error(e, true);
                if let Some(secs) = f.retry_after {
                    self.ctx
                        .resp
                        .headers
                        .map_mut()
                        .insert(http::header::RETRY_AFTER, HeaderValue::from(secs));
                }
                if let Some(status) = f.status {
                    self.ctx.resp.status = status;
                    let text = match status {
                        StatusCode::BAD_GATEWAY => "Bad gateway",
                        s => s.canonical_reason().unwrap_or("Error"),
                    };
                    self.ctx.resp.body = Body::Held(error::json_body(status, text));
                }
                self.drive()
            }
        }
    }

    /// Settles deferred counters and builds the final response.
    pub(crate) fn finish(&mut self) -> Step {
        super::policies::settle_deferred(self);
        self.held.clear();
        let streamed = matches!(self.ctx.resp.body, Body::Stream);
        super::tokens::on_finish(self, streamed);
        self.stage = Stage::Done;
        self.frames.clear();
        let mut headers: HeaderMap = self.ctx.resp.headers.take();
        for (k, v) in self.extra.drain(..) {
            headers.insert(k, v);
        }
        let body = match std::mem::replace(&mut self.ctx.resp.body, Body::Absent) {
            Body::Stream => ResponseBody::Backend,
            Body::Held(b) if b.is_empty() => ResponseBody::Empty,
            Body::Held(b) => ResponseBody::Bytes(b),
            Body::Consumed | Body::Absent => ResponseBody::Empty,
        };
        if !matches!(body, ResponseBody::Backend) {
            headers.remove(http::header::CONTENT_LENGTH);
            headers.remove(http::header::TRANSFER_ENCODING);
        }
        Step::Respond(Response {
            status: self.ctx.resp.status,
            headers,
            body,
        })
    }
}
