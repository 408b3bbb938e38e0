//! The human rendering of diagnostics, through miette: graphical on a terminal, plain otherwise.

use super::{Diagnostic, Severity};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};
use std::fmt;

/// How to draw diagnostics.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Unicode box drawing and colours, for terminals.
    Graphical,
    /// ASCII only and no colours, for logs, files and snapshot tests.
    Plain,
}

/// Renders each diagnostic with its source excerpt, one after the other.
pub fn render_human(diagnostics: &[Diagnostic], style: Style) -> String {
    let theme = match style {
        Style::Graphical => GraphicalTheme::unicode(),
        Style::Plain => GraphicalTheme::none(),
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut out = String::new();
    for d in diagnostics {
        let view = View {
            d,
            source: NamedSource::new(d.file.path.clone(), d.file.text.clone()),
        };
        if handler.render_report(&mut out, &view).is_err() {
            out.push_str(&format!("{}: {} [{}]\n", d.file.path, d.message, d.code));
        }
    }
    out
}

/// A diagnostic as miette sees it.
struct View<'a> {
    d: &'a Diagnostic,
    source: NamedSource<String>,
}

impl fmt::Debug for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("View").field("code", &self.d.code).finish()
    }
}

impl fmt::Display for View<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for View<'_> {}

impl miette::Diagnostic for View<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(&self.d.code))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Advice => miette::Severity::Advice,
        })
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.d
            .help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = self.d.span;
        let label = LabeledSpan::new(Some(self.d.label.clone()), span.start as usize, span.len());
        Some(Box::new(std::iter::once(label)))
    }
}
