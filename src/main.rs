//! The `callcheck` command line: wires the arguments to the stages of the library.

use callcheck::check::check_with_steps;
use callcheck::context::qemu_block;
use callcheck::extract::Markers;
use callcheck::graph::{EdgeKinds, Graph};
use callcheck::report::{write_json, write_text};
use callcheck::source::{SourceFile, read_sources};
use clap::{Parser, ValueEnum};
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Exit status when no rule is broken.
const EXIT_CLEAN: u8 = 0;
/// Exit status when at least one violation was reported.
const EXIT_VIOLATIONS: u8 = 1;
/// Exit status for usage errors, unreadable input and internal errors.
const EXIT_ERROR: u8 = 2;

/// How many unbalanced-brace warnings are printed one by one before they are summarised.
const BRACE_WARNINGS_SHOWN: usize = 5;

const ABOUT: &str = "Check call contexts in C code: report every function that can reach, \
however indirectly, a function whose context its own context forbids.";

const LONG_ABOUT: &str = "\
Check call contexts in C code: report every function that can reach, however indirectly, a \
function whose context its own context forbids.

A function's context is a marker macro invoked in its body. By default these are QEMU's block \
layer markers, checked as check_calls.py did:
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
    /// C files and directories to check. Directories are walked for *.c and *.h files,
    /// honouring .gitignore and skipping hidden entries; named files are always read.
    #[arg(value_name = "PATH", default_value = ".")]
    paths: Vec<PathBuf>,

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
    for path in &cli.paths {
        if let Err(error) = std::fs::metadata(path) {
            return Err(format!("{}: {error}", path.display()));
        }
    }
    let (contexts, rules) = qemu_block();
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
    let sources = read_sources(&cli.paths, threads, &Markers::new(&contexts));
    let read_time = started.elapsed();
    for error in &sources.errors {
        eprintln!("callcheck: skipped {}: {}", error.path, error.reason);
    }
    warn_unbalanced(&sources.files);
    if sources.files.is_empty() {
        let paths: Vec<_> = cli.paths.iter().map(|p| p.display().to_string()).collect();
        return Err(format!("no C files found in {}", paths.join(" ")));
    }

    let kinds = if cli.calls_only {
        EdgeKinds::CallsOnly
    } else {
        EdgeKinds::CallsAndReferences
    };
    let started = Instant::now();
    let graph = Graph::build(sources.files, kinds);
    let graph_time = started.elapsed();
    let started = Instant::now();
    let (violations, steps) = check_with_steps(&graph, &contexts, &rules);
    let check_time = started.elapsed();
    let started = Instant::now();

    let mut out = io::BufWriter::new(io::stdout().lock());
    let written = match cli.format {
        Format::Text => write_text(&mut out, &graph, &contexts, &violations),
        Format::Json => write_json(&mut out, &graph, &contexts, &violations, &graph.stats()),
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
             unresolved calls: {}\nviolations: {}\ntraversal steps: {}\n\
             time: read+extract {:.1} ms, graph {:.1} ms, check {:.1} ms, report {:.1} ms",
            stats.files,
            stats.functions,
            stats.calls,
            stats.references,
            stats.unresolved_calls,
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

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// Warns about files whose braces did not balance, where extraction may be incomplete.
fn warn_unbalanced(files: &[SourceFile]) {
    let unbalanced: Vec<String> = files
        .iter()
        .filter_map(|file| {
            let extracted = &file.functions;
            let mut problems = Vec::new();
            if let Some(open) = extracted.unclosed {
                problems.push(format!(
                    "{} unclosed brace{} from line {}",
                    open.count,
                    if open.count == 1 { "" } else { "s" },
                    open.line
                ));
            }
            if let Some(&line) = extracted.stray_closing_braces.first() {
                problems.push(format!("unmatched '}}' at line {line}"));
            }
            (!problems.is_empty()).then(|| {
                format!(
                    "extraction may be incomplete in {}: {}",
                    file.path,
                    problems.join(", ")
                )
            })
        })
        .collect();
    for warning in unbalanced.iter().take(BRACE_WARNINGS_SHOWN) {
        eprintln!("callcheck: warning: {warning}");
    }
    if unbalanced.len() > BRACE_WARNINGS_SHOWN {
        eprintln!(
            "callcheck: warning: {} more files with unbalanced braces",
            unbalanced.len() - BRACE_WARNINGS_SHOWN
        );
    }
}
