//! The `callcheck` command line: wires the arguments to the stages of the library.

use callcheck::check::check_with_steps;
use callcheck::config::{self, Config, ConfigRequest};
use callcheck::context::EdgeKinds;
use callcheck::diagnostics::{extraction_warnings, summarised};
use callcheck::extract::Recognizer;
use callcheck::graph::Graph;
use callcheck::report::{write_json, write_text};
use callcheck::source::{ReadOptions, read_sources};
use clap::{Parser, ValueEnum};
use ignore::overrides::{Override, OverrideBuilder};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Exit status when no rule is broken.
const EXIT_CLEAN: u8 = 0;
/// Exit status when at least one violation was reported.
const EXIT_VIOLATIONS: u8 = 1;
/// Exit status for usage errors, unreadable input and internal errors.
const EXIT_ERROR: u8 = 2;

const ABOUT: &str = "Check call contexts in C code: report every function that can reach, \
however indirectly, a function whose context its own context forbids.";

const LONG_ABOUT: &str = "\
Check call contexts in C code: report every function that can reach, however indirectly, a \
function whose context its own context forbids.

A function's context is a marker macro invoked in its body. By default these are QEMU's block \
layer recognizer, checked as check_calls.py did:
  IO_CODE()        must not reach GLOBAL_STATE_CODE() nor IO_OR_GS_CODE()
  IO_OR_GS_CODE()  must not reach GLOBAL_STATE_CODE()

A path counts calls (f(...)) and references (a function named without being called, such as a \
callback handed to a scheduler); --calls-only keeps only calls. Each violation is shown with a \
shortest path as proof.";

const AFTER_HELP: &str = "\
Exit status: 0 no violation, 1 violations found, 2 usage error, nothing readable or internal \
error. Unreadable files are reported on stderr and the rest is still checked.

Examples:
  callcheck block.c block/ include/block/      check QEMU's block layer
  callcheck --format json src/ | jq .summary   machine-readable report
  callcheck --calls-only .                     ignore functions passed as callbacks";

/// Output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Format {
    /// check_calls.py's text: one `Error:` line and one path line per violation.
    Text,
    /// One JSON document with every violation, its path and a summary.
    Json,
}

#[derive(Debug, Parser)]
#[command(name = "callcheck", version, about = ABOUT, long_about = LONG_ABOUT, after_help = AFTER_HELP)]
struct Cli {
    /// C files and directories to check [default: the configuration's `paths`, else .].
    /// Directories are walked for *.c and *.h files, honouring .gitignore and skipping hidden
    /// entries; named files are always read.
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Configuration file [default: callcheck.toml or .callcheck.toml here or in the nearest
    /// parent directory; with none, the qemu-block preset].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// Built-in preset of contexts and rules: qemu-block (check_calls.py's), qemu-coroutine,
    /// qemu (both). Replaces the configuration file's `preset`.
    #[arg(long, value_name = "NAME")]
    preset: Option<String>,

    /// Print the effective configuration (presets included) as TOML and exit.
    #[arg(long)]
    print_config: bool,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,

    /// Follow direct calls only, not functions mentioned without a call (callbacks).
    #[arg(long)]
    calls_only: bool,

    /// Print counts (files, functions, edges by kind, unresolved calls) and the time of each
    /// stage on stderr.
    #[arg(long)]
    stats: bool,

    /// Skip files larger than SIZE (bytes, or with a K, M or G suffix), with a warning.
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    max_file_size: u64,

    /// Follow symbolic links while walking directories (link loops are reported and skipped).
    #[arg(short = 'L', long)]
    follow: bool,

    /// Exit with status 0, not 2, when no C file is found (for hooks run on any change).
    #[arg(long)]
    allow_empty: bool,

    /// Threads for reading and extracting files [default: number of CPUs].
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    threads: Option<u16>,
}

fn main() -> ExitCode {
    install_panic_handler();
    let cli = Cli::parse();
    match run(&cli) {
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

fn run(cli: &Cli) -> Result<u8, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    let mut config = config::load(&ConfigRequest {
        file: cli.config.clone(),
        preset: cli.preset.clone(),
        start: cwd.clone(),
    })
    .map_err(|e| e.to_string())?;
    if cli.print_config {
        print!("{}", config.effective);
        return Ok(EXIT_CLEAN);
    }
    if cli.calls_only {
        for rule in &mut config.rules {
            rule.edges = EdgeKinds::CallsOnly;
        }
    }
    let paths = if cli.paths.is_empty() {
        let root = config.root.clone();
        let relative = |p: &PathBuf| match () {
            _ if root == cwd => p.clone(),
            _ if p == Path::new(".") => root.clone(),
            _ => root.join(p),
        };
        config.paths.iter().map(relative).collect()
    } else {
        cli.paths.clone()
    };
    for path in &paths {
        if let Err(error) = std::fs::metadata(path) {
            return Err(format!("{}: {error}", path.display()));
        }
    }
    let exclude = exclusions(&config)?;
    let (contexts, rules) = (&config.contexts, &config.rules);
    let threads = cli.threads.map_or_else(
        || std::thread::available_parallelism().map_or(1, |n| n.get()),
        usize::from,
    );
    let started = Instant::now();
    // The graph stage's parallel parts run on rayon's pool; it gets the same number of threads.
    // Building the global pool fails only if it was built before, which this is the one place of.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
    let options = ReadOptions {
        threads,
        max_file_size: cli.max_file_size,
        follow_links: cli.follow,
        exclude,
    };
    let sources = read_sources(&paths, &options, &Recognizer::new(contexts));
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
        if cli.allow_empty && sources.errors.is_empty() {
            eprintln!("callcheck: {message}");
            return Ok(EXIT_CLEAN);
        }
        return Err(message);
    }

    let kinds = if rules.iter().all(|r| r.edges == EdgeKinds::CallsOnly) {
        EdgeKinds::CallsOnly
    } else {
        EdgeKinds::CallsAndReferences
    };
    let started = Instant::now();
    let graph = Graph::build(sources.files, kinds);
    let graph_time = started.elapsed();
    let started = Instant::now();
    let (violations, steps) = check_with_steps(&graph, contexts, rules);
    let check_time = started.elapsed();
    let started = Instant::now();

    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = match cli.format {
        Format::Text => write_text(&mut out, &graph, contexts, rules, &violations),
        Format::Json => write_json(
            &mut out,
            &graph,
            contexts,
            rules,
            &violations,
            &graph.stats(),
        ),
    }
    .and_then(|()| out.flush());
    match written {
        Err(error) if error.kind() != io::ErrorKind::BrokenPipe => {
            return Err(format!("cannot write the report: {error}"));
        }
        _ => {}
    }
    if cli.stats {
        let stats = graph.stats();
        eprintln!(
            "files: {}\nfunctions: {}\ncall edges: {}\nreference edges: {}\n\
             unresolved calls: {}\ncontexts from prototypes only: {}\nviolations: {}\n\
             traversal steps: {}\n\
             time: read+extract {:.1} ms, graph {:.1} ms, check {:.1} ms, report {:.1} ms",
            stats.files,
            stats.functions,
            stats.calls,
            stats.references,
            stats.unresolved_calls,
            stats.contexts_from_prototypes,
            violations.len(),
            steps,
            millis(read_time),
            millis(graph_time),
            millis(check_time),
            millis(started.elapsed()),
        );
    }
    Ok(if violations.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_VIOLATIONS
    })
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

/// Parses a size such as `1048576`, `512K`, `64M`, `2G` (powers of 1024; a trailing `B` or
/// `iB` is allowed).
fn parse_size(text: &str) -> Result<u64, String> {
    let upper = text.trim().to_ascii_uppercase();
    let number = upper
        .strip_suffix("IB")
        .or_else(|| upper.strip_suffix('B'))
        .unwrap_or(&upper);
    let (digits, shift) = match number.chars().last() {
        Some('K') => (&number[..number.len() - 1], 10),
        Some('M') => (&number[..number.len() - 1], 20),
        Some('G') => (&number[..number.len() - 1], 30),
        _ => (number, 0),
    };
    let value: u64 = digits
        .trim()
        .parse()
        .map_err(|_| format!("'{text}' is not a size such as 1048576, 512K, 64M or 2G"))?;
    value
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("'{text}' is too large"))
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

#[cfg(test)]
mod tests {
    use super::parse_size;

    #[test]
    fn sizes_parse_with_suffixes() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("2gb"), Ok(2 << 30));
        assert!(parse_size("big").is_err());
        assert!(parse_size("-1").is_err());
        assert!(parse_size("99999999999G").is_err());
    }
}
