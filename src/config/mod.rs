//! The configuration: which contexts exist, how each is recognised, and the rules between them.
//!
//! A `callcheck.toml` (or `.callcheck.toml`) is looked for from a start directory (the command
//! line's first PATH's, or the current directory) up, or given with `--config`. It may start from a built-in preset and add contexts and
//! rules on top. With no file at all the `qemu-block` preset applies: check_calls.py's recognizer
//! and rules. Every error names the file, line and column.

mod file;
mod presets;
mod resolve;

pub use file::{Boundary, Cut, Deferred, PathLimit};
pub use presets::{DEFAULT_PRESET, defining as preset_defining, preset_names};

use crate::context::{ContextId, Contexts, Rule, Wrapper};
use crate::extract::{Extras, Recognizer, Switches};
use crate::model::{EdgeKinds, UseKind};
use crate::source::Exclusions;
use file::{ConfigFile, EdgesSetting, Preprocessor, Source, Without, parse};
use ignore::overrides::{Override, OverrideBuilder};
use presets::PRESETS;
use resolve::{PresetCounts, resolve};
use std::fmt;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The most ways `[[path-limit]]` entries may start (kind, `files` and `functions`; entries
/// that agree share one): each doubles the sets of pending limits the check's searches may
/// walk (see [`crate::limits`]).
pub const MAX_LIMIT_STARTS: usize = 4;

/// The file names looked for, in order, in each directory.
pub const FILE_NAMES: [&str; 2] = ["callcheck.toml", ".callcheck.toml"];

/// A configuration ready to use.
#[derive(Debug, Clone)]
pub struct Config {
    /// The contexts, presets' first.
    pub contexts: Contexts,
    /// The rules, one per forbidden context of each reachability rule written.
    pub rules: Vec<Rule>,
    /// What to analyse when no PATH is given, relative to the current directory.
    pub paths: Vec<PathBuf>,
    /// Globs of paths to leave out of the walk, relative to the configuration's directory:
    /// the presets' first, which also apply relative to each directory checked.
    pub exclude: Vec<String>,
    /// How many of `exclude` come from the presets.
    pub preset_exclude: usize,
    /// Include directories, relative to the configuration's directory and to each directory
    /// checked: the presets' first, then the file's.
    pub include: Vec<String>,
    /// The build directory whose `compile_commands.json` says what to read (`build_dir`),
    /// relative to the configuration's directory.
    pub build_dir: Option<PathBuf>,
    /// The file name endings a directory walk takes (`c`, `h`, `c.inc`, `h.inc` by default).
    pub extensions: Vec<String>,
    /// The directory `exclude` globs are relative to.
    pub root: PathBuf,
    /// The configuration file used, if any.
    pub file: Option<PathBuf>,
    /// The built-in preset it starts from, if any.
    pub preset: Option<String>,
    /// Edges removed before checking.
    pub cuts: Vec<Cut>,
    /// Functions whose uses are not followed.
    pub boundaries: Vec<Boundary>,
    /// Calls whose function arguments run elsewhere: those references are not edges.
    pub deferred: Vec<Deferred>,
    /// Facts about which objects meet, as limits on the paths the check follows.
    pub path_limits: Vec<PathLimit>,
    /// The edge kinds of the graph (the top-level `edges`); every rule's are among them.
    pub edges: EdgeKinds,
    /// Attribute aliases (`#define WORD A B`) give contexts.
    pub aliases: bool,
    /// A call that passes a constant argument does not reach the callee's uses under a test of
    /// that parameter which the constant fails (`argument_constants`).
    pub argument_constants: bool,
    /// Which prototypes get generated definitions.
    pub wrappers: Vec<Wrapper>,
    /// The macros that decide `#if` conditions (`[preprocessor]`, then `-D`/`-U`).
    pub switches: Switches,
    /// The `[[guard]]` conditions, and the one context they all decide.
    pub guards: Option<Guards>,
    /// The effective configuration as TOML, presets included.
    pub effective: String,
}

/// The `[[guard]]` entries: conditions true exactly in one context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Guards {
    /// The functions called in the `if`s (`qemu_in_coroutine`).
    pub conditions: Vec<String>,
    /// The context they decide (`coroutine_fn`).
    pub context: ContextId,
}

/// A configuration error, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// `FILE:LINE:COL`, `FILE` or `--preset`.
    pub location: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// Where the configuration comes from.
#[derive(Debug, Clone, Default)]
pub struct ConfigRequest {
    /// `--config FILE`.
    pub file: Option<PathBuf>,
    /// `--preset NAME`: replaces the file's `preset`.
    pub preset: Option<String>,
    /// Where to start looking for a configuration file (an absolute directory): the first
    /// PATH's, or the current directory.
    pub start: PathBuf,
    /// `-D NAME[=VALUE]`: added to the file's `[preprocessor] defines`.
    pub defines: Vec<String>,
    /// `-U NAME`: added to the file's `[preprocessor] undefined`.
    pub undefines: Vec<String>,
}

/// Finds, reads and checks the configuration.
pub fn load(request: &ConfigRequest) -> Result<Config, ConfigError> {
    let file = match &request.file {
        Some(file) => Some(file.clone()),
        // Shown relative to where callcheck runs when it is found below it.
        None => discover(&request.start).map(|found| {
            let here = std::env::current_dir().unwrap_or_default();
            found
                .strip_prefix(&here)
                .map_or_else(|_| found.clone(), Path::to_path_buf)
        }),
    };
    load_file(file, request)
}

/// The built-in preset `name` alone, as `--preset NAME` with no configuration file gives it.
pub fn preset(name: &str) -> Result<Config, ConfigError> {
    let request = ConfigRequest {
        preset: Some(name.to_string()),
        ..ConfigRequest::default()
    };
    load_file(None, &request)
}

/// The contexts and rules of the default preset, `qemu-block`: check_calls.py's.
pub fn qemu_block() -> (Contexts, Vec<Rule>) {
    let config = preset(DEFAULT_PRESET).expect("the built-in presets are valid (tested)");
    (config.contexts, config.rules)
}

impl Config {
    /// The walk's exclusions: the `exclude` globs, matched on paths relative to the
    /// configuration's directory; the presets' also relative to each directory checked, since a
    /// preset's `roms/**` means the checked tree's `roms/` wherever the configuration lives.
    /// The globs were checked when the configuration was loaded.
    pub fn exclusions(&self) -> Result<Option<Exclusions>, ConfigError> {
        if self.exclude.is_empty() {
            return Ok(None);
        }
        let presets = &self.exclude[..self.preset_exclude.min(self.exclude.len())];
        let globs = self.overrides(self.exclude.iter())?;
        let root_globs = (!presets.is_empty())
            .then(|| self.overrides(presets.iter()))
            .transpose()?;
        Ok(Some(Exclusions::new(&self.root, globs, root_globs)))
    }

    /// `globs` as `!glob` overrides.
    fn overrides<'a>(
        &self,
        globs: impl Iterator<Item = &'a String>,
    ) -> Result<Override, ConfigError> {
        let mut builder = OverrideBuilder::new(&self.root);
        for glob in globs {
            add_exclusion(&mut builder, glob).map_err(|message| ConfigError {
                location: self.location(),
                message,
            })?;
        }
        builder.build().map_err(|e| ConfigError {
            location: self.location(),
            message: e.to_string(),
        })
    }

    /// A warning when this configuration checks nothing: a file that names no preset and
    /// writes no rule (an empty file, or `exclude` alone), with how to fix it.
    pub fn checks_nothing(&self) -> Option<String> {
        let file = self.file.as_ref().filter(|_| self.rules.is_empty())?;
        Some(format!(
            "{} names no preset and has no [[rule]], so nothing is checked: add \
             `preset = \"{DEFAULT_PRESET}\"` (or another preset: {}), or rules",
            file.display(),
            preset_names().collect::<Vec<_>>().join(", ")
        ))
    }

    /// Which configuration is in effect, for people: `FILE (preset NAME)`, `FILE (no preset)`,
    /// or `no file (preset NAME)`.
    pub fn describe(&self) -> String {
        let file = self
            .file
            .as_ref()
            .map_or_else(|| "no file".to_string(), |f| f.display().to_string());
        match &self.preset {
            Some(preset) => format!("{file} (preset {preset})"),
            None => format!("{file} (no preset)"),
        }
    }

    /// The configuration file's name, or `configuration` when there is none.
    fn location(&self) -> String {
        self.file
            .as_ref()
            .map_or_else(|| "configuration".to_string(), |f| f.display().to_string())
    }

    /// A recognizer of this configuration's contexts that records only what a graph with edges
    /// of `kinds` (the configuration's, or fewer with `--calls-only`) will use.
    pub fn recognizer(&self, kinds: EdgeKinds) -> Recognizer {
        let mut recognizer = Recognizer::new(&self.contexts)
            .with_guards(
                self.guards
                    .iter()
                    .flat_map(|guards| guards.conditions.iter().map(String::as_str)),
            )
            .with_deferred(self.deferred.iter().map(Deferred::call));
        let aliases = self.aliases && recognizer.has_attributes();
        recognizer.extras = Extras {
            fields: kinds.includes(UseKind::Field),
            macros: kinds.includes(UseKind::Macro),
            aliases,
            head_words: aliases || !self.wrappers.is_empty(),
            arguments: self.argument_constants,
        };
        recognizer.switches = self.switches.clone();
        recognizer
    }
}

fn load_file(file: Option<PathBuf>, request: &ConfigRequest) -> Result<Config, ConfigError> {
    let (mut written, text) = match &file {
        Some(path) => {
            let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
                location: path.display().to_string(),
                message: format!("cannot read the configuration: {error}"),
            })?;
            (parse(&text, &path.display().to_string())?, text)
        }
        None => (ConfigFile::default(), String::new()),
    };
    let location = file
        .as_ref()
        .map_or_else(|| "--preset".to_string(), |p| p.display().to_string());
    let source = Source {
        name: &location,
        text: &text,
    };
    let preset = match (&request.preset, &written.preset, &file) {
        (Some(name), _, _) => Some((name.clone(), None)),
        (None, Some(name), _) => Some((name.get_ref().clone(), Some(name.span()))),
        (None, None, None) => Some((DEFAULT_PRESET.to_string(), None)),
        (None, None, Some(_)) => None,
    };
    let preset_name = preset.as_ref().map(|(name, _)| name.clone());
    let mut merged = ConfigFile::default();
    let mut preset_edges = None;
    let mut preset_arguments = None;
    if let Some((name, span)) = preset {
        let (texts, edges, arguments) = PRESETS
            .iter()
            .find(|preset| preset.name == name)
            .map(|preset| (preset.texts, preset.edges, preset.argument_constants))
            .ok_or_else(|| {
                let known: Vec<_> = preset_names().collect();
                let message = format!("unknown preset `{name}` (known: {})", known.join(", "));
                match span {
                    Some(span) => source.error(span, message),
                    None => ConfigError {
                        location: "--preset".to_string(),
                        message,
                    },
                }
            })?;
        preset_edges = edges.map(|kinds| EdgesSetting(EdgeKinds::of(kinds.iter().copied())));
        preset_arguments = arguments.then_some(true);
        for text in texts {
            let preset = parse(text, &format!("preset {name}"))?;
            merged.contexts.extend(preset.contexts);
            merged.rules.extend(preset.rules);
            merged.generated.extend(preset.generated);
            merged.preprocessor.extend(preset.preprocessor);
            for glob in preset.exclude {
                if !merged.exclude.iter().any(|g| g.get_ref() == glob.get_ref()) {
                    merged.exclude.push(glob);
                }
            }
            for boundary in preset.boundaries {
                if !merged
                    .boundaries
                    .iter()
                    .any(|b| b.function == boundary.function)
                {
                    merged.boundaries.push(Boundary {
                        preset: true,
                        ..boundary
                    });
                }
            }
            for cut in preset.cuts {
                if !merged
                    .cuts
                    .iter()
                    .any(|c| c.from == cut.from && c.to == cut.to)
                {
                    merged.cuts.push(Cut {
                        preset: true,
                        ..cut
                    });
                }
            }
            for deferred in preset.deferred {
                if !merged.deferred.iter().any(|d| d.name() == deferred.name()) {
                    merged.deferred.push(Deferred {
                        preset: true,
                        ..deferred
                    });
                }
            }
            for limit in preset.path_limits {
                if !merged.path_limits.iter().any(|l| l.name == limit.name) {
                    merged.path_limits.push(PathLimit {
                        preset: true,
                        ..limit
                    });
                }
            }
            for guard in preset.guards {
                let known = merged.guards.iter().map(|g| g.condition.get_ref());
                if !known.clone().any(|c| c == guard.condition.get_ref()) {
                    merged.guards.push(guard);
                }
            }
            for dir in preset.include {
                if !merged.include.contains(&dir) {
                    merged.include.push(dir);
                }
            }
        }
    }
    written.preset = None;
    merged.edges = written.edges.or(preset_edges);
    merged.aliases = written.aliases;
    merged.argument_constants = written.argument_constants.or(preset_arguments);
    merged.paths = written.paths.take();
    merged.build_dir = written.build_dir.take();
    if let Some(without) = written.without.take() {
        take_out(&mut merged, &without, &source)?;
    }
    let preset_exclude = merged.exclude.len();
    merged.exclude.append(&mut written.exclude);
    merged.include.extend(std::mem::take(&mut written.include));
    merged.extensions = written.extensions.take();
    for extension in merged.extensions.iter().flatten() {
        let text = extension.get_ref();
        if text.is_empty() || text.starts_with('.') || text.contains(['/', '*']) {
            return Err(source.error(
                extension.span(),
                format!(
                    "`{text}` is not a file name ending: write it without the dot, as \"c.inc\""
                ),
            ));
        }
    }
    merged
        .preprocessor
        .extend(std::mem::take(&mut written.preprocessor));
    merged.preprocessor.extend(command_line_switches(request)?);
    check_suppressed_names(&written, &source)?;
    merged.cuts.append(&mut written.cuts);
    merged.boundaries.append(&mut written.boundaries);
    let preset_deferred = merged.deferred.len();
    merged.deferred.append(&mut written.deferred);
    let preset_path_limits = merged.path_limits.len();
    merged.path_limits.append(&mut written.path_limits);
    for reason in merged
        .cuts
        .iter()
        .map(|c| &c.reason)
        .chain(merged.boundaries.iter().map(|b| &b.reason))
        .chain(merged.deferred.iter().map(|d| &d.reason))
        .chain(merged.path_limits.iter().map(|l| &l.reason))
    {
        if reason.get_ref().trim().is_empty() {
            return Err(source.error(
                reason.span(),
                "a suppression needs a reason: say why it is safe".to_string(),
            ));
        }
    }
    let preset_contexts = merged.contexts.len();
    let preset_rules = merged.rules.len();
    let preset_generated = merged.generated.len();
    let preset_guards = merged.guards.len();
    merged.guards.extend(written.guards);
    merged.contexts.extend(written.contexts);
    merged.rules.extend(written.rules);
    merged.generated.extend(written.generated);
    let root = file
        .as_ref()
        .and_then(|f| f.parent())
        .filter(|dir| !dir.as_os_str().is_empty())
        .map_or_else(|| request.start.clone(), Path::to_path_buf);
    let counts = PresetCounts {
        contexts: preset_contexts,
        rules: preset_rules,
        generated: preset_generated,
        guards: preset_guards,
        deferred: preset_deferred,
        path_limits: preset_path_limits,
        exclude: preset_exclude,
    };
    let mut config = resolve(merged, &source, counts, root, file)?;
    config.preset = preset_name;
    Ok(config)
}

/// The `-D` and `-U` switches, checked, as `[preprocessor]` entries.
fn command_line_switches(request: &ConfigRequest) -> Result<Preprocessor, ConfigError> {
    let error = |flag: &str, message| ConfigError {
        location: flag.to_string(),
        message,
    };
    for define in &request.defines {
        resolve::check_define(define).map_err(|message| error("-D", message))?;
    }
    for name in &request.undefines {
        resolve::undefined_glob(name).map_err(|message| error("-U", message))?;
    }
    let spanned = |list: &[String]| list.iter().map(|s| Spanned::new(0..0, s.clone())).collect();
    Ok(Preprocessor {
        defines: spanned(&request.defines),
        undefined: spanned(&request.undefines),
    })
}

/// Applies `[without]`: drops the preset's exclusions, boundaries, cuts, deferred calls, guards
/// and path limits it names. Naming one the preset does not set is an error, so a typo does not go unnoticed.
fn take_out(
    merged: &mut ConfigFile,
    without: &Without,
    source: &Source,
) -> Result<(), ConfigError> {
    remove_named(
        &mut merged.exclude,
        &without.exclude,
        "exclude glob",
        source,
        |g, name| g.get_ref() == name,
    )?;
    remove_named(
        &mut merged.boundaries,
        &without.boundary,
        "boundary",
        source,
        |b, name| b.function.get_ref() == name,
    )?;
    remove_named(&mut merged.cuts, &without.cut, "cut", source, |c, name| {
        format!("{} -> {}", c.from, c.to) == name
    })?;
    remove_named(
        &mut merged.deferred,
        &without.deferred,
        "deferred call",
        source,
        |d, name| d.name() == name,
    )?;
    remove_named(
        &mut merged.guards,
        &without.guard,
        "guard",
        source,
        |g, name| g.condition.get_ref() == name,
    )?;
    remove_named(
        &mut merged.path_limits,
        &without.path_limit,
        "path limit",
        source,
        |l, name| l.name.get_ref() == name,
    )
}

/// Checks that the user's `[[cut]]`s and `[[boundary]]`s name something a node can be called:
/// a C function (`bdrv_drain`) or a callback field (`BlockDriver.bdrv_co_preadv`, or
/// `.bdrv_co_preadv` where the struct is not known). Any other name matches nothing, and would
/// only ever be reported as stale.
fn check_suppressed_names(written: &ConfigFile, source: &Source) -> Result<(), ConfigError> {
    let names = written
        .cuts
        .iter()
        .flat_map(|cut| [("cut", &cut.from), ("cut", &cut.to)])
        .chain(written.boundaries.iter().map(|b| ("boundary", &b.function)));
    for (what, name) in names {
        let text = name.get_ref();
        let node_name = match text.split_once('.') {
            Some((owner, field)) => {
                (owner.is_empty() || resolve::is_identifier(owner)) && resolve::is_identifier(field)
            }
            None => resolve::is_identifier(text),
        };
        if !node_name {
            return Err(source.error(
                name.span(),
                format!(
                    "[[{what}]] name `{text}` is not a function: write a C name (`bdrv_drain`) \
                     or a callback field (`BlockDriver.bdrv_co_preadv`)"
                ),
            ));
        }
    }
    Ok(())
}

/// Takes the entries each of `names` matches out of `list`; a name that matches none is an
/// error that names the kind of entry (`what`).
fn remove_named<T>(
    list: &mut Vec<T>,
    names: &[Spanned<String>],
    what: &str,
    source: &Source,
    matches: impl Fn(&T, &str) -> bool,
) -> Result<(), ConfigError> {
    for name in names {
        let before = list.len();
        list.retain(|entry| !matches(entry, name.get_ref()));
        if list.len() == before {
            return Err(source.error(
                name.span(),
                format!(
                    "the preset sets no {what} `{}` to leave out",
                    name.get_ref()
                ),
            ));
        }
    }
    Ok(())
}

/// Adds `glob` to `builder` as an exclusion; the error says what is wrong with the glob in
/// one line.
fn add_exclusion(builder: &mut OverrideBuilder, glob: &str) -> Result<(), String> {
    match builder.add(&format!("!{glob}")) {
        Ok(_) => Ok(()),
        Err(ignore::Error::Glob { err, .. }) => {
            Err(format!("invalid exclude glob `{glob}`: {err}"))
        }
        Err(other) => Err(format!("invalid exclude glob `{glob}`: {other}")),
    }
}

/// The nearest configuration file from `start` up.
fn discover(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|path| path.is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::context::{RuleKind, Through};
    use crate::model::Guard;

    fn from_text(text: &str) -> Result<Config, ConfigError> {
        static COUNT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
        let unique = COUNT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("callcheck-config-{}-{unique}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("callcheck.toml");
        std::fs::write(&path, text).unwrap();
        let loaded = load(&ConfigRequest {
            file: Some(path),
            preset: None,
            start: dir.clone(),
            ..ConfigRequest::default()
        });
        let _ = std::fs::remove_dir_all(&dir);
        loaded.map_err(|mut e| {
            e.location = e.location.rsplit('/').next().unwrap().to_string();
            e
        })
    }

    #[test]
    fn every_preset_loads() {
        for name in preset_names() {
            let config = load(&ConfigRequest {
                file: None,
                preset: Some(name.to_string()),
                start: PathBuf::from("/nonexistent-dir"),
                ..ConfigRequest::default()
            })
            .unwrap_or_else(|e| panic!("preset {name}: {e}"));
            assert!(!config.rules.is_empty(), "{name}");
        }
    }

    #[test]
    fn default_is_check_calls() {
        let config = load(&ConfigRequest {
            start: PathBuf::from("/nonexistent-dir"),
            ..ConfigRequest::default()
        })
        .unwrap();
        let rules: Vec<_> = config
            .rules
            .iter()
            .map(|r| match r.kind {
                RuleKind::Reachability {
                    from,
                    forbidden,
                    through: Through::Any,
                } => (config.contexts.name(from), config.contexts.name(forbidden)),
                _ => panic!("{r:?}"),
            })
            .collect();
        assert_eq!(
            rules,
            [
                ("IO_CODE", "GLOBAL_STATE_CODE"),
                ("IO_CODE", "IO_OR_GS_CODE"),
                ("IO_OR_GS_CODE", "GLOBAL_STATE_CODE")
            ]
        );
        let check_calls_graph = EdgeKinds::of([UseKind::Call, UseKind::Reference]);
        assert_eq!(config.edges, check_calls_graph);
        assert!(config.rules.iter().all(|r| r.edges == check_calls_graph));
    }

    #[test]
    fn errors_name_line_and_column() {
        let cases = [
            ("bogus = 1\n", "callcheck.toml:1:1: unknown field `bogus`"),
            (
                "[[context]]\nname = \"A\"\nmarker = \"A\"\n[[rule]]\nfrom = \"A\"\nforbid = [\"B\"]\n",
                "callcheck.toml:6:11: unknown context `B`",
            ),
            (
                "[[context]]\nname = \"A\"\n",
                "callcheck.toml:2:8: context `A` needs exactly one of `marker` or `attribute`",
            ),
            (
                "[[context]]\nname = \"\"\nmarker = \"A\"\n",
                "callcheck.toml:2:8: context name `` must be one word, as `IO_CODE`",
            ),
            (
                "[[context]]\nname = \"in co\"\nmarker = \"A\"\n",
                "callcheck.toml:2:8: context name `in co` must be one word",
            ),
            (
                "[[context]]\nname = \"A\"\nmarker = \"\"\n",
                "callcheck.toml:2:8: context `A`: `` is not a C name, so no code can carry it",
            ),
            (
                "[[context]]\nname = \"A\"\nattribute = [\"a\", \"b()\"]\n",
                "callcheck.toml:2:8: context `A`: `b()` is not a C name",
            ),
            (
                "[[boundary]]\nfunction = \"\"\nreason = \"r\"\n",
                "callcheck.toml:2:12: [[boundary]] name `` is not a function: write a C name",
            ),
            (
                "[[cut]]\nfrom = \"f\"\nto = \"S.f.g\"\nreason = \"r\"\n",
                "callcheck.toml:3:6: [[cut]] name `S.f.g` is not a function",
            ),
            (
                "[[path-limit]]\nname = \"l\"\nfiles = [\"a.c\"]\nreason = \"r\"\n",
                "callcheck.toml:2:8: path limit `l` needs exactly one of `never` and `only`",
            ),
            (
                "[[path-limit]]\nname = \"l\"\nnever = [\"f\"]\nreason = \"r\"\n",
                "callcheck.toml:2:8: path limit `l` says neither `files` nor `functions`",
            ),
            (
                "[[path-limit]]\nname = \"l\"\nfunctions = [\"a[\"]\nonly = [\"f\"]\nreason = \"r\"\n",
                "callcheck.toml:3:14: invalid glob `a[` in path limit `l`",
            ),
            (
                "[[path-limit]]\nname = \"l\"\nfunctions = [\"a\"]\nonly = [\"f\"]\nreason = \" \"\n",
                "callcheck.toml:5:10: a suppression needs a reason",
            ),
            (
                "[[path-limit]]\nname = \"l\"\nfunctions = [\"a\"]\nonly = [\"f\"]\nreason = \"r\"\n\
                 [[path-limit]]\nname = \"l\"\nfunctions = [\"b\"]\nonly = [\"g\"]\nreason = \"r\"\n",
                "callcheck.toml:7:8: path limit `l` is defined twice",
            ),
            (
                "preset = \"qemu\"\n\
                 [[path-limit]]\nname = \"a\"\nfunctions = [\"a\"]\nonly = [\"f\"]\nreason = \"r\"\n\
                 [[path-limit]]\nname = \"b\"\nfunctions = [\"b\"]\nonly = [\"g\"]\nreason = \"r\"\n",
                "callcheck.toml:8:8: [[path-limit]] entries may start in at most 4 ways",
            ),
            (
                "preset = \"qemu\"\n[without]\npath-limit = [\"nope\"]\n",
                "callcheck.toml:3:15: the preset sets no path limit `nope` to leave out",
            ),
            (
                "preset = \"nope\"\n",
                "callcheck.toml:1:10: unknown preset `nope` (known: qemu-block, qemu-coroutine, qemu)",
            ),
            (
                "preset = \"qemu-block\"\n[[context]]\nname = \"IO_CODE\"\nmarker = \"X\"\n",
                "callcheck.toml:3:8: context `IO_CODE` is defined twice",
            ),
            (
                "edges = \"everything\"\n",
                "callcheck.toml:1:9: unknown variant `everything`",
            ),
            (
                "edges = [\"call\", \"fields\"]\n",
                "callcheck.toml:1:9: unknown variant `fields`, expected one of `call`",
            ),
            (
                "[[generated]]\nattributes = \"w\"\npattern = \"(\"\ntarget = \"x\"\n",
                "callcheck.toml:3:11: invalid `pattern`",
            ),
            (
                "[[generated]]\nattributes = \"w\"\npattern = \"x\"\ntarget = \"y\"\n\
                 contexts = [\"nope\"]\n",
                "callcheck.toml:5:13: unknown context `nope`",
            ),
            (
                "preset = \"qemu-block\"\n[[guard]]\ncondition = \"in co\"\ncontext = \"IO_CODE\"\n",
                "callcheck.toml:3:13: guard condition `in co` is not a C function name",
            ),
            (
                "preset = \"qemu\"\n[[guard]]\ncondition = \"in_io\"\ncontext = \"IO_CODE\"\n",
                "callcheck.toml:4:11: every [[guard]] must decide the same context",
            ),
            (
                "preset = \"qemu\"\n[without]\nboundary = [\"error_report\"]\n",
                "callcheck.toml:3:13: the preset sets no boundary `error_report` to leave out",
            ),
            (
                "preset = \"qemu-block\"\n[without]\nexclude = [\"roms\"]\n",
                "callcheck.toml:3:12: the preset sets no exclude glob `roms` to leave out",
            ),
            (
                "[[generated]]\nattributes = \"w\"\npattern = \"x\"\ntarget = \"y\"\n\
                 calls_outside = [\"poll\"]\n",
                "callcheck.toml:3:11: `calls_inside`, `calls_outside` and `target_guard` need a \
                 [[guard]]",
            ),
        ];
        for (text, expected) in cases {
            let error = from_text(text).unwrap_err().to_string();
            assert!(error.starts_with(expected), "{text:?}: got {error}");
        }
    }

    #[test]
    fn qemu_presets_leave_roms_out_and_decide_coroutine_context() {
        for name in preset_names() {
            let config = preset(name).unwrap();
            assert_eq!(config.exclude[0], "roms/**", "{name}");
            // Only check_calls.py's preset keeps the Windows files and every reference.
            let posix = name != "qemu-block";
            assert_eq!(
                config.exclude.iter().any(|g| g == "**/*-win32.c"),
                posix,
                "{name}"
            );
            assert_eq!(!config.deferred.is_empty(), posix, "{name}");
            assert_eq!(!config.cuts.is_empty(), posix, "{name}");
            assert!(config.deferred.iter().all(|d| d.preset));
            assert!(config.cuts.iter().all(|c| c.preset));
            let boundaries: Vec<_> = config
                .boundaries
                .iter()
                .map(|b| b.function.get_ref())
                .collect();
            let fatal: &[&str] = if posix { &["cpu_abort"] } else { &[] };
            assert_eq!(
                boundaries,
                [&["error_vprintf", "error_vprintf_unless_qmp"], fatal].concat(),
                "{name}"
            );
            assert!(config.boundaries.iter().all(|b| b.preset));
        }
        let config = preset("qemu").unwrap();
        let guards = config.guards.as_ref().unwrap();
        assert_eq!(guards.conditions, ["qemu_in_coroutine"]);
        assert_eq!(config.contexts.name(guards.context), "coroutine_fn");
        let skips: Vec<_> = config
            .rules
            .iter()
            .map(|r| (r.name.as_str(), r.skip))
            .collect();
        assert_eq!(
            skips,
            [
                ("io-reaches-global-state", Guard::None),
                ("io-reaches-global-state", Guard::None),
                ("io-or-gs-reaches-global-state", Guard::None),
                ("coroutine-fn-caller", Guard::Inside),
                ("coroutine-reaches-no-coroutine-fn", Guard::Outside),
                ("coroutine-fn-binding", Guard::None),
                ("no-coroutine-fn-binding", Guard::None),
            ]
        );
        assert!(preset("qemu-block").unwrap().guards.is_none());
    }

    #[test]
    fn without_takes_out_what_the_preset_sets() {
        let config = from_text(
            "preset = \"qemu\"\nexclude = [\"tests/**\"]\n\
             [without]\nexclude = [\"roms/**\", \"**/*-win32.c\"]\n\
             boundary = [\"error_vprintf\"]\nguard = [\"qemu_in_coroutine\"]\n\
             deferred = [\"atexit\", \"bdrv_aio_ioctl\"]\n\
             cut = [\"replay_block_event -> replay_add_event\"]\n",
        )
        .unwrap();
        assert_eq!(
            config.exclude.first().map(String::as_str),
            Some("**/*-win32.h")
        );
        assert_eq!(config.exclude.last().map(String::as_str), Some("tests/**"));
        let deferred: Vec<_> = config.deferred.iter().map(|d| d.name()).collect();
        assert!(deferred.contains(&"qemu_thread_create"));
        assert!(!deferred.contains(&"atexit") && !deferred.contains(&"bdrv_aio_ioctl"));
        assert!(
            config
                .cuts
                .iter()
                .all(|c| c.from.get_ref() != "replay_block_event")
        );
        assert_eq!(config.cuts.len(), 2);
        let boundaries: Vec<_> = config
            .boundaries
            .iter()
            .map(|b| b.function.get_ref())
            .collect();
        assert_eq!(boundaries, ["error_vprintf_unless_qmp", "cpu_abort"]);
        assert!(config.guards.is_none());
        // The wrappers' guarded calls are plain calls again.
        assert!(config.rules.iter().all(|r| r.skip == Guard::None));
        assert!(config.wrappers.iter().all(|w| w.target_guard == Guard::None
            && w.calls.iter().all(|(_, guard)| *guard == Guard::None)));
        assert!(!config.effective.contains("roms"));
    }

    #[test]
    fn presets_are_extended() {
        let config = from_text(
            "preset = \"qemu-block\"\nedges = \"calls\"\n\
             [[context]]\nname = \"coroutine_fn\"\nattribute = \"coroutine_fn\"\n\
             [[rule]]\ncallee = \"coroutine_fn\"\ncallers = [\"coroutine_fn\"]\nmessage = \"m\"\n",
        )
        .unwrap();
        assert_eq!(config.rules.len(), 4);
        assert!(
            config
                .rules
                .iter()
                .all(|r| r.edges == EdgeKinds::CALLS_ONLY)
        );
        let direct = &config.rules[3];
        assert_eq!(direct.name, "coroutine_fn-caller");
        assert_eq!(direct.message.as_deref(), Some("m"));
        assert!(config.contexts.by_name("IO_CODE").is_some());
        assert!(config.effective.contains("name = \"coroutine_fn\""));
    }
}
