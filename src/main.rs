//! The `callcheck` command line: wires the arguments to the stages of the library.

mod cli;

use callcheck::baseline::Baseline;
use callcheck::changes::{self, FileFilter};
use callcheck::check::{Violation, check_with_steps};
use callcheck::config::{self, Config, ConfigRequest};
use callcheck::diagnostics::{extraction_warnings, summarised};
use callcheck::graph::{BuildOptions, Graph};
use callcheck::model::{EdgeKinds, NodeId, UseKind};
use callcheck::query::{self, Direction};
use callcheck::report::{self, Report};
use callcheck::source::{ReadOptions, read_sources};
use callcheck::suppress::Suppressions;
use clap::Parser;
use cli::{CheckFormat, Cli, Color, GraphFormat, Input, Query, QueryFormat};
use ignore::overrides::{Override, OverrideBuilder};
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Exit status when no rule is broken (or a query found what it looked for).
const EXIT_CLEAN: u8 = 0;
/// Exit status when at least one violation was reported (or a path query found none).
const EXIT_VIOLATIONS: u8 = 1;
/// Exit status for usage errors, unreadable input and internal errors.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    install_panic_handler();
    let cli = Cli::parse();
    set_color(cli.color);
    let outcome = match &cli.query {
        None => run_check(&cli),
        Some(query) => run_query(query),
    };
    match outcome {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("callcheck: {message}");
            ExitCode::from(EXIT_ERROR)
        }
    }
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

fn set_color(color: Color) {
    let on = match color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => std::env::var_os("NO_COLOR").is_none() && io::stdout().is_terminal(),
    };
    colored::control::set_override(on);
}

/// The configuration and the graph of the files read, with what reading took.
struct Loaded {
    config: Config,
    graph: Graph,
    read_time: Duration,
    graph_time: Duration,
}

/// The configuration the input asks for, and the current directory it was looked for from.
fn load_config(input: &Input) -> Result<(Config, PathBuf), String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let config = config::load(&ConfigRequest {
        file: input.config.clone(),
        preset: input.preset.clone(),
        start: cwd.clone(),
    })
    .map_err(|e| e.to_string())?;
    Ok((config, cwd))
}

/// The uses that are edges: direct calls only with `--calls-only`, else the kinds the
/// configuration and its rules ask for.
fn edge_kinds(input: &Input, config: &Config) -> EdgeKinds {
    if input.calls_only {
        EdgeKinds::CALLS_ONLY
    } else {
        config.edges
    }
}

/// Loads the configuration, reads the files and builds the graph. `Ok(Err(code))` means there
/// was nothing to read and the caller should exit with `code`.
fn load(input: &Input, allow_empty: bool) -> Result<Result<Loaded, u8>, String> {
    let (mut config, cwd) = load_config(input)?;
    if input.calls_only {
        for rule in &mut config.rules {
            rule.edges = EdgeKinds::CALLS_ONLY;
        }
    }
    let paths = if input.paths.is_empty() {
        let root = config.root.clone();
        let relative = |p: &PathBuf| match () {
            _ if root == cwd => p.clone(),
            _ if p == Path::new(".") => root.clone(),
            _ => root.join(p),
        };
        config.paths.iter().map(relative).collect()
    } else {
        input.paths.clone()
    };
    for path in &paths {
        if let Err(error) = std::fs::metadata(path) {
            return Err(format!("{}: {error}", path.display()));
        }
    }
    let threads = input.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    // The graph stage's parallel parts run on rayon's pool; it gets the same number of threads.
    // Building the global pool fails only if it was built before, which this is the one place of.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let options = ReadOptions {
        threads,
        max_file_size: input.max_file_size,
        follow_links: input.follow,
        exclude: exclusions(&config)?,
    };
    let started = Instant::now();
    // Extraction records only what the graph will use.
    let kinds = edge_kinds(input, &config);
    let recognizer = config.recognizer(kinds);
    let sources = read_sources(&paths, &options, &recognizer);
    let read_time = started.elapsed();
    for error in &sources.errors {
        eprintln!("callcheck: skipped {}: {}", error.path, error.reason);
    }
    for warning in summarised(extraction_warnings(&sources.files)) {
        eprintln!("callcheck: warning: {warning}");
    }
    if sources.files.is_empty() {
        let paths: Vec<_> = paths.iter().map(|p| p.display().to_string()).collect();
        let message = format!("no C files found in {}", paths.join(" "));
        if allow_empty && sources.errors.is_empty() {
            eprintln!("callcheck: {message}");
            return Ok(Err(EXIT_CLEAN));
        }
        return Err(message);
    }
    let started = Instant::now();
    let build = BuildOptions::configured(kinds, &recognizer, &config.wrappers);
    let graph = Graph::build(sources.files, &build);
    Ok(Ok(Loaded {
        config,
        graph,
        read_time,
        graph_time: started.elapsed(),
    }))
}

fn run_check(cli: &Cli) -> Result<u8, String> {
    if cli.print_config {
        let (config, _) = load_config(&cli.input)?;
        print!("{}", config.effective);
        return Ok(EXIT_CLEAN);
    }
    let loaded = match load(&cli.input, cli.allow_empty)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let Loaded {
        config,
        mut graph,
        read_time,
        graph_time,
    } = loaded;
    let contexts = &config.contexts;
    let started = Instant::now();
    let mut suppressions = Suppressions::collect(&graph, &config);
    let cut = suppressions.cut_edges(&mut graph);
    let (violations, steps) = check_with_steps(&graph, contexts, &config.rules);
    let (violations, suppressed) = suppressions.allow(contexts, violations);
    let check_time = started.elapsed();
    for warning in &suppressions.warnings {
        eprintln!("callcheck: warning: {warning}");
    }
    let stale: Vec<String> = suppressions
        .stale()
        .map(|s| {
            format!(
                "stale suppression at {}: {} no longer suppresses anything",
                s.location, s.what
            )
        })
        .collect();
    let severity = if cli.strict { "error" } else { "warning" };
    for message in &stale {
        eprintln!("callcheck: {severity}: {message}");
    }

    let report = Report {
        graph: &graph,
        contexts,
        rules: &config.rules,
        violations: &violations,
    };
    if let Some(path) = &cli.write_baseline {
        let baseline = Baseline::of(&report);
        baseline.write(path)?;
        eprintln!(
            "callcheck: wrote {} violation{} to {}",
            baseline.violations.len(),
            if baseline.violations.len() == 1 {
                ""
            } else {
                "s"
            },
            path.display()
        );
        return Ok(EXIT_CLEAN);
    }
    let mut shown: Vec<Violation> = match &cli.baseline {
        Some(path) => {
            let baseline = Baseline::read(path)?;
            let (new, fixed) = baseline.compare(&report);
            eprintln!(
                "callcheck: baseline {}: {} known violation{} not reported, {fixed} fixed since",
                path.display(),
                violations.len() - new.len(),
                if violations.len() - new.len() == 1 {
                    ""
                } else {
                    "s"
                },
            );
            new.into_iter().map(|i| violations[i].clone()).collect()
        }
        None => violations.clone(),
    };
    let changed = match &cli.changed_since {
        Some(rev) => Some(changes::changed_since(rev)?),
        None if !cli.report_files.is_empty() => Some(cli.report_files.clone()),
        None => None,
    };
    if let Some(files) = changed {
        let mut filter = FileFilter::new(&files);
        shown.retain(|v| filter.touches(&graph, v));
    }

    let started = Instant::now();
    let report = Report {
        violations: &shown,
        ..report
    };
    write_stdout(|out| match cli.format {
        CheckFormat::Text => report::text::write(out, &report),
        CheckFormat::Human => report::human::write(out, &report, &suppressed, &suppressions),
        CheckFormat::Gcc => report::gcc::write(out, &report),
        CheckFormat::Json => report::json::write(out, &report, &graph.stats()),
        CheckFormat::Sarif => report::sarif::write(out, &report),
        CheckFormat::Dot => report::dot::write(out, &report),
    })?;
    if cli.stats {
        let stats = graph.stats();
        eprintln!(
            "files: {}\nfunctions: {}\ngenerated functions: {}\ncallback fields: {}\n\
             call edges: {}\nreference edges: {}\nfield edges: {}\nmacro edges: {}\n\
             generated edges: {}\n\
             unresolved calls: {}\ncontexts from prototypes only: {}\nviolations: {}\n\
             suppressed: {} violations by allow, {} edges cut, {} stale\n\
             traversal steps: {}\n\
             time: read+extract {:.1} ms, graph {:.1} ms, check {:.1} ms, report {:.1} ms",
            stats.files,
            stats.functions,
            stats.generated_functions,
            stats.fields,
            stats.edges_of(UseKind::Call),
            stats.edges_of(UseKind::Reference),
            stats.edges_of(UseKind::Field),
            stats.edges_of(UseKind::Macro),
            stats.edges_of(UseKind::Generated),
            stats.unresolved_calls,
            stats.contexts_from_prototypes,
            shown.len(),
            suppressed.len(),
            cut,
            stale.len(),
            steps,
            millis(read_time),
            millis(graph_time),
            millis(check_time),
            millis(started.elapsed()),
        );
    }
    let stale_fails = cli.strict && !stale.is_empty();
    Ok(if shown.is_empty() && !stale_fails {
        EXIT_CLEAN
    } else {
        EXIT_VIOLATIONS
    })
}

fn run_query(query: &Query) -> Result<u8, String> {
    let input = match query {
        Query::Callers(args) | Query::Callees(args) => &args.input,
        Query::Path(args) => &args.input,
        Query::Contexts(args) => &args.input,
        Query::Graph(args) => &args.input,
    };
    let loaded = match load(input, false)? {
        Ok(loaded) => loaded,
        Err(code) => return Ok(code),
    };
    let (graph, contexts) = (&loaded.graph, &loaded.config.contexts);
    let kinds = edge_kinds(input, &loaded.config);
    let named = |name: &str| -> Result<Vec<NodeId>, String> {
        let nodes = query::named(graph, name);
        if nodes.is_empty() {
            return Err(format!("no function named {name}() in the files read"));
        }
        Ok(nodes)
    };
    match query {
        Query::Callers(args) | Query::Callees(args) => {
            let direction = match query {
                Query::Callers(_) => Direction::Callers,
                _ => Direction::Callees,
            };
            let lines = query::tree(graph, &named(&args.name)?, direction, args.depth, kinds);
            write_stdout(|out| match args.format {
                QueryFormat::Text => query::write_tree(out, graph, &lines, direction),
                QueryFormat::Json => query::write_tree_json(out, graph, contexts, &lines),
            })?;
            Ok(EXIT_CLEAN)
        }
        Query::Path(args) => {
            let (from, to) = (named(&args.from)?, named(&args.to)?);
            let Some(path) = query::shortest_path(graph, &from, &to, kinds) else {
                write_stdout(|out| match args.format {
                    QueryFormat::Text => {
                        writeln!(out, "no call path from {}() to {}()", args.from, args.to)
                    }
                    QueryFormat::Json => writeln!(out, "{{\"path\":null}}"),
                })?;
                return Ok(EXIT_VIOLATIONS);
            };
            write_stdout(|out| match args.format {
                QueryFormat::Text => query::write_path(out, graph, &path),
                QueryFormat::Json => query::write_path_json(out, graph, contexts, &path),
            })?;
            Ok(EXIT_CLEAN)
        }
        Query::Contexts(args) => {
            let only = match &args.context {
                Some(name) => Some(
                    contexts
                        .by_name(name)
                        .ok_or_else(|| format!("no context named {name} in the configuration"))?,
                ),
                None => None,
            };
            write_stdout(|out| match args.format {
                QueryFormat::Text => query::write_contexts(out, graph, contexts, only),
                QueryFormat::Json => query::write_contexts_json(out, graph, contexts, only),
            })?;
            Ok(EXIT_CLEAN)
        }
        Query::Graph(args) => {
            let picture = match &args.focus {
                Some(name) => query::neighbourhood(graph, &named(name)?, args.depth, kinds),
                None => query::whole(graph, kinds),
            };
            write_stdout(|out| match args.format {
                GraphFormat::Dot => report::dot::write_picture(out, graph, contexts, &picture),
                GraphFormat::Json => query::write_graph_json(out, graph, contexts, &picture),
            })?;
            Ok(EXIT_CLEAN)
        }
    }
}

/// Writes to stdout through a buffer; a closed pipe (`| head`) is not an error.
fn write_stdout(
    write: impl FnOnce(&mut io::BufWriter<io::StdoutLock<'static>>) -> io::Result<()>,
) -> Result<(), String> {
    let mut out = io::BufWriter::new(io::stdout().lock());
    match write(&mut out).and_then(|()| out.flush()) {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            Err(format!("cannot write the report: {error}"))
        }
        _ => Ok(()),
    }
}

/// The walk's exclusions: the configuration's `exclude` globs, relative to its directory.
fn exclusions(config: &Config) -> Result<Option<Override>, String> {
    if config.exclude.is_empty() {
        return Ok(None);
    }
    let mut builder = OverrideBuilder::new(&config.root);
    for glob in &config.exclude {
        builder.add(&format!("!{glob}")).map_err(|e| {
            let file = config
                .file
                .as_ref()
                .map_or_else(String::new, |f| format!("{}: ", f.display()));
            format!("{file}invalid exclude glob `{glob}`: {e}")
        })?;
    }
    builder.build().map(Some).map_err(|e| e.to_string())
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}
