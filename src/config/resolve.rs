//! From the written configuration to the model: contexts, rules and wrappers checked by name
//! and shape.

use super::file::{
    ConfigFile, GeneratedEdge, GuardSetting, PathLimit, Preprocessor, Source, ThroughSetting, Words,
};
use super::{Config, ConfigError, Guards, MAX_LIMIT_STARTS};
use crate::context::{
    Context, ContextId, ContextSet, Contexts, Recognition, Rule, RuleKind, Through, Wrapper,
};
use crate::extract::Switches;
use crate::model::{EdgeKinds, Guard, UseKind};
use crate::source::DEFAULT_EXTENSIONS;
use globset::{Glob, GlobSetBuilder};
use std::ops::Range;
use std::path::PathBuf;
use toml::Spanned;

/// Checks names and shapes, and turns the written configuration into a usable one. The first
/// entries of each list come from presets (`presets` says how many); they are checked by tests,
/// so errors only ever point into the user's file.
pub(super) fn resolve(
    file: ConfigFile,
    source: &Source,
    presets: PresetCounts,
    root: PathBuf,
    path: Option<PathBuf>,
) -> Result<Config, ConfigError> {
    let entries = |from_presets| Entries {
        source,
        from_presets,
    };
    let contexts = contexts(&file, &entries(presets.contexts))?;
    let guards = guards(&file, &contexts, &entries(presets.guards))?;
    // The top-level `edges` says which kinds the graph has at all; a rule's own `edges` picks
    // among those.
    let graph_edges = file.edges.map_or(EdgeKinds::ALL, |setting| setting.0);
    let mut rules = rules(&file, &contexts, graph_edges, &entries(presets.rules))?;
    if let Some(guards) = &guards {
        for rule in &mut rules {
            rule.skip = skipped_guard(rule, guards.context);
        }
    }
    let wrappers = wrappers(
        &file,
        &contexts,
        guards.is_some(),
        &entries(presets.generated),
    )?;
    check_deferred(&file, &entries(presets.deferred))?;
    check_path_limits(&file, &entries(presets.path_limits))?;
    let exclude = exclusions(&file, source)?;
    let switches = switches(&file.preprocessor, source)?;
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
        exclude,
        preset_exclude: presets.exclude,
        include: file.include,
        build_dir: file.build_dir.map(PathBuf::from),
        extensions: file.extensions.map_or_else(
            || DEFAULT_EXTENSIONS.iter().map(|e| e.to_string()).collect(),
            |list| list.into_iter().map(Spanned::into_inner).collect(),
        ),
        root,
        file: path,
        preset: None,
        cuts: file.cuts,
        boundaries: file.boundaries,
        deferred: file.deferred,
        path_limits: file.path_limits,
        edges: graph_edges,
        aliases: file.aliases.unwrap_or(true),
        argument_constants: file.argument_constants.unwrap_or(false),
        wrappers,
        switches,
        guards,
        effective,
    })
}

/// Checks each `[[path-limit]]` entry: a name of its own, where the limit starts (`files` or
/// `functions`), exactly one of `never` and `only`, globs that parse, and no more ways to start
/// than the check can follow ([`MAX_LIMIT_STARTS`]).
fn check_path_limits(file: &ConfigFile, entries: &Entries) -> Result<(), ConfigError> {
    let starts = PathLimit::start_numbers(&file.path_limits);
    for (index, limit) in file.path_limits.iter().enumerate() {
        let name = limit.name.get_ref();
        let error = |span: Range<usize>, message: String| entries.error(index, span, message);
        if name.trim().is_empty() {
            return Err(error(
                limit.name.span(),
                "a [[path-limit]] needs a name".to_string(),
            ));
        }
        if file.path_limits[..index]
            .iter()
            .any(|l| l.name.get_ref() == name)
        {
            return Err(error(
                limit.name.span(),
                format!("path limit `{name}` is defined twice"),
            ));
        }
        if limit.files.is_empty() && limit.functions.is_empty() {
            return Err(error(
                limit.name.span(),
                format!(
                    "path limit `{name}` says neither `files` nor `functions`: where does it start?"
                ),
            ));
        }
        if limit.never.is_empty() == limit.only.is_empty() {
            return Err(error(
                limit.name.span(),
                format!("path limit `{name}` needs exactly one of `never` and `only`"),
            ));
        }
        let globs = [&limit.files, &limit.functions, &limit.never, &limit.only];
        for glob in globs.into_iter().flatten() {
            if let Err(e) = Glob::new(glob.get_ref()) {
                return Err(error(
                    glob.span(),
                    format!(
                        "invalid glob `{}` in path limit `{name}`: {}",
                        glob.get_ref(),
                        e.kind()
                    ),
                ));
            }
        }
        // The first limit to start a way beyond the last one allowed.
        if starts[index] >= MAX_LIMIT_STARTS {
            return Err(error(
                limit.name.span(),
                format!(
                    "[[path-limit]] entries may start in at most {MAX_LIMIT_STARTS} ways (each \
                     doubles the paths the check walks); `{name}` adds one more: give it the \
                     `files` and `functions` of another limit of its kind, or leave one out"
                ),
            ));
        }
    }
    Ok(())
}

/// Checks each `[[deferred]]` entry: one C name, as `function` or `field`, and argument positions
/// from 1 to 64.
fn check_deferred(file: &ConfigFile, entries: &Entries) -> Result<(), ConfigError> {
    for (index, entry) in file.deferred.iter().enumerate() {
        let name = match (&entry.function, &entry.field) {
            (Some(name), None) | (None, Some(name)) => name,
            _ => {
                return Err(entries.error(
                    index,
                    entry.reason.span(),
                    "a [[deferred]] entry names either a `function` or a `field`".to_string(),
                ));
            }
        };
        if !is_identifier(name.get_ref()) {
            return Err(entries.error(
                index,
                name.span(),
                format!("deferred call `{}` is not a C name", name.get_ref()),
            ));
        }
        if let Some(position) = entry
            .arguments
            .iter()
            .find(|p| !(1..=64).contains(p.get_ref()))
        {
            return Err(entries.error(
                index,
                position.span(),
                "argument positions count from 1 to 64".to_string(),
            ));
        }
    }
    Ok(())
}

/// The `[[guard]]` entries: each condition once, all deciding one known context.
fn guards(
    file: &ConfigFile,
    contexts: &Contexts,
    entries: &Entries,
) -> Result<Option<Guards>, ConfigError> {
    let mut found: Option<Guards> = None;
    for (index, entry) in file.guards.iter().enumerate() {
        let condition = entry.condition.get_ref();
        if !is_identifier(condition) {
            return Err(entries.error(
                index,
                entry.condition.span(),
                format!("guard condition `{condition}` is not a C function name"),
            ));
        }
        let name = entry.context.get_ref();
        let context = contexts.by_name(name).ok_or_else(|| {
            entries.error(index, entry.context.span(), unknown_context(name, contexts))
        })?;
        match &mut found {
            None => {
                found = Some(Guards {
                    conditions: vec![condition.clone()],
                    context,
                });
            }
            Some(guards) if guards.context != context => {
                return Err(entries.error(
                    index,
                    entry.context.span(),
                    format!(
                        "every [[guard]] must decide the same context: `{}` is decided already, \
                         not `{name}`",
                        contexts.name(guards.context)
                    ),
                ));
            }
            Some(guards) if guards.conditions.contains(condition) => {
                return Err(entries.error(
                    index,
                    entry.condition.span(),
                    format!("guard condition `{condition}` is given twice"),
                ));
            }
            Some(guards) => guards.conditions.push(condition.clone()),
        }
    }
    Ok(found)
}

/// The guarded uses `rule` does not follow when guards decide `context`: a path from a
/// function of that context stays in it (a call runs in its caller's context), so it skips
/// uses that run only outside it; a direct rule that lets callers of that context call checks
/// callers outside it, so it skips uses that run only inside it. Other rules follow both.
fn skipped_guard(rule: &Rule, context: ContextId) -> Guard {
    match rule.kind {
        RuleKind::Reachability { from, .. } if from == context => Guard::Outside,
        RuleKind::Direct { callers, .. } if callers.contains(context) => Guard::Inside,
        _ => Guard::None,
    }
}

/// One list of entries, the first `from_presets` of which come from presets: errors in those
/// say `preset`, errors in the user's own entries say `FILE:LINE:COL`.
struct Entries<'a> {
    source: &'a Source<'a>,
    from_presets: usize,
}

impl Entries<'_> {
    fn error(&self, index: usize, span: Range<usize>, message: String) -> ConfigError {
        if index < self.from_presets {
            ConfigError {
                location: "preset".to_string(),
                message,
            }
        } else {
            self.source.error(span, message)
        }
    }
}

/// The `[[context]]` entries: each named once, with a marker or attributes.
fn contexts(file: &ConfigFile, entries: &Entries) -> Result<Contexts, ConfigError> {
    let mut contexts = Vec::new();
    for (index, entry) in file.contexts.iter().enumerate() {
        let name = entry.name.get_ref();
        let span = entry.name.span();
        if contexts.iter().any(|c: &Context| &c.name == name) {
            return Err(entries.error(index, span, format!("context `{name}` is defined twice")));
        }
        // A name is written in `allow(A, B)` comments and in rules: it cannot be empty nor hold
        // the separators of that list.
        if name.is_empty() || name.contains(|c: char| c.is_whitespace() || ",()".contains(c)) {
            return Err(entries.error(
                index,
                span,
                format!("context name `{name}` must be one word, as `IO_CODE`"),
            ));
        }
        let recognition = match (&entry.marker, &entry.attribute) {
            (Some(marker), None) => Recognition::Marker(marker.clone()),
            (None, Some(Words::One(word))) => Recognition::Attribute(vec![word.clone()]),
            (None, Some(Words::Many(words))) if !words.is_empty() => {
                Recognition::Attribute(words.clone())
            }
            _ => {
                return Err(entries.error(
                    index,
                    span,
                    format!("context `{name}` needs exactly one of `marker` or `attribute`"),
                ));
            }
        };
        let words = match &recognition {
            Recognition::Marker(marker) => std::slice::from_ref(marker),
            Recognition::Attribute(words) => &words[..],
        };
        if let Some(word) = words.iter().find(|word| !is_identifier(word)) {
            return Err(entries.error(
                index,
                span,
                format!("context `{name}`: `{word}` is not a C name, so no code can carry it"),
            ));
        }
        contexts.push(Context {
            name: name.clone(),
            recognition,
        });
    }
    let table = Contexts::new(contexts).map_err(|e| ConfigError {
        location: entries.source.name.to_string(),
        message: e.to_string(),
    })?;
    let mut overrides = Vec::new();
    for (index, entry) in file.contexts.iter().enumerate() {
        let Some(names) = &entry.overrides else {
            continue;
        };
        let name = entry.name.get_ref();
        let mut overridden = ContextSet::default();
        for other in names {
            let id = match table.by_name(other.get_ref()) {
                Some(id) if other.get_ref() != name => id,
                Some(_) => {
                    let message = format!("context `{name}` cannot override itself");
                    return Err(entries.error(index, other.span(), message));
                }
                None => {
                    let message = unknown_context(other.get_ref(), &table);
                    return Err(entries.error(index, other.span(), message));
                }
            };
            overridden.insert(id);
        }
        if let Some(context) = table.by_name(name) {
            overrides.push((context, overridden));
        }
    }
    Ok(table.with_overrides(&overrides))
}

/// The `[[rule]]` entries: a reachability rule gives one rule per forbidden context.
fn rules(
    file: &ConfigFile,
    contexts: &Contexts,
    graph_edges: EdgeKinds,
    entries: &Entries,
) -> Result<Vec<Rule>, ConfigError> {
    let mut rules = Vec::new();
    for (index, entry) in file.rules.iter().enumerate() {
        let context = |name: &Spanned<String>| {
            contexts.by_name(name.get_ref()).ok_or_else(|| {
                entries.error(
                    index,
                    name.span(),
                    unknown_context(name.get_ref(), contexts),
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
        // What every rule of this entry shares; `default_name` is used if the entry has none.
        let rule = |kind: RuleKind, default_name: String| Rule {
            kind,
            edges,
            name: entry.name.clone().unwrap_or(default_name),
            message: entry.message.clone(),
            certain: entry.certain.unwrap_or(false),
            description: entry.description.clone(),
            example: entry.example.clone(),
            skip: Guard::None,
        };
        if let Some(field) = &entry.binding {
            let shape_ok = entry.from.is_none()
                && entry.callee.is_none()
                && entry.callers.is_none()
                && entry.through.is_none()
                && (entry.require.as_ref().is_some_and(|r| !r.is_empty())
                    || entry.forbid.as_ref().is_some_and(|f| !f.is_empty()));
            if !shape_ok {
                return Err(entries.error(
                    index,
                    field.span(),
                    "a binding rule needs `binding` and a non-empty `require` or `forbid`, \
                     and none of `from`, `through`, `callee` or `callers`"
                        .to_string(),
                ));
            }
            let mut sets = [ContextSet::default(), ContextSet::default()];
            for (set, names) in sets.iter_mut().zip([&entry.require, &entry.forbid]) {
                for name in names.iter().flatten() {
                    set.insert(context(name)?);
                }
            }
            let [require, forbid] = sets;
            let kind = RuleKind::Binding {
                field: context(field)?,
                require,
                forbid,
            };
            rules.push(rule(kind, format!("{}-binding", field.get_ref())));
            continue;
        }
        match (
            &entry.from,
            &entry.forbid,
            &entry.callee,
            &entry.callers,
            &entry.require,
        ) {
            (Some(from), Some(forbid), None, None, None) if !forbid.is_empty() => {
                let from_id = context(from)?;
                for forbidden in forbid {
                    let forbidden_id = context(forbidden)?;
                    let kind = RuleKind::Reachability {
                        from: from_id,
                        forbidden: forbidden_id,
                        through,
                    };
                    let name = format!("{}-reaches-{}", from.get_ref(), forbidden.get_ref());
                    rules.push(rule(kind, name));
                }
            }
            (None, None, Some(callee), Some(callers), None)
                if !callers.is_empty() && entry.through.is_none() =>
            {
                let callee_id = context(callee)?;
                let mut allowed = ContextSet::default();
                for caller in callers {
                    allowed.insert(context(caller)?);
                }
                let kind = RuleKind::Direct {
                    callee: callee_id,
                    callers: allowed,
                };
                rules.push(rule(kind, format!("{}-caller", callee.get_ref())));
            }
            _ => {
                let span = [&entry.from, &entry.callee]
                    .into_iter()
                    .flatten()
                    .map(|s| s.span())
                    .next()
                    .unwrap_or(0..0);
                return Err(entries.error(
                    index,
                    span,
                    "a rule needs either `from` and a non-empty `forbid` (with an optional \
                     `through`), or `callee` and a non-empty `callers`, or `binding` and a \
                     non-empty `require` or `forbid`"
                        .to_string(),
                ));
            }
        }
    }
    Ok(rules)
}

/// The message for a context `name` that `contexts` lacks: the known ones, and the preset to add
/// if one defines it.
fn unknown_context(name: &str, contexts: &Contexts) -> String {
    let known: Vec<&str> = contexts.iter().map(|(_, c)| c.name.as_str()).collect();
    let mut message = format!("unknown context `{name}`");
    match known.is_empty() {
        true => message.push_str(" (no context is defined)"),
        false => message.push_str(&format!(" (known: {})", known.join(", "))),
    }
    if let Some(preset) = super::presets::defining(name) {
        message.push_str(&format!(
            "; the {preset} preset defines it: add `preset = \"{preset}\"`"
        ));
    }
    message
}

/// The `[preprocessor]` switches, each checked.
fn switches(preprocessor: &Preprocessor, source: &Source) -> Result<Switches, ConfigError> {
    for define in &preprocessor.defines {
        check_define(define.get_ref()).map_err(|message| source.error(define.span(), message))?;
    }
    let mut globs = GlobSetBuilder::new();
    for name in &preprocessor.undefined {
        let glob =
            undefined_glob(name.get_ref()).map_err(|message| source.error(name.span(), message))?;
        globs.add(glob);
    }
    let globs = globs
        .build()
        .map_err(|e| source.error(0..0, format!("invalid `undefined` globs: {e}")))?;
    let defines = preprocessor.defines.iter().map(|d| d.get_ref().as_str());
    Ok(Switches::new(defines, globs))
}

/// Checks a `defines` entry or `-D` value: `NAME` or `NAME=VALUE`.
pub(super) fn check_define(define: &str) -> Result<(), String> {
    let name = define.split_once('=').map_or(define, |(name, _)| name);
    if is_identifier(name) {
        Ok(())
    } else {
        Err(format!(
            "`{define}` is not a macro definition: write NAME or NAME=VALUE"
        ))
    }
}

/// An `undefined` entry or `-U` value as a glob over macro names.
pub(super) fn undefined_glob(name: &str) -> Result<Glob, String> {
    let valid = !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_*?[]!-".contains(&b));
    if !valid {
        return Err(format!(
            "`{name}` is not a macro name or a glob of them (such as DEBUG_*)"
        ));
    }
    Glob::new(name).map_err(|e| format!("invalid glob `{name}`: {}", e.kind()))
}

/// True for a C identifier.
pub(super) fn is_identifier(text: &str) -> bool {
    let mut bytes = text.bytes();
    bytes
        .next()
        .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
        && bytes.all(|b| b.is_ascii_alphanumeric() || b == b'_')
}

/// The `exclude` globs, each checked.
fn exclusions(file: &ConfigFile, source: &Source) -> Result<Vec<String>, ConfigError> {
    let mut builder = ignore::overrides::OverrideBuilder::new("");
    file.exclude
        .iter()
        .map(|glob| {
            super::add_exclusion(&mut builder, glob.get_ref())
                .map(|()| glob.get_ref().clone())
                .map_err(|message| source.error(glob.span(), message))
        })
        .collect()
}

/// The `[[generated]]` entries.
fn wrappers(
    file: &ConfigFile,
    contexts: &Contexts,
    has_guards: bool,
    entries: &Entries,
) -> Result<Vec<Wrapper>, ConfigError> {
    let mut wrappers = Vec::new();
    for (index, entry) in file.generated.iter().enumerate() {
        let error = |span, message| entries.error(index, span, message);
        let pattern = regex::Regex::new(entry.pattern.get_ref()).map_err(|e| {
            error(
                entry.pattern.span(),
                format!("invalid `pattern`: {}", regex_error(&e)),
            )
        })?;
        let mut extra = ContextSet::default();
        for name in &entry.contexts {
            let context = contexts
                .by_name(name.get_ref())
                .ok_or_else(|| error(name.span(), unknown_context(name.get_ref(), contexts)))?;
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
        let guarded = !entry.calls_inside.is_empty()
            || !entry.calls_outside.is_empty()
            || entry.target_guard.is_some();
        // A preset's guarded calls are plain calls once `[without]` drops its guard.
        if guarded && !has_guards && index >= entries.from_presets {
            return Err(error(
                entry.pattern.span(),
                "`calls_inside`, `calls_outside` and `target_guard` need a [[guard]] to say \
                 which context they mean"
                    .to_string(),
            ));
        }
        let guarded_as = |guard| if has_guards { guard } else { Guard::None };
        let calls = [
            (&entry.calls, Guard::None),
            (&entry.calls_inside, guarded_as(Guard::Inside)),
            (&entry.calls_outside, guarded_as(Guard::Outside)),
        ]
        .into_iter()
        .flat_map(|(calls, guard)| calls.iter().map(move |call| (call.clone(), guard)))
        .collect();
        wrappers.push(Wrapper {
            attributes,
            pattern,
            target: entry.target.clone(),
            contexts: extra,
            edge: match entry.edge {
                Some(GeneratedEdge::Reference) => UseKind::Reference,
                Some(GeneratedEdge::Generated) | None => UseKind::Generated,
            },
            target_guard: match entry.target_guard.as_ref().map(|g| *g.get_ref()) {
                Some(GuardSetting::Inside) => guarded_as(Guard::Inside),
                Some(GuardSetting::Outside) => guarded_as(Guard::Outside),
                None => Guard::None,
            },
            calls,
            includes: entry.includes.clone(),
        });
    }
    Ok(wrappers)
}

/// A regex error in one line: the regex crate's syntax errors repeat the pattern with a caret
/// under the fault, over several lines; the last line says what is wrong.
fn regex_error(error: &regex::Error) -> String {
    let text = error.to_string();
    let last = text
        .lines()
        .rev()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("");
    last.trim().trim_start_matches("error: ").to_string()
}

/// How many entries of each list come from presets.
pub(super) struct PresetCounts {
    pub(super) contexts: usize,
    pub(super) rules: usize,
    pub(super) generated: usize,
    pub(super) guards: usize,
    pub(super) deferred: usize,
    pub(super) path_limits: usize,
    pub(super) exclude: usize,
}
