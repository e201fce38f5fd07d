//! mdtasks: tasks, time logs and time blocks from plain Markdown notes, without taking the files over.

pub mod diagnostic;
pub mod model;
pub mod parse;
pub mod span;
pub mod corpus;
