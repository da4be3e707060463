//! A `callcheck.toml` as written: the serde types of the file format, and its parsing with
//! errors that say `FILE:LINE:COL`.

use super::ConfigError;
use crate::extract::{Callee, DeferredCall};
use crate::lexer::line_and_column;
use crate::model::{EdgeKinds, UseKind};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use toml::Spanned;

/// A configuration file as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) preset: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) edges: Option<EdgesSetting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) aliases: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) argument_constants: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) paths: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) exclude: Vec<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) include: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) build_dir: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) extensions: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Preprocessor::is_empty")]
    pub(super) preprocessor: Preprocessor,
    #[serde(default, rename = "context", skip_serializing_if = "Vec::is_empty")]
    pub(super) contexts: Vec<ContextEntry>,
    #[serde(default, rename = "rule", skip_serializing_if = "Vec::is_empty")]
    pub(super) rules: Vec<RuleEntry>,
    #[serde(default, rename = "cut", skip_serializing_if = "Vec::is_empty")]
    pub(super) cuts: Vec<Cut>,
    #[serde(default, rename = "boundary", skip_serializing_if = "Vec::is_empty")]
    pub(super) boundaries: Vec<Boundary>,
    #[serde(default, rename = "generated", skip_serializing_if = "Vec::is_empty")]
    pub(super) generated: Vec<GeneratedEntry>,
    #[serde(default, rename = "guard", skip_serializing_if = "Vec::is_empty")]
    pub(super) guards: Vec<GuardEntry>,
    #[serde(default, rename = "deferred", skip_serializing_if = "Vec::is_empty")]
    pub(super) deferred: Vec<Deferred>,
    #[serde(default, rename = "path-limit", skip_serializing_if = "Vec::is_empty")]
    pub(super) path_limits: Vec<PathLimit>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) without: Option<Without>,
}

/// `[[guard]]`: a condition that is true exactly in one context (`qemu_in_coroutine()` in
/// `coroutine_fn` context), so the branches of `if (condition())` run in or outside it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GuardEntry {
    /// The function called in the `if`.
    pub(super) condition: Spanned<String>,
    /// The context it decides.
    pub(super) context: Spanned<String>,
}

/// `[without]`: what the preset sets that this file takes out again.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Without {
    /// The preset's `exclude` globs to drop, as the preset writes them.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) exclude: Vec<Spanned<String>>,
    /// The functions of the preset's `[[boundary]]` entries to drop.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) boundary: Vec<Spanned<String>>,
    /// The preset's `[[cut]]` entries to drop, as `from -> to`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) cut: Vec<Spanned<String>>,
    /// The conditions of the preset's `[[guard]]` entries to drop.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) guard: Vec<Spanned<String>>,
    /// The functions (or fields) of the preset's `[[deferred]]` entries to drop.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) deferred: Vec<Spanned<String>>,
    /// The names of the preset's `[[path-limit]]` entries to drop.
    #[serde(default, rename = "path-limit", skip_serializing_if = "Vec::is_empty")]
    pub(super) path_limit: Vec<Spanned<String>>,
}

/// `[preprocessor]`: the macros that decide `#if` conditions.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct Preprocessor {
    /// `NAME` or `NAME=VALUE`, as with `-D`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) defines: Vec<Spanned<String>>,
    /// Globs of names no build defines.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) undefined: Vec<Spanned<String>>,
}

impl Preprocessor {
    fn is_empty(&self) -> bool {
        self.defines.is_empty() && self.undefined.is_empty()
    }

    /// Adds `other`'s entries after these.
    pub(super) fn extend(&mut self, other: Preprocessor) {
        self.defines.extend(other.defines);
        self.undefined.extend(other.undefined);
    }
}

/// `[[generated]]`: definitions a build step writes for prototypes carrying `attributes`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct GeneratedEntry {
    pub(super) attributes: Words,
    pub(super) pattern: Spanned<String>,
    pub(super) target: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) contexts: Vec<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) edge: Option<GeneratedEdge>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) calls: Vec<String>,
    /// Calls the body makes only in the `[[guard]]`'s context.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) calls_inside: Vec<String>,
    /// Calls the body makes only outside the `[[guard]]`'s context.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) calls_outside: Vec<String>,
    /// Where the call of the wrapped function runs relative to the `[[guard]]`'s context.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) target_guard: Option<Spanned<GuardSetting>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub(super) includes: Vec<String>,
}

/// `inside` or `outside` the `[[guard]]`'s context.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum GuardSetting {
    Inside,
    Outside,
}

/// The kind of a generated wrapper's edge to the function it wraps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum GeneratedEdge {
    /// It calls the function.
    Generated,
    /// It only hands the function on (to run in another thread).
    Reference,
}

/// `[[cut]]`: the edges from `from` to `to` are removed before checking.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cut {
    /// The using function's name.
    pub from: Spanned<String>,
    /// The used function's name.
    pub to: Spanned<String>,
    /// Why: shown with `--format human` and when the cut goes stale.
    pub reason: Spanned<String>,
    /// A preset sets it: it is never reported as stale (a tree may lack the functions).
    #[serde(skip)]
    pub preset: bool,
}

/// `[[path-limit]]`: a fact about which objects meet at run time, as a limit on paths: once a
/// path has passed through a function defined in one of `files` or named by `functions`, it
/// never enters a function `never` names (a format driver's child is never the mirror filter),
/// or it enters one `only` names only after that (a block channel exists only inside the two
/// functions that make one). Exactly one of `never` and `only` is given.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PathLimit {
    /// What `[without] path-limit` and the reports call it.
    pub name: Spanned<String>,
    /// Globs of the files whose functions start the limit, matched against the end of a file's
    /// path, whole components (`block/qcow2*.c`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub files: Vec<Spanned<String>>,
    /// Globs of the names of functions that start the limit.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub functions: Vec<Spanned<String>>,
    /// Globs of the names of functions a path never enters once the limit has started.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub never: Vec<Spanned<String>>,
    /// Globs of the names of functions a path enters only once the limit has started.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub only: Vec<Spanned<String>>,
    /// Why the fact holds: shown by `contexts` and `--print-config`.
    pub reason: Spanned<String>,
    /// A preset sets it.
    #[serde(skip)]
    pub preset: bool,
}

impl PathLimit {
    /// Which way each of `limits` starts, numbered in the order each way first appears: limits
    /// that agree on their kind (`only` or not) and their `files` and `functions` (globs
    /// sorted) share a number, and one bit of the check's state, since a path starts them
    /// together and each one's functions bar (or need) the same thing.
    pub fn start_numbers(limits: &[PathLimit]) -> Vec<usize> {
        let mut starts = Vec::new();
        limits
            .iter()
            .map(|limit| {
                let start = limit.start_key();
                starts.iter().position(|s| *s == start).unwrap_or_else(|| {
                    starts.push(start);
                    starts.len() - 1
                })
            })
            .collect()
    }

    /// What decides how a path carries the limit: its kind and where it starts, globs sorted.
    fn start_key(&self) -> (bool, Vec<&str>, Vec<&str>) {
        fn sorted(globs: &[Spanned<String>]) -> Vec<&str> {
            let mut names: Vec<&str> = globs.iter().map(|g| g.get_ref().as_str()).collect();
            names.sort_unstable();
            names.dedup();
            names
        }
        (
            !self.only.is_empty(),
            sorted(&self.files),
            sorted(&self.functions),
        )
    }
}

/// `[[deferred]]`: a call that only registers or schedules the functions handed to it (a thread's
/// start routine, an exit hook, a bottom half, a completion callback): they run elsewhere, later,
/// so a function named among its arguments is not used by the caller. Either `function` (a
/// call `function(...)`, or a function-like macro invoked so) or `field` (a member call
/// `x->field(...)`) is given.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Deferred {
    /// The called function's (or macro's) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub function: Option<Spanned<String>>,
    /// The callback field of a member call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<Spanned<String>>,
    /// The argument positions (1-based) that are deferred; empty for every argument.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub arguments: Vec<Spanned<u32>>,
    /// Why the functions handed over do not run inside the call.
    pub reason: Spanned<String>,
    /// A preset sets it.
    #[serde(skip)]
    pub preset: bool,
}

impl Deferred {
    /// The function or field it names, as written.
    pub fn name(&self) -> &str {
        self.function
            .as_ref()
            .or(self.field.as_ref())
            .map_or("", |name| name.get_ref())
    }

    /// How it reads in listings: `qemu_thread_create()` or `->bdrv_aio_ioctl()`, with the
    /// argument positions if some are named.
    pub fn describe(&self) -> String {
        let call = match &self.function {
            Some(function) => format!("{}()", function.get_ref()),
            None => format!("->{}()", self.name()),
        };
        if self.arguments.is_empty() {
            return call;
        }
        let positions: Vec<String> = self
            .arguments
            .iter()
            .map(|p| p.get_ref().to_string())
            .collect();
        let plural = if positions.len() == 1 { "" } else { "s" };
        format!("{call} argument{plural} {}", positions.join(", "))
    }

    /// What extraction needs to know of it.
    pub fn call(&self) -> DeferredCall<'_> {
        let callee = match &self.function {
            Some(function) => Callee::Function(function.get_ref()),
            None => Callee::Field(self.name()),
        };
        DeferredCall {
            callee,
            arguments: self.argument_mask(),
        }
    }

    /// The argument positions as a bit set: bit `n - 1` for position `n`; every bit if none
    /// is named.
    pub fn argument_mask(&self) -> u64 {
        if self.arguments.is_empty() {
            return u64::MAX;
        }
        self.arguments
            .iter()
            .fold(0, |mask, p| mask | 1u64 << (p.get_ref().clamp(&1, &64) - 1))
    }
}

/// `[[boundary]]`: paths stop at `function`; its own uses are not followed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Boundary {
    /// The function's name.
    pub function: Spanned<String>,
    /// Why.
    pub reason: Spanned<String>,
    /// A preset sets it: it is never reported as stale (a tree may lack the function).
    #[serde(skip)]
    pub preset: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct ContextEntry {
    pub(super) name: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) overrides: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) marker: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) attribute: Option<Words>,
}

/// One word or a list of words.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
pub(super) enum Words {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RuleEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) from: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) forbid: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) through: Option<ThroughSetting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) callee: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) callers: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) edges: Option<EdgesSetting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) binding: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) require: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) message: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) certain: Option<bool>,
    pub(super) description: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub(super) example: Option<String>,
}

/// `edges`: `"calls"` (direct calls only), `"calls+references"`, `"all"`, or a list of kinds
/// (`call`, `reference`, `field`, `macro`, `generated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct EdgesSetting(pub(super) EdgeKinds);

impl Serialize for EdgesSetting {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.iter().map(UseKind::name))
    }
}

impl<'de> Deserialize<'de> for EdgesSetting {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(EdgesVisitor)
    }
}

struct EdgesVisitor;

impl<'de> serde::de::Visitor<'de> for EdgesVisitor {
    type Value = EdgesSetting;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("\"calls\", \"calls+references\", \"all\" or a list of edge kinds")
    }

    fn visit_str<E: serde::de::Error>(self, value: &str) -> Result<EdgesSetting, E> {
        let kinds = match value {
            "calls" => EdgeKinds::CALLS_ONLY,
            "calls+references" => EdgeKinds::of([UseKind::Call, UseKind::Reference]),
            "all" => EdgeKinds::ALL,
            _ => {
                return Err(E::unknown_variant(
                    value,
                    &["calls", "calls+references", "all"],
                ));
            }
        };
        Ok(EdgesSetting(kinds))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<EdgesSetting, A::Error> {
        let mut kinds = Vec::new();
        while let Some(name) = seq.next_element::<String>()? {
            let kind = UseKind::ALL
                .into_iter()
                .find(|kind| kind.name() == name)
                .ok_or_else(|| serde::de::Error::unknown_variant(&name, &UseKind::NAMES))?;
            kinds.push(kind);
        }
        Ok(EdgesSetting(EdgeKinds::of(kinds)))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub(super) enum ThroughSetting {
    Any,
    Unannotated,
}

/// The text a span points into, for error locations.
pub(super) struct Source<'a> {
    pub(super) name: &'a str,
    pub(super) text: &'a str,
}

impl Source<'_> {
    pub(super) fn error(&self, span: Range<usize>, message: String) -> ConfigError {
        let (line, column) = line_and_column(self.text, span.start);
        ConfigError {
            location: format!("{}:{line}:{column}", self.name),
            message,
        }
    }
}

pub(super) fn parse(text: &str, name: &str) -> Result<ConfigFile, ConfigError> {
    toml::from_str(text).map_err(|error: toml::de::Error| {
        let message = error.message().trim().to_string();
        let source = Source { name, text };
        match error.span() {
            Some(span) => source.error(span, message),
            None => ConfigError {
                location: name.to_string(),
                message,
            },
        }
    })
}
