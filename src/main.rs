//! The `callcheck` command line: parses the arguments into ready options, runs the library's
//! session, writes its report and maps the outcome to an exit status.

mod cli;

use callcheck::baseline::Baseline;
use callcheck::check::Violation;
use callcheck::config;
use callcheck::config::Config;
use callcheck::diagnostics::{Diagnostic, stderr_lines};
use callcheck::error::Error;
use callcheck::explain;
use callcheck::model::EdgeKinds;
use callcheck::query::{self, Direction};
use callcheck::report::{self, Report, dot, query as render};
use callcheck::session::Session;
use callcheck::session::{CheckOptions, Options};
use callcheck::suggest;
use clap::CommandFactory;
use cli::{
    Cli, Color, ExplainArgs, GraphFormat, GroupBy, Input, Query, QueryFormat, RulesArgs,
    SuggestArgs, SuggestFormat,
};
use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

/// mimalloc rather than the system allocator: a run allocates and frees a file's extraction
/// thousands of times over on several threads, and glibc gives those pages back and faults them
/// in again. Without transparent huge pages (`no_thp`), which would fault in 2 MiB at a time
/// and triple a QEMU run's peak memory.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit status when no rule is broken (or a query found what it looked for).
const EXIT_CLEAN: u8 = 0;
/// Exit status when at least one violation was reported (or a path query found none).
const EXIT_VIOLATIONS: u8 = 1;
/// Exit status for usage errors, unreadable input and internal errors.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    install_panic_handler();
    let cli = Cli::parse_args();
    if let Some(kind) = cli.generate {
        return match kind.write(&mut io::stdout().lock()) {
            Ok(()) => ExitCode::from(EXIT_CLEAN),
            Err(error) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::from(EXIT_CLEAN),
            Err(error) => {
                eprintln!("callcheck: {}", Error::Output(error));
                ExitCode::from(EXIT_ERROR)
            }
        };
    }
    if cli.group_by.is_some() && cli.format != report::Format::Human {
        // Only `human` has room for a block per cause; the machine formats carry each
        // violation's cause, and `text` is check_calls.py's and must not change.
        Cli::command()
            .error(
                clap::error::ErrorKind::ArgumentConflict,
                "--group-by applies to --format human only; json and sarif give each \
                 violation's cause (the `cause` key, the `callcheck/cause/v1` fingerprint)",
            )
            .exit();
    }
    QUIET.store(cli.quiet, Ordering::Relaxed);
    set_color(cli.color, cli.output.is_some());
    let outcome = match &cli.query {
        None => run_check(&cli),
        Some(Query::Suggest(args)) => run_suggest(args, cli.output.as_deref()),
        Some(Query::Rules(args)) => run_rules(args, cli.output.as_deref()),
        Some(Query::Explain(args)) => run_explain(args, cli.output.as_deref()),
        Some(query) => run_query(query, cli.output.as_deref()),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(Error::NoFiles { paths, skipped }) if cli.allow_empty && skipped.is_empty() => {
            note(&Error::NoFiles { paths, skipped }.to_string());
            ExitCode::from(EXIT_CLEAN)
        }
        Err(error) => {
            if let Error::NoFiles { skipped, .. } = &error {
                print_diagnostics(skipped);
            }
            eprintln!("callcheck: {error}");
            if let Some(hint) = subcommand_hint(&error) {
                eprintln!("callcheck: {hint}");
            }
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// For a PATH that does not exist and is spelt like a subcommand (`calers`), the subcommand
/// meant.
fn subcommand_hint(error: &Error) -> Option<String> {
    let Error::Input { path, source } = error else {
        return None;
    };
    let word = path
        .to_str()
        .filter(|_| source.kind() == io::ErrorKind::NotFound)?;
    let command = Cli::command();
    let names = command.get_subcommands().map(|c| c.get_name());
    let similar = callcheck::spelling::similar(word, names);
    let first = similar.first()?;
    Some(format!(
        "{word} is neither a file nor a subcommand; did you mean `callcheck {first}`?"
    ))
}

/// Reports a panic as an internal error with a request to file a bug, and exits with status 2.
fn install_panic_handler() {
    std::panic::set_hook(Box::new(|info| {
        eprintln!(
            "callcheck: internal error: {info}\n\
             This is a bug in callcheck; please report it with the input that triggered it."
        );
        std::process::exit(i32::from(EXIT_ERROR));
    }));
}

/// `--quiet`: no warnings or notes on stderr.
static QUIET: AtomicBool = AtomicBool::new(false);

/// Loads a session, and warns if the extraction cache it asked for could not be used.
fn load_session(options: &Options) -> Result<Session, Error> {
    let session = Session::load(options)?;
    if let Some(problem) = session.cache.as_ref().and_then(|c| c.problem.as_ref()) {
        note(&format!(
            "warning: cache: {problem}; the run went on without it"
        ));
    }
    Ok(session)
}

/// Prints a warning or a note on stderr, unless `--quiet` asks for the report only.
fn note(line: &str) {
    if !QUIET.load(Ordering::Relaxed) {
        eprintln!("callcheck: {line}");
    }
}

/// Colour for `color`; `auto` is off when the report goes to a file.
fn set_color(color: Color, to_file: bool) {
    let on = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            !to_file && std::env::var_os("NO_COLOR").is_none() && io::stdout().is_terminal()
        }
    };
    colored::control::set_override(on);
}

fn print_diagnostics(diagnostics: &[Diagnostic]) {
    for line in stderr_lines(diagnostics) {
        note(&line);
    }
}

fn run_check(cli: &Cli) -> Result<u8, Error> {
    // With --report-paths the PATHs only narrow the report: the configured tree is analysed.
    let analysed = match cli.report_paths {
        true => Vec::new(),
        false => cli.input.paths.clone(),
    };
    // The check reads in full only the bodies its rules can reach, unless the report counts
    // every call (JSON's summary).
    let options = Options {
        skim_bodies: cli.format != report::Format::Json,
        ..cli.input.session_options_for(analysed)?
    };
    if cli.print_config {
        print!("{}", config::load(&options.config)?.effective);
        return Ok(EXIT_CLEAN);
    }
    if cli.fix {
        suggest_and_fix(&options, true, false)?;
    }
    let mut session = load_session(&options)?;
    if let Some(warning) = session.config.checks_nothing() {
        note(&format!("warning: {warning}"));
    }
    let check = cli.check_options();
    for file in check.report_files.iter().flatten() {
        if !file.exists() {
            note(&format!(
                "warning: {} does not exist: no violation can be reported for it",
                file.display()
            ));
        }
    }
    let outcome = session.check(&check)?;
    let format = cli.format;
    let group_by_cause = cli.group_by == Some(GroupBy::Cause);
    if !format.carries_diagnostics() {
        print_diagnostics(&outcome.diagnostics);
    }
    if let Some(path) = &cli.write_baseline {
        let baseline = Baseline::of(&session.report(&outcome));
        baseline.write(path)?;
        let count = baseline.violations.len();
        note(&format!(
            "wrote {count} violation{} to {}",
            plural(count),
            path.display()
        ));
        return Ok(EXIT_CLEAN);
    }
    if let Some(effect) = &outcome.baseline {
        note(&format!(
            "baseline {}: {} known violation{} not reported, {} fixed since",
            effect.path.display(),
            effect.known,
            plural(effect.known),
            effect.fixed
        ));
    }
    let started = Instant::now();
    write_report(cli.output.as_deref(), |out| {
        let report = Report {
            group_by_cause,
            ..session.report(&outcome)
        };
        format.write(out, &report)
    })?;
    if cli.stats {
        let stats = session.stats(&outcome, started.elapsed());
        report::stats::write(&mut io::stderr().lock(), &stats).map_err(Error::Output)?;
    }
    Ok(if outcome.fails() {
        EXIT_VIOLATIONS
    } else {
        EXIT_CLEAN
    })
}

fn run_query(query: &Query, output: Option<&Path>) -> Result<u8, Error> {
    let session = load_session(&query.input().session_options()?)?;
    print_diagnostics(&session.diagnostics);
    let (graph, contexts, kinds) = (&session.graph, &session.config.contexts, session.kinds);
    match query {
        Query::Callers(args) | Query::Callees(args) => {
            let direction = match query {
                Query::Callers(_) => Direction::Callers,
                _ => Direction::Callees,
            };
            let roots = query::named(graph, &args.name)?;
            let lines = query::tree(graph, &roots, direction, args.depth, kinds);
            write_report(output, |out| match args.format {
                QueryFormat::Text => render::write_tree(out, graph, &lines, direction),
                QueryFormat::Json => render::write_tree_json(out, graph, contexts, &lines),
            })?;
            Ok(EXIT_CLEAN)
        }
        Query::Path(args) => {
            let (from, to) = (
                query::named(graph, &args.from)?,
                query::named(graph, &args.to)?,
            );
            let path = query::shortest_path(graph, &from, &to, kinds);
            write_report(output, |out| match (&path, args.format) {
                (Some(path), QueryFormat::Text) => render::write_path(out, graph, path),
                (Some(path), QueryFormat::Json) => {
                    render::write_path_json(out, graph, contexts, path)
                }
                (None, QueryFormat::Text) => {
                    writeln!(out, "no call path from {}() to {}()", args.from, args.to)
                }
                (None, QueryFormat::Json) => writeln!(out, "{{\"path\":null}}"),
            })?;
            Ok(if path.is_some() {
                EXIT_CLEAN
            } else {
                EXIT_VIOLATIONS
            })
        }
        Query::Contexts(args) => {
            let only = match &args.context {
                Some(name) => {
                    Some(
                        contexts
                            .by_name(name)
                            .ok_or_else(|| Error::UnknownContext {
                                name: name.clone(),
                                known: contexts.iter().map(|(_, c)| c.name.clone()).collect(),
                                preset: config::preset_defining(name),
                            })?,
                    )
                }
                None => None,
            };
            write_report(output, |out| match args.format {
                QueryFormat::Text => render::write_contexts(
                    out,
                    graph,
                    contexts,
                    only,
                    render::Stops::of(&session.config),
                ),
                QueryFormat::Json => render::write_contexts_json(
                    out,
                    graph,
                    contexts,
                    only,
                    render::Stops::of(&session.config),
                ),
            })?;
            Ok(EXIT_CLEAN)
        }
        Query::Graph(args) => {
            let mut picture = match &args.focus {
                Some(name) => {
                    query::neighbourhood(graph, &query::named(graph, name)?, args.depth, kinds)
                }
                None => query::whole(graph, kinds),
            };
            if let Some(max) = args.max_nodes {
                query::cap(
                    graph,
                    &mut picture,
                    usize::try_from(max).unwrap_or(usize::MAX),
                );
            }
            if let Some(omitted) = &picture.omitted {
                note(&omitted.sentence());
            }
            write_report(output, |out| match args.format {
                GraphFormat::Dot => dot::write_picture(out, graph, contexts, &picture),
                GraphFormat::Json => render::write_graph_json(out, graph, contexts, &picture),
            })?;
            Ok(EXIT_CLEAN)
        }
        Query::Suggest(_) | Query::Rules(_) | Query::Explain(_) => {
            unreachable!("main runs these without a query session")
        }
    }
}

/// The configuration `input` asks for, as the check would use it (with `--calls-only`, every
/// rule follows direct calls only); no source file is read.
fn effective_config(input: &Input) -> Result<Config, Error> {
    let mut config = config::load(&input.session_options()?.config)?;
    if input.calls_only {
        for rule in &mut config.rules {
            rule.edges = EdgeKinds::CALLS_ONLY;
        }
    }
    Ok(config)
}

fn run_rules(args: &RulesArgs, output: Option<&Path>) -> Result<u8, Error> {
    let config = effective_config(&args.input)?;
    let docs = explain::documented(&config);
    write_report(output, |out| match args.format {
        QueryFormat::Text => report::rules::write_rules(out, &config, &docs),
        QueryFormat::Json => report::rules::write_rules_json(out, &config, &docs),
    })?;
    Ok(EXIT_CLEAN)
}

fn run_explain(args: &ExplainArgs, output: Option<&Path>) -> Result<u8, Error> {
    let config = effective_config(&args.input)?;
    let docs = explain::documented(&config);
    let doc = explain::find(&docs, &args.rule)?;
    if args.format == QueryFormat::Json {
        // The example's report is a string in the JSON: never coloured.
        colored::control::set_override(false);
    }
    let example = check_example(&config, doc);
    let contexts = &config.contexts;
    write_report(output, |out| match args.format {
        QueryFormat::Text => report::rules::write_explain(out, contexts, doc, example.as_ref()),
        QueryFormat::Json => {
            report::rules::write_explain_json(out, contexts, doc, example.as_ref())
        }
    })?;
    Ok(EXIT_CLEAN)
}

/// Checks `doc`'s example, held in memory as [`explain::EXAMPLE_FILE`], with `config` (every
/// rule, as a check of that file would) and keeps the violations of `doc`'s rule, written in
/// the `human` format; none if the rule has no example.
fn check_example(config: &Config, doc: &explain::RuleDoc) -> Option<explain::Example> {
    let code = doc.example.clone()?;
    let files = [(explain::EXAMPLE_FILE.to_string(), code.as_bytes())];
    let mut session = Session::from_memory(config.clone(), &files);
    // A session in memory has no baseline or change filter that could fail.
    let outcome = session.check(&CheckOptions::default()).ok()?;
    let rules = &session.config.rules;
    let violations: Vec<Violation> = outcome
        .violations
        .into_iter()
        .filter(|violation| rules[violation.rule].name == doc.name)
        .collect();
    let report = report::Report::new(&session.graph, &session.config.contexts, rules, &violations);
    let mut text = Vec::new();
    report::Format::Human.write(&mut text, &report).ok()?;
    Some(explain::Example {
        code,
        violations: violations.len(),
        report: String::from_utf8_lossy(&text).into_owned(),
    })
}

fn run_suggest(args: &SuggestArgs, output: Option<&Path>) -> Result<u8, Error> {
    let options = args.input.session_options()?;
    if args.fix {
        return suggest_and_fix(&options, false, args.helpers);
    }
    let (session, inference) = infer_missing(&options, args.helpers)?;
    let (graph, contexts, rules) = (
        &session.graph,
        &session.config.contexts,
        &session.config.rules,
    );
    match args.format {
        SuggestFormat::Human => write_report(output, |out| {
            suggest::render::write_human(out, graph, contexts, rules, &inference)
        })?,
        SuggestFormat::Json => write_report(output, |out| {
            suggest::render::write_json(out, graph, contexts, rules, &inference)
        })?,
        SuggestFormat::Patch => {
            let (edits, errors) = suggest::edits::plan(graph, contexts, &inference.suggestions);
            for error in &errors {
                eprintln!("callcheck: cannot patch {error}");
            }
            write_report(output, |out| suggest::diff::write(out, &edits))?;
        }
    }
    let found = !inference.suggestions.is_empty() || !inference.conflicts.is_empty();
    Ok(if found { EXIT_VIOLATIONS } else { EXIT_CLEAN })
}

/// Loads the input and infers the missing contexts.
fn infer_missing(options: &Options, helpers: bool) -> Result<(Session, suggest::Inference), Error> {
    let mut session = load_session(options)?;
    print_diagnostics(&session.diagnostics);
    let inference = suggest::infer_session(&mut session, helpers);
    Ok((session, inference))
}

/// Writes the suggestions (only those forced by a rule if `forced_only`) into the files inside
/// the paths given (or the configuration's directory) and says on stderr what changed and what
/// is left. Exit status 1 if anything is left.
fn suggest_and_fix(options: &Options, forced_only: bool, helpers: bool) -> Result<u8, Error> {
    let (session, inference) = infer_missing(options, helpers)?;
    let roots = match options.paths.is_empty() {
        true => vec![session.config.root.clone()],
        false => options.paths.clone(),
    };
    let (graph, contexts) = (&session.graph, &session.config.contexts);
    let done = suggest::fix(graph, contexts, &inference, forced_only, &roots);
    for line in &done.fixed {
        eprintln!("callcheck: fixed {line}");
    }
    for line in &done.refused {
        eprintln!("callcheck: not fixed: {line}");
    }
    let (files, review) = (done.files_changed, done.left_for_review);
    eprintln!(
        "callcheck: {files} file{} changed; left for review: {review} suggestion{}{} and {} \
         conflict{} (see `callcheck suggest`)",
        plural(files),
        plural(review),
        if forced_only {
            " not forced by a rule"
        } else {
            ""
        },
        done.conflicts,
        plural(done.conflicts),
    );
    Ok(if done.left() {
        EXIT_VIOLATIONS
    } else {
        EXIT_CLEAN
    })
}

/// Writes the report through a buffer, to `output` if given (`--output FILE`), else to stdout;
/// a closed pipe (`| head`) is not an error.
fn write_report(
    output: Option<&Path>,
    write: impl FnOnce(&mut Box<dyn Write>) -> io::Result<()>,
) -> Result<(), Error> {
    // An error names the file written, whether opening it or writing it failed (a full disk).
    let in_file = |error: io::Error| match output {
        Some(path) => io::Error::new(error.kind(), format!("{}: {error}", path.display())),
        None => error,
    };
    let sink: Box<dyn Write> = match output {
        Some(path) => Box::new(File::create(path).map_err(|error| Error::Output(in_file(error)))?),
        None => Box::new(io::stdout().lock()),
    };
    let mut out: Box<dyn Write> = Box::new(io::BufWriter::new(sink));
    match write(&mut out).and_then(|()| out.flush()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            Err(Error::Output(in_file(error)))
        }
        _ => Ok(()),
    }
}

/// `"s"` unless `count` is 1.
fn plural(count: usize) -> &'static str {
    if count == 1 { "" } else { "s" }
}
