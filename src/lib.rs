//! mdtasks: tasks, time logs and time blocks from plain Markdown notes, without taking the files over.

pub mod alloc;
pub mod app;
pub mod change;
pub mod cli;
pub mod commands;
pub mod config;
pub mod corpus;
pub mod daily;
pub mod diagnostic;
pub mod edit;
pub mod load;
pub mod model;
pub mod obsidian;
pub mod output;
pub mod parse;
pub mod report;
pub mod span;
pub mod spill;
pub mod watch;
pub mod write;
