//! A build directory's compilation database (`compile_commands.json`), as clang-tidy reads it.
//!
//! Each entry names a translation unit (`file`, relative to `directory` or absolute) and how
//! it is compiled (`arguments`, an array, or `command`, one shell string split the way a POSIX
//! shell does, quotes and backslashes included). A relative `directory` is taken relative to the
//! directory that holds `compile_commands.json`, so a database can travel with its tree.
//!
//! [`Database::read`] parses the file into [`Unit`]s with their preprocessor [`Flags`];
//! [`Agreement`] says which macros all units agree on; [`read`] reads the units and the
//! headers they include.

mod agreement;
mod flags;
pub mod read;

pub use agreement::Agreement;
pub use flags::Flags;

use crate::error::Error;
use crate::graph::normalize_path;
use crate::lexer::line_and_column;
use serde::Deserialize;
use std::path::{Path, PathBuf};

/// The file a build directory holds its compilation database in.
pub const FILE_NAME: &str = "compile_commands.json";

/// One translation unit of the build.
#[derive(Debug, Clone)]
pub struct Unit {
    /// The source file, absolute and normalized.
    pub file: PathBuf,
    /// Its preprocessor options; the forced includes are absolute.
    pub flags: Flags,
}

/// A build directory's translation units.
#[derive(Debug, Clone)]
pub struct Database {
    /// The `compile_commands.json` read.
    pub path: PathBuf,
    /// The units in the order the file lists them; a file compiled twice is listed twice.
    pub units: Vec<Unit>,
    /// The units whose `command` does not split (unbalanced quotes): read without flags.
    pub unsplit: Vec<PathBuf>,
}

/// One entry as written.
#[derive(Debug, Deserialize)]
struct Entry {
    directory: String,
    file: String,
    #[serde(default)]
    arguments: Option<Vec<String>>,
    #[serde(default)]
    command: Option<String>,
}

impl Database {
    /// Reads `dir/compile_commands.json`. A file that cannot be read or is not a valid
    /// database is an error that names it (and, for bad JSON, the line and column).
    pub fn read(dir: &Path) -> Result<Database, Error> {
        let path = dir.join(FILE_NAME);
        let error = |message: String| Error::BuildDir {
            path: path.clone(),
            message,
        };
        let text =
            std::fs::read_to_string(&path).map_err(|e| error(format!("cannot read: {e}")))?;
        // A byte order mark, which some Windows tools write, is not JSON: it is skipped.
        let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
        if text.trim().is_empty() {
            return Err(error(
                "not a compilation database: the file is empty".to_string(),
            ));
        }
        // serde_json places a value of the wrong type before its first byte (column 0 for a
        // file that is one object): the list's own place is said here.
        let start = text.len() - text.trim_start().len();
        if let Some(first) = text[start..].chars().next().filter(|&c| c != '[') {
            let (line, column) = line_and_column(text, start);
            return Err(Error::BuildDir {
                path: PathBuf::from(format!("{}:{line}:{column}", path.display())),
                message: format!(
                    "not a compilation database: it starts with `{first}`, not with the `[` of \
                     a list of units"
                ),
            });
        }
        let entries: Vec<Entry> = serde_json::from_str(text).map_err(|e| {
            // serde_json ends its message with the place, which the path already carries.
            let place = format!(" at line {} column {}", e.line(), e.column());
            let message = e.to_string();
            Error::BuildDir {
                path: PathBuf::from(format!("{}:{}:{}", path.display(), e.line(), e.column())),
                message: format!(
                    "not a compilation database: {}",
                    message.strip_suffix(&place).unwrap_or(&message)
                ),
            }
        })?;
        let base = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let mut database = Database {
            path,
            units: Vec::with_capacity(entries.len()),
            unsplit: Vec::new(),
        };
        for entry in entries {
            database.add(entry, &base);
        }
        Ok(database)
    }

    /// Adds the unit of `entry`, whose relative `directory` is relative to `base`.
    fn add(&mut self, entry: Entry, base: &Path) {
        let directory = base.join(&entry.directory);
        let file = normalized(&directory.join(&entry.file));
        let arguments = match (entry.arguments, entry.command) {
            (Some(arguments), _) => Some(arguments),
            // shlex splits as a POSIX shell does, which is how build systems write `command`.
            (None, Some(command)) => shlex::split(&command),
            (None, None) => Some(Vec::new()),
        };
        let flags = match arguments {
            Some(arguments) => Flags::parse(&arguments, &directory),
            None => {
                self.unsplit.push(file.clone());
                Flags::default()
            }
        };
        let mut unit = Unit { file, flags };
        for forced in &mut unit.flags.forced_includes {
            *forced = normalized(&directory.join(&*forced));
        }
        for dir in &mut unit.flags.include_dirs {
            *dir = normalized(dir);
        }
        self.units.push(unit);
    }
}

/// `path` with `.` and `..` taken out by name (symbolic links are not resolved).
pub(crate) fn normalized(path: &Path) -> PathBuf {
    PathBuf::from(normalize_path(&path.to_string_lossy()))
}
