//! The errors that stop a run, each naming the file, setting or name it concerns.
//!
//! Problems that let the run go on (a file it could not read, a stale suppression) are not
//! errors but [`crate::diagnostics::Diagnostic`]s.

use crate::config::ConfigError;
use crate::diagnostics::Diagnostic;
use crate::spelling::{did_you_mean, similar};
use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why a run could not do what it was asked.
#[derive(Debug)]
pub enum Error {
    /// The configuration is invalid; it says where.
    Config(ConfigError),
    /// A PATH given to check does not exist or cannot be reached.
    Input {
        /// The path as given.
        path: PathBuf,
        /// Why it cannot be reached.
        source: io::Error,
    },
    /// A build directory's `compile_commands.json` is missing or is not a compilation database.
    BuildDir {
        /// The file, with `:LINE:COLUMN` where its JSON goes wrong.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The current directory cannot be read.
    CurrentDirectory(io::Error),
    /// The PATHs hold no C file that could be read.
    NoFiles {
        /// The PATHs as given.
        paths: Vec<PathBuf>,
        /// The files found but not read, one diagnostic each.
        skipped: Vec<Diagnostic>,
    },
    /// A baseline file cannot be read, parsed or written.
    Baseline {
        /// The baseline file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// `--changed-since` could not ask git which files changed.
    Git(String),
    /// A query names a function that no file read defines.
    UnknownFunction {
        /// The name given.
        name: String,
        /// Defined names close to it.
        similar: Vec<String>,
    },
    /// A query names a context the configuration does not have.
    UnknownContext {
        /// The name given.
        name: String,
        /// The configuration's contexts.
        known: Vec<String>,
        /// The built-in preset that defines it, if one does.
        preset: Option<&'static str>,
    },
    /// `explain` names a rule the configuration does not have.
    UnknownRule {
        /// The name given.
        name: String,
        /// The configuration's rules.
        known: Vec<String>,
        /// Rule names close to it.
        similar: Vec<String>,
    },
    /// The report could not be written.
    Output(io::Error),
    /// `--cache` was given, but no environment variable names a directory for it.
    NoCacheDir,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(error) => error.fmt(f),
            Error::Input { path, source } => write!(f, "{}: {source}", path.display()),
            Error::BuildDir { path, message } => write!(f, "{}: {message}", path.display()),
            Error::CurrentDirectory(error) => {
                write!(f, "cannot read the current directory: {error}")
            }
            Error::NoFiles { paths, skipped } => {
                let paths: Vec<_> = paths.iter().map(|p| p.display().to_string()).collect();
                match skipped.len() {
                    0 => write!(f, "no C files found in {}", paths.join(" ")),
                    1 => write!(f, "no C file read in {}: 1 file skipped", paths.join(" ")),
                    n => write!(
                        f,
                        "no C file read in {}: {n} files skipped",
                        paths.join(" ")
                    ),
                }
            }
            Error::Baseline { path, message } => write!(f, "{}: {message}", path.display()),
            Error::Git(message) => f.write_str(message),
            Error::UnknownFunction { name, similar } => write!(
                f,
                "no function named {name}() in the files read{}",
                did_you_mean(similar, |n| format!("{n}()"))
            ),
            Error::UnknownContext {
                name,
                known,
                preset,
            } => {
                write!(f, "no context named {name} in the configuration")?;
                match known.is_empty() {
                    true => f.write_str(" (it has none)")?,
                    false => write!(f, " (known: {})", known.join(", "))?,
                }
                let similar: Vec<String> = similar(name, known.iter().map(String::as_str))
                    .into_iter()
                    .map(str::to_string)
                    .collect();
                f.write_str(&did_you_mean(&similar, str::to_string))?;
                if let Some(preset) = preset {
                    write!(f, "; the {preset} preset defines it: add --preset {preset}")?;
                }
                Ok(())
            }
            Error::UnknownRule {
                name,
                known,
                similar,
            } => {
                write!(f, "no rule named {name} in the configuration")?;
                match known.is_empty() {
                    true => f.write_str(" (it has none)")?,
                    false => write!(f, " (known: {})", known.join(", "))?,
                }
                f.write_str(&did_you_mean(similar, str::to_string))
            }
            Error::Output(error) => write!(f, "cannot write the report: {error}"),
            Error::NoCacheDir => f.write_str(
                "--cache has no directory: none of CALLCHECK_CACHE_DIR, XDG_CACHE_HOME and HOME \
                 is set; give --cache-dir DIR",
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Config(error) => Some(error),
            Error::Input { source, .. } => Some(source),
            Error::CurrentDirectory(error) | Error::Output(error) => Some(error),
            _ => None,
        }
    }
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        Error::Config(error)
    }
}
