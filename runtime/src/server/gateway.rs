//! The policy engine as the server's [`Engine`]: [`Gateway`] starts [`engine::Exchange`]s.

use super::{Engine, Exchange};
use crate::engine::{self, Gateway, RequestHead, Resume, Step};
use crate::program::Program;

impl Engine for Gateway {
    type Exchange<'a> = engine::Exchange;

    fn start(&self, head: RequestHead) -> engine::Exchange {
        Gateway::start(self, head)
    }

    fn program(&self) -> &Program {
        &self.program
    }
}

impl Exchange for engine::Exchange {
    fn resume(&mut self, input: Resume) -> Step {
        engine::Exchange::resume(self, input)
    }

    fn route(&self) -> (&str, &str) {
        (
            self.api_name().unwrap_or_default(),
            self.operation_name().unwrap_or_default(),
        )
    }

    fn failure(&self) -> Option<(&str, &str)> {
        self.last_error().map(|e| (&*e.source, &*e.reason))
    }
}
