//! The configuration: which contexts exist, how each is recognised, and the rules between them.
//!
//! A `callcheck.toml` (or `.callcheck.toml`) is looked for in the current directory and its
//! ancestors, or given with `--config`. It may start from a built-in preset and add contexts and
//! rules on top. With no file at all the `qemu-block` preset applies: check_calls.py's recognizer
//! and rules. Every error names the file, line and column.

use crate::context::{
    Context, ContextSet, Contexts, Recognition, Rule, RuleKind, Through, Wrapper,
};
use crate::extract::{Extras, Recognizer};
use crate::model::{EdgeKinds, UseKind};
use serde::{Deserialize, Serialize};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file names looked for, in order, in each directory.
pub const FILE_NAMES: [&str; 2] = ["callcheck.toml", ".callcheck.toml"];

/// The preset used when no configuration file is found.
pub const DEFAULT_PRESET: &str = "qemu-block";

/// A built-in preset.
struct Preset {
    name: &'static str,
    /// Its TOML texts (`qemu` is both QEMU presets).
    texts: &'static [&'static str],
    /// The `edges` it defaults to, if not every kind.
    edges: Option<&'static [UseKind]>,
}

/// The built-in presets. `qemu-block` is check_calls.py's check, so it keeps to the script's
/// graph (calls and references) and its output stays the script's; the others see every edge
/// kind.
const PRESETS: [Preset; 3] = [
    Preset {
        name: "qemu-block",
        texts: &[include_str!("presets/qemu-block.toml")],
        edges: Some(&[UseKind::Call, UseKind::Reference]),
    },
    Preset {
        name: "qemu-coroutine",
        texts: &[include_str!("presets/qemu-coroutine.toml")],
        edges: None,
    },
    Preset {
        name: "qemu",
        texts: &[
            include_str!("presets/qemu-block.toml"),
            include_str!("presets/qemu-coroutine.toml"),
        ],
        edges: None,
    },
];

/// The names of the built-in presets.
pub fn preset_names() -> impl Iterator<Item = &'static str> {
    PRESETS.iter().map(|preset| preset.name)
}

/// A configuration file as written.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    preset: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    edges: Option<EdgesSetting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    aliases: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    paths: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    exclude: Vec<String>,
    #[serde(default, rename = "context", skip_serializing_if = "Vec::is_empty")]
    contexts: Vec<ContextEntry>,
    #[serde(default, rename = "rule", skip_serializing_if = "Vec::is_empty")]
    rules: Vec<RuleEntry>,
    #[serde(default, rename = "cut", skip_serializing_if = "Vec::is_empty")]
    cuts: Vec<Cut>,
    #[serde(default, rename = "boundary", skip_serializing_if = "Vec::is_empty")]
    boundaries: Vec<Boundary>,
    #[serde(default, rename = "generated", skip_serializing_if = "Vec::is_empty")]
    generated: Vec<GeneratedEntry>,
}

/// `[[generated]]`: definitions a build step writes for prototypes carrying `attributes`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct GeneratedEntry {
    attributes: Words,
    pattern: Spanned<String>,
    target: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    contexts: Vec<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    edge: Option<GeneratedEdge>,
}

/// The kind of a generated wrapper's edge to the function it wraps.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
enum GeneratedEdge {
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
    pub from: String,
    /// The used function's name.
    pub to: String,
    /// Why: shown with `--format human` and when the cut goes stale.
    pub reason: Spanned<String>,
}

/// `[[boundary]]`: paths stop at `function`; its own uses are not followed.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Boundary {
    /// The function's name.
    pub function: String,
    /// Why.
    pub reason: Spanned<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct ContextEntry {
    name: Spanned<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    marker: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    attribute: Option<Words>,
}

/// One word or a list of words.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(untagged)]
enum Words {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
struct RuleEntry {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    from: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    forbid: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    through: Option<ThroughSetting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    callee: Option<Spanned<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    callers: Option<Vec<Spanned<String>>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    edges: Option<EdgesSetting>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    message: Option<String>,
}

/// `edges`: `"calls"` (direct calls only), `"calls+references"`, `"all"`, or a list of kinds
/// (`call`, `reference`, `field`, `macro`, `generated`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct EdgesSetting(EdgeKinds);

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
enum ThroughSetting {
    Any,
    Unannotated,
}

/// A configuration ready to use.
#[derive(Debug, Clone)]
pub struct Config {
    /// The contexts, presets' first.
    pub contexts: Contexts,
    /// The rules, one per forbidden context of each reachability rule written.
    pub rules: Vec<Rule>,
    /// What to analyse when no PATH is given, relative to the current directory.
    pub paths: Vec<PathBuf>,
    /// Globs of paths to leave out of the walk, relative to the configuration's directory.
    pub exclude: Vec<String>,
    /// The directory `exclude` globs are relative to.
    pub root: PathBuf,
    /// The configuration file used, if any.
    pub file: Option<PathBuf>,
    /// Edges removed before checking.
    pub cuts: Vec<Cut>,
    /// Functions whose uses are not followed.
    pub boundaries: Vec<Boundary>,
    /// The edge kinds of the graph (the top-level `edges`); every rule's are among them.
    pub edges: EdgeKinds,
    /// Attribute aliases (`#define WORD A B`) give contexts.
    pub aliases: bool,
    /// Which prototypes get generated definitions.
    pub wrappers: Vec<Wrapper>,
    /// The effective configuration as TOML, presets included.
    pub effective: String,
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
    /// Where to start looking for a configuration file.
    pub start: PathBuf,
}

/// Finds, reads and checks the configuration.
pub fn load(request: &ConfigRequest) -> Result<Config, ConfigError> {
    let file = match &request.file {
        Some(file) => Some(file.clone()),
        // Shown relative to where callcheck runs when it is found there.
        None => discover(&request.start).map(|found| {
            found
                .strip_prefix(&request.start)
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
    /// A recognizer of this configuration's contexts that records only what a graph with edges
    /// of `kinds` (the configuration's, or fewer with `--calls-only`) will use.
    pub fn recognizer(&self, kinds: EdgeKinds) -> Recognizer {
        let mut recognizer = Recognizer::new(&self.contexts);
        let aliases = self.aliases && recognizer.has_attributes();
        recognizer.extras = Extras {
            fields: kinds.includes(UseKind::Field),
            macros: kinds.includes(UseKind::Macro),
            aliases,
            head_words: aliases || !self.wrappers.is_empty(),
        };
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
    let mut merged = ConfigFile::default();
    let mut preset_edges = None;
    if let Some((name, span)) = preset {
        let (texts, edges) = PRESETS
            .iter()
            .find(|preset| preset.name == name)
            .map(|preset| (preset.texts, preset.edges))
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
        for text in texts {
            let preset = parse(text, &format!("preset {name}"))?;
            merged.contexts.extend(preset.contexts);
            merged.rules.extend(preset.rules);
            merged.generated.extend(preset.generated);
        }
    }
    written.preset = None;
    merged.edges = written.edges.or(preset_edges);
    merged.aliases = written.aliases;
    merged.paths = written.paths.take();
    merged.exclude = std::mem::take(&mut written.exclude);
    merged.cuts = std::mem::take(&mut written.cuts);
    merged.boundaries = std::mem::take(&mut written.boundaries);
    for reason in merged
        .cuts
        .iter()
        .map(|c| &c.reason)
        .chain(merged.boundaries.iter().map(|b| &b.reason))
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
    };
    resolve(merged, &source, counts, root, file)
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

/// The text a span points into, for error locations.
struct Source<'a> {
    name: &'a str,
    text: &'a str,
}

impl Source<'_> {
    fn error(&self, span: Range<usize>, message: String) -> ConfigError {
        let before = &self.text[..span.start.min(self.text.len())];
        let line = before.matches('\n').count() + 1;
        let column = before.len() - before.rfind('\n').map_or(0, |at| at + 1) + 1;
        ConfigError {
            location: format!("{}:{line}:{column}", self.name),
            message,
        }
    }
}

fn parse(text: &str, name: &str) -> Result<ConfigFile, ConfigError> {
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

/// Checks names and shapes, and turns the written configuration into a usable one. Entries
/// before `preset_contexts` / `preset_rules` come from presets, whose spans point into preset
/// text; they are checked by tests, so errors only ever point into the user's file.
fn resolve(
    file: ConfigFile,
    source: &Source,
    presets: PresetCounts,
    root: PathBuf,
    path: Option<PathBuf>,
) -> Result<Config, ConfigError> {
    let (preset_contexts, preset_rules) = (presets.contexts, presets.rules);
    let error = |index: usize, preset_count: usize, span: Range<usize>, message: String| {
        if index < preset_count {
            ConfigError {
                location: "preset".to_string(),
                message,
            }
        } else {
            source.error(span, message)
        }
    };
    let mut contexts = Vec::new();
    for (index, entry) in file.contexts.iter().enumerate() {
        let name = entry.name.get_ref();
        let span = entry.name.span();
        if contexts.iter().any(|c: &Context| &c.name == name) {
            return Err(error(
                index,
                preset_contexts,
                span,
                format!("context `{name}` is defined twice"),
            ));
        }
        let recognition = match (&entry.marker, &entry.attribute) {
            (Some(marker), None) => Recognition::Marker(marker.clone()),
            (None, Some(Words::One(word))) => Recognition::Attribute(vec![word.clone()]),
            (None, Some(Words::Many(words))) if !words.is_empty() => {
                Recognition::Attribute(words.clone())
            }
            _ => {
                return Err(error(
                    index,
                    preset_contexts,
                    span,
                    format!("context `{name}` needs exactly one of `marker` or `attribute`"),
                ));
            }
        };
        contexts.push(Context {
            name: name.clone(),
            recognition,
        });
    }
    let contexts = Contexts::new(contexts).map_err(|e| ConfigError {
        location: source.name.to_string(),
        message: e.to_string(),
    })?;

    // The top-level `edges` says which kinds the graph has at all; a rule's own `edges` picks
    // among those.
    let graph_edges = file.edges.map_or(EdgeKinds::ALL, |setting| setting.0);
    let mut rules = Vec::new();
    for (index, entry) in file.rules.iter().enumerate() {
        let context = |name: &Spanned<String>| {
            contexts.by_name(name.get_ref()).ok_or_else(|| {
                error(
                    index,
                    preset_rules,
                    name.span(),
                    format!("unknown context `{}`", name.get_ref()),
                )
            })
        };
        let edges = entry
            .edges
            .map_or(graph_edges, |setting| setting.0.intersection(graph_edges));
        let through = match entry.through {
            Some(ThroughSetting::Unannotated) => Through::Unannotated,
            Some(ThroughSetting::Any) | None => Through::Any,
        };
        match (&entry.from, &entry.forbid, &entry.callee, &entry.callers) {
            (Some(from), Some(forbid), None, None) if !forbid.is_empty() => {
                let from_id = context(from)?;
                for forbidden in forbid {
                    let forbidden_id = context(forbidden)?;
                    rules.push(Rule {
                        kind: RuleKind::Reachability {
                            from: from_id,
                            forbidden: forbidden_id,
                            through,
                        },
                        edges,
                        name: entry.name.clone().unwrap_or_else(|| {
                            format!("{}-reaches-{}", from.get_ref(), forbidden.get_ref())
                        }),
                        message: entry.message.clone(),
                    });
                }
            }
            (None, None, Some(callee), Some(callers))
                if !callers.is_empty() && entry.through.is_none() =>
            {
                let callee_id = context(callee)?;
                let mut allowed = ContextSet::default();
                for caller in callers {
                    allowed.insert(context(caller)?);
                }
                rules.push(Rule {
                    kind: RuleKind::Direct {
                        callee: callee_id,
                        callers: allowed,
                    },
                    edges,
                    name: entry
                        .name
                        .clone()
                        .unwrap_or_else(|| format!("{}-caller", callee.get_ref())),
                    message: entry.message.clone(),
                });
            }
            _ => {
                let span = [&entry.from, &entry.callee]
                    .into_iter()
                    .flatten()
                    .map(|s| s.span())
                    .next()
                    .unwrap_or(0..0);
                return Err(error(
                    index,
                    preset_rules,
                    span,
                    "a rule needs either `from` and a non-empty `forbid` (with an optional \
                     `through`), or `callee` and a non-empty `callers`"
                        .to_string(),
                ));
            }
        }
    }
    let mut wrappers = Vec::new();
    for (index, entry) in file.generated.iter().enumerate() {
        let error = |span, message| error(index, presets.generated, span, message);
        let pattern = regex::Regex::new(entry.pattern.get_ref())
            .map_err(|e| error(entry.pattern.span(), format!("invalid `pattern`: {e}")))?;
        let mut extra = ContextSet::default();
        for name in &entry.contexts {
            let context = contexts.by_name(name.get_ref()).ok_or_else(|| {
                error(name.span(), format!("unknown context `{}`", name.get_ref()))
            })?;
            extra.insert(context);
        }
        let attributes = match &entry.attributes {
            Words::One(word) => vec![word.clone()],
            Words::Many(words) => words.clone(),
        };
        if attributes.is_empty() {
            return Err(error(
                entry.pattern.span(),
                "a `[[generated]]` entry needs at least one attribute".to_string(),
            ));
        }
        wrappers.push(Wrapper {
            attributes,
            pattern,
            target: entry.target.clone(),
            contexts: extra,
            edge: match entry.edge {
                Some(GeneratedEdge::Reference) => UseKind::Reference,
                Some(GeneratedEdge::Generated) | None => UseKind::Generated,
            },
        });
    }
    let effective = toml::to_string(&file).unwrap_or_default();
    Ok(Config {
        contexts,
        rules,
        paths: file
            .paths
            .unwrap_or_else(|| vec![".".to_string()])
            .into_iter()
            .map(PathBuf::from)
            .collect(),
        exclude: file.exclude,
        root,
        file: path,
        cuts: file.cuts,
        boundaries: file.boundaries,
        edges: graph_edges,
        aliases: file.aliases.unwrap_or(true),
        wrappers,
        effective,
    })
}

/// How many entries of each list come from presets.
struct PresetCounts {
    contexts: usize,
    rules: usize,
    generated: usize,
}

#[cfg(test)]
mod tests {
    use super::*;

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
        ];
        for (text, expected) in cases {
            let error = from_text(text).unwrap_err().to_string();
            assert!(error.starts_with(expected), "{text:?}: got {error}");
        }
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
