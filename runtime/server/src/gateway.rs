//! The policy engine as the server's [`Engine`]: [`Gateway`] starts [`engine::Exchange`]s.

use super::{Engine, RequestRun};
use gatehouse_runtime::engine::{self, Gateway, RequestHead, Resume, Step};
use gatehouse_runtime::program::Program;

impl Engine for Gateway {
    type Run<'a> = engine::Exchange;

    fn start(&self, head: RequestHead) -> engine::Exchange {
        Gateway::start(self, head)
    }

    fn program(&self) -> &Program {
        &self.program
    }

    fn render_metrics(&self, out: &mut String) {
        self.config.telemetry.render(out);
        self.render_store_metrics(out);
    }

    fn key_cache(&self) -> Option<&std::sync::Arc<gatehouse_runtime::state::KeyCache>> {
        Some(self.keys())
    }
}

impl RequestRun for engine::Exchange {
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

    fn stream_tap(&mut self) -> Option<engine::StreamTap> {
        self.take_stream_tap()
    }

    fn websocket(&self) -> bool {
        engine::Exchange::websocket(self)
    }
}
