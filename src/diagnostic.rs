//! Diagnostics: stable codes, severities, and rendering as `path:line:col` with the line and a caret.

use serde::Serialize;
use std::fmt::Write as _;

use crate::span::{LineIndex, Span};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Warning,
    Error,
}

/// Every diagnostic mdtasks can report. The kebab-case name is the stable code users see,
/// search for and may filter on; never rename one, only add.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Code {
    InvalidTime,
    MalformedTime,
    EndBeforeStart,
    OverlappingEntries,
    EntriesOutOfOrder,
    BadDateHeading,
    BadFrontMatterDate,
    UnbalancedMarker,
    DuplicateMarker,
    NotUtf8,
    BinaryFile,
    ReadError,
    SyncConflict,
    MergeConflict,
    SymlinkOutsideRoot,
    FilesystemLoop,
    UnclosedClock,
    BadConfig,
}

impl Code {
    pub const ALL: [Code; 18] = [
        Code::InvalidTime,
        Code::MalformedTime,
        Code::EndBeforeStart,
        Code::OverlappingEntries,
        Code::EntriesOutOfOrder,
        Code::BadDateHeading,
        Code::BadFrontMatterDate,
        Code::UnbalancedMarker,
        Code::DuplicateMarker,
        Code::NotUtf8,
        Code::BinaryFile,
        Code::ReadError,
        Code::SyncConflict,
        Code::MergeConflict,
        Code::SymlinkOutsideRoot,
        Code::FilesystemLoop,
        Code::UnclosedClock,
        Code::BadConfig,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Code::InvalidTime => "invalid-time",
            Code::MalformedTime => "malformed-time",
            Code::EndBeforeStart => "end-before-start",
            Code::OverlappingEntries => "overlapping-entries",
            Code::EntriesOutOfOrder => "entries-out-of-order",
            Code::BadDateHeading => "bad-date-heading",
            Code::BadFrontMatterDate => "bad-front-matter-date",
            Code::UnbalancedMarker => "unbalanced-marker",
            Code::DuplicateMarker => "duplicate-marker",
            Code::NotUtf8 => "not-utf8",
            Code::BinaryFile => "binary-file",
            Code::ReadError => "read-error",
            Code::SyncConflict => "sync-conflict",
            Code::MergeConflict => "merge-conflict",
            Code::SymlinkOutsideRoot => "symlink-outside-root",
            Code::FilesystemLoop => "filesystem-loop",
            Code::UnclosedClock => "unclosed-clock",
            Code::BadConfig => "bad-config",
        }
    }

    pub fn severity(self) -> Severity {
        match self {
            Code::InvalidTime
            | Code::MalformedTime
            | Code::EndBeforeStart
            | Code::UnbalancedMarker
            | Code::DuplicateMarker
            | Code::NotUtf8
            | Code::BinaryFile
            | Code::ReadError
            | Code::MergeConflict
            | Code::BadConfig => Severity::Error,
            Code::OverlappingEntries
            | Code::EntriesOutOfOrder
            | Code::BadDateHeading
            | Code::BadFrontMatterDate
            | Code::SyncConflict
            | Code::SymlinkOutsideRoot
            | Code::FilesystemLoop
            | Code::UnclosedClock => Severity::Warning,
        }
    }
}

/// Where in a note a diagnostic points, resolved while the text is at hand so the
/// diagnostic can be shown after the text is gone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Location {
    pub span: Span,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    /// The whole line the span starts on, without its line ending.
    pub line_text: String,
    /// How many characters the caret underline covers (at least 1).
    pub width: usize,
}

impl Location {
    pub fn resolve(text: &str, index: &LineIndex, span: Span) -> Self {
        let (line, column) = index.line_col(text, span.start);
        let line_span = index.line_span(text, line - 1);
        let line_text = text[line_span.range()].to_string();
        let end = span.end.min(line_span.end).max(span.start);
        let width = text
            .get(span.start..end)
            .map(|s| s.chars().count())
            .unwrap_or(1)
            .max(1);
        Location {
            span,
            line,
            column,
            line_text,
            width,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// How to fix it.
    pub hint: String,
    /// None for problems with a whole file (unreadable, not UTF-8 at all, ...).
    pub location: Option<Location>,
}

impl Diagnostic {
    pub fn new(code: Code, message: impl Into<String>, hint: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.severity(),
            message: message.into(),
            hint: hint.into(),
            location: None,
        }
    }

    pub fn at(mut self, text: &str, index: &LineIndex, span: Span) -> Self {
        self.location = Some(Location::resolve(text, index, span));
        self
    }

    /// Renders the diagnostic the way a compiler would:
    ///
    /// ```text
    /// error[invalid-time]: 25:61 is not a time of day
    ///   --> journal/2026-11-24.md:3:3
    ///    |
    ///  3 | - 25:61 impossible
    ///    |   ^^^^^
    ///    = hint: hours go from 0 to 23 and minutes from 0 to 59
    /// ```
    pub fn render(&self, path: &str) -> String {
        let mut out = String::new();
        let sev = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let _ = writeln!(out, "{sev}[{}]: {}", self.code.as_str(), self.message);
        match &self.location {
            Some(loc) => {
                let num = loc.line.to_string();
                let pad = " ".repeat(num.len());
                let _ = writeln!(out, "{pad}--> {path}:{}:{}", loc.line, loc.column);
                let _ = writeln!(out, "{pad} |");
                let shown = display_line(&loc.line_text);
                let _ = writeln!(out, "{num} | {shown}");
                // Tabs in the prefix are kept as tabs so the caret lines up in a terminal.
                let prefix: String = loc
                    .line_text
                    .chars()
                    .take(loc.column - 1)
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                let _ = writeln!(out, "{pad} | {prefix}{}", "^".repeat(loc.width));
                let _ = writeln!(out, "{pad} = hint: {}", self.hint);
            }
            None => {
                let _ = writeln!(out, " --> {path}");
                let _ = writeln!(out, "  = hint: {}", self.hint);
            }
        }
        out
    }
}

/// Control characters (a NUL, an escape) would garble a terminal; show them as U+FFFD.
fn display_line(line: &str) -> String {
    line.chars()
        .map(|c| {
            if c.is_control() && c != '\t' {
                '\u{FFFD}'
            } else {
                c
            }
        })
        .collect()
}
