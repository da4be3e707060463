//! callcheck's benchmark: `cargo run --release --example bench -- [OPTIONS] [ROOT]...`
//!
//! For each input (a synthetic tree at 1x, 2x and 4x its base size, every ROOT given, and the
//! real QEMU and Linux trees under `--corpus` when they are there) it prints the counts, the wall
//! time of each stage as the median of N runs, the total, the peak RSS and the throughput, and
//! the time of the peers run on the same files in the same invocation: ripgrep (the floor for a
//! tool that must read every byte) and the Python stand-in for check_calls.py.
//!
//! Every measured run is a fresh process (this binary in a hidden child mode), so peak RSS is
//! per run and nothing stays cached in the process between runs. The page cache is warmed by one
//! untimed run first. The run with the extraction cache (`--cache`) is timed after one untimed
//! run has filled a cache in a fresh temporary directory: a run after a change that touches no
//! file, the floor of a run after a small one.

mod scan;
mod synthetic;

use callcheck::config::{self, ConfigRequest};
use callcheck::graph::Graph;
use callcheck::report::Format;
use callcheck::session::{self, CheckOptions, Session};
use callcheck::source::{ReadOptions, read_only};
use clap::Parser;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The allocator the `callcheck` binary uses, so that the child runs measure what users run.
#[cfg(feature = "mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A peer run that takes longer than this is run once only.
const SLOW_PEER: Duration = Duration::from_secs(3);

#[derive(Debug, Parser)]
#[command(about = "Benchmark callcheck against ripgrep and the Python stand-in for check_calls.py")]
struct Options {
    /// Extra trees to benchmark (each checked whole).
    roots: Vec<PathBuf>,

    /// Runs per measurement; the median is shown.
    #[arg(long, default_value_t = 5)]
    runs: usize,

    /// Functions in the 1x synthetic tree (2x and 4x are built too); 0 for none.
    #[arg(long, default_value_t = 50_000)]
    synthetic: usize,

    /// Where the real trees are: `qemu-7.2`, `qemu-10.0` and `linux-6.1`, each measured if
    /// present [default: $HOME/.cache/callcheck-corpus].
    #[arg(long, value_name = "DIR")]
    corpus: Option<PathBuf>,

    /// The Python stand-in for check_calls.py.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,

    /// Skip the Python stand-in (it takes 15-25 s per whole QEMU tree).
    #[arg(long)]
    no_python: bool,

    /// Threads for callcheck [default: number of CPUs].
    #[arg(short = 'j', long)]
    threads: Option<usize>,

    /// Check with this built-in preset, as `callcheck --preset NAME` does.
    #[arg(long, value_name = "NAME", default_value = callcheck::config::DEFAULT_PRESET)]
    preset: String,

    /// Internal: run one measured pass in this process and print its figures.
    #[arg(long, hide = true, value_name = "MODE")]
    child: Option<String>,

    /// Also time the tokenizer and extraction over each input held in memory, and read+extract
    /// from disk, all on one thread, as a second table.
    #[arg(long)]
    scanner: bool,

    /// Only that second table: skip the whole-pipeline runs and the peers.
    #[arg(long)]
    scanner_only: bool,

    /// Internal: the extraction cache directory of the child pass, if it uses one.
    #[arg(long, hide = true, value_name = "DIR")]
    cache_dir: Option<PathBuf>,

    /// Internal: the paths of the child pass.
    #[arg(long, hide = true, num_args = 1..)]
    paths: Vec<PathBuf>,
}

/// One thing to benchmark: paths relative to a directory.
struct Input {
    label: String,
    dir: PathBuf,
    paths: Vec<PathBuf>,
}

/// The figures of one input.
#[derive(Default)]
struct Row {
    label: String,
    files: u64,
    bytes: u64,
    functions: u64,
    edges: u64,
    violations: u64,
    walk_read: f64,
    lex_extract: f64,
    /// The part of `lex_extract` spent reading again the bodies the rules reach.
    read_again: f64,
    graph: f64,
    check: f64,
    report: f64,
    total: f64,
    peak_rss_mib: f64,
    /// The total and peak RSS of a run that takes every file from the extraction cache.
    cached: (f64, f64),
    ripgrep: Option<f64>,
    python: Option<(f64, f64)>,
}

fn main() {
    let options = Options::parse();
    let threads = options
        .threads
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    if let Some(mode) = &options.child {
        let cache_dir = options.cache_dir.clone();
        child(mode, (&options.paths, cache_dir), threads, &options.preset);
        return;
    }
    let inputs = match inputs(&options) {
        Ok(inputs) => inputs,
        Err(error) => {
            eprintln!("bench: {error}");
            std::process::exit(2);
        }
    };
    let baseline = options.baseline.clone().unwrap_or_else(|| {
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/anchors/check_calls_baseline.py")
    });
    let ripgrep = Command::new("rg").arg("--version").output().is_ok();
    if !ripgrep {
        eprintln!(
            "bench: ripgrep (rg) not found: its column stays empty (apt-get install ripgrep)"
        );
    }
    let python = !options.no_python && baseline.exists();
    let excluded = config::preset(&options.preset)
        .map(|preset| preset.exclude)
        .unwrap_or_default();
    let mut rows = Vec::new();
    if !options.scanner_only {
        for input in &inputs {
            eprintln!("bench: measuring {} ...", input.label);
            let mut row = measure(input, options.runs, threads, &options.preset);
            if ripgrep {
                // The files the check reads: the preset's `exclude` globs left out too.
                let mut rg = Command::new("rg");
                rg.args(["-c", "-w", "GLOBAL_STATE_CODE", "-g", "*.[ch]"]);
                for glob in &excluded {
                    rg.args(["-g", &format!("!{glob}")]);
                }
                rg.args(&input.paths);
                row.ripgrep = Some(peer(rg, &input.dir, options.runs).0);
            }
            if python {
                let mut py = Command::new("python3");
                py.arg(&baseline).args(&input.paths);
                row.python = Some(peer(py, &input.dir, options.runs));
            }
            rows.push(row);
        }
    }
    // The in-memory table comes last: Linux counts a child's peak RSS from the fork, so the
    // processes above must start from this one before it holds whole trees.
    let mut scan_rows = Vec::new();
    if options.scanner || options.scanner_only {
        for input in &inputs {
            eprintln!("bench: scanning {} in memory ...", input.label);
            let (label, dir, paths) = (&input.label, &input.dir, &input.paths);
            scan_rows.push(scan::measure(
                label,
                dir,
                paths,
                options.runs,
                &options.preset,
            ));
        }
    }
    if !rows.is_empty() {
        print_tables(&rows, threads, options.runs);
    }
    scan::print(&scan_rows);
}

/// The inputs: synthetic trees, the roots given, and the corpus trees present.
fn inputs(options: &Options) -> std::io::Result<Vec<Input>> {
    let mut inputs = Vec::new();
    if options.synthetic > 0 {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-synthetic");
        for factor in [1, 2, 4] {
            let dir = synthetic::tree(&root, options.synthetic * factor)?;
            inputs.push(Input {
                label: format!(
                    "synthetic {factor}x ({}k fns)",
                    options.synthetic * factor / 1000
                ),
                dir,
                paths: vec![PathBuf::from(".")],
            });
        }
    }
    for root in &options.roots {
        inputs.push(Input {
            label: root.display().to_string(),
            dir: root.clone(),
            paths: vec![PathBuf::from(".")],
        });
    }
    let corpus = options.corpus.clone().or_else(|| {
        std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache/callcheck-corpus"))
    });
    if let Some(corpus) = corpus {
        let block_layer = [
            "block.c",
            "block",
            "blockjob.c",
            "job.c",
            "blockdev.c",
            "include/block",
        ];
        let trees: [(&str, &str, &[&str]); 4] = [
            ("QEMU 7.2 block layer", "qemu-7.2", &block_layer),
            ("QEMU 7.2 whole", "qemu-7.2", &["."]),
            ("QEMU 10.0 whole", "qemu-10.0", &["."]),
            ("Linux 6.1 whole", "linux-6.1", &["."]),
        ];
        for (label, dir, paths) in trees {
            let dir = corpus.join(dir);
            if dir.exists() {
                inputs.push(Input {
                    label: label.to_string(),
                    dir,
                    paths: paths.iter().map(PathBuf::from).collect(),
                });
            }
        }
    }
    Ok(inputs)
}

/// Runs the child passes `runs` times each (after one warm-up) and takes the medians.
fn measure(input: &Input, runs: usize, threads: usize, preset: &str) -> Row {
    let child = |mode: &str| {
        let mut command = Command::new(std::env::current_exe().expect("own path"));
        command
            .args([
                "--child",
                mode,
                "-j",
                &threads.to_string(),
                "--preset",
                preset,
            ])
            .arg("--paths")
            .args(&input.paths);
        command
    };
    let _ = run(child("check"), &input.dir);
    let read: Vec<Figures> = (0..runs).map(|_| run(child("read"), &input.dir)).collect();
    let full: Vec<Figures> = (0..runs).map(|_| run(child("check"), &input.dir)).collect();
    let cache = tempfile::tempdir().expect("a temporary directory");
    let cached = || {
        let mut command = child("check");
        command.arg("--cache-dir").arg(cache.path());
        command
    };
    let _ = run(cached(), &input.dir);
    let cached: Vec<Figures> = (0..runs).map(|_| run(cached(), &input.dir)).collect();
    // A file modified in the last two seconds is never stored: such a run is not all hits.
    let misses = cached
        .iter()
        .filter(|f| f.get("cached_files") < f.get("files"));
    if misses.count() > 0 {
        eprintln!(
            "bench: {}: some files were not taken from the cache",
            input.label
        );
    }
    let median_of = |figures: &[Figures], key: &str| median(figures.iter().map(|f| f.get(key)));
    let walk_read = median_of(&read, "read");
    let read_extract = median_of(&full, "read_extract");
    let last = full.last().expect("at least one run");
    Row {
        label: input.label.clone(),
        files: last.get("files") as u64,
        bytes: last.get("bytes") as u64,
        functions: last.get("functions") as u64,
        edges: last.get("edges") as u64,
        violations: last.get("violations") as u64,
        walk_read,
        lex_extract: (read_extract - walk_read).max(0.0),
        read_again: median_of(&full, "read_again"),
        graph: median_of(&full, "graph"),
        check: median_of(&full, "check"),
        report: median_of(&full, "report"),
        total: median(full.iter().map(|f| f.wall)),
        peak_rss_mib: full.iter().map(|f| f.peak_rss_mib).fold(0.0, f64::max),
        cached: (
            median(cached.iter().map(|f| f.wall)),
            cached.iter().map(|f| f.peak_rss_mib).fold(0.0, f64::max),
        ),
        ..Row::default()
    }
}

/// Times a peer: the median wall time in ms (one run if it is slow) and its peak RSS in MiB.
fn peer(mut command: Command, dir: &Path, runs: usize) -> (f64, f64) {
    command.stdout(Stdio::null()).stderr(Stdio::null());
    let first = run(clone_command(&command), dir);
    if Duration::from_secs_f64(first.wall / 1000.0) > SLOW_PEER {
        return (first.wall, first.peak_rss_mib);
    }
    let figures: Vec<Figures> = (0..runs)
        .map(|_| run(clone_command(&command), dir))
        .collect();
    let rss = figures.iter().map(|f| f.peak_rss_mib).fold(0.0, f64::max);
    (median(figures.iter().map(|f| f.wall)), rss)
}

fn clone_command(command: &Command) -> Command {
    let mut copy = Command::new(command.get_program());
    copy.args(command.get_args());
    copy.stdout(Stdio::null()).stderr(Stdio::null());
    copy
}

/// What one process printed (`key=value` pairs), its wall time in ms and its peak RSS in MiB.
struct Figures {
    values: Vec<(String, f64)>,
    wall: f64,
    peak_rss_mib: f64,
}

impl Figures {
    fn get(&self, key: &str) -> f64 {
        self.values
            .iter()
            .find(|(k, _)| k == key)
            .map_or(f64::NAN, |(_, v)| *v)
    }
}

/// Runs `command` in `dir`, reading its stdout, and reaps it with `wait4` for its peak RSS.
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by libc::wait4, which std does not offer, for its rusage"
)]
fn run(mut command: Command, dir: &Path) -> Figures {
    let started = Instant::now();
    let mut child = command
        .current_dir(dir)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|error| panic!("cannot run {:?}: {error}", command.get_program()));
    let mut output = String::new();
    if let Some(mut stdout) = child.stdout.take() {
        let _ = stdout.read_to_string(&mut output);
    }
    let mut status = 0;
    // SAFETY: an all-zero `rusage` is a valid value of this plain C struct.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `child.id()` is our own unreaped child, and both pointers are to live locals.
    let reaped = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    let wall = started.elapsed().as_secs_f64() * 1000.0;
    assert!(reaped > 0, "wait4 failed for {:?}", command.get_program());
    let values = output
        .split_whitespace()
        .filter_map(|pair| {
            let (key, value) = pair.split_once('=')?;
            Some((key.to_string(), value.parse().ok()?))
        })
        .collect();
    Figures {
        values,
        wall,
        // Linux reports ru_maxrss in KiB.
        peak_rss_mib: usage.ru_maxrss as f64 / 1024.0,
    }
}

fn median(values: impl Iterator<Item = f64>) -> f64 {
    let mut values: Vec<f64> = values.collect();
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied().unwrap_or(f64::NAN)
}

/// The child pass: `read` walks and reads only; `check` runs the whole pipeline.
fn child(
    mode: &str,
    (paths, cache_dir): (&[PathBuf], Option<PathBuf>),
    threads: usize,
    preset: &str,
) {
    let ms = |since: Instant| since.elapsed().as_secs_f64() * 1000.0;
    // As `callcheck --preset NAME .` run in the input's directory: the preset's `exclude` globs
    // are relative to the directory the configuration is looked for from.
    let config = ConfigRequest {
        preset: Some(preset.to_string()),
        start: std::env::current_dir().expect("a current directory"),
        ..ConfigRequest::default()
    };
    match mode {
        "read" => {
            // The same files as the check reads: the preset's exclusions and extensions.
            let loaded = config::load(&config).unwrap_or_else(|error| panic!("bench: {error}"));
            let options = ReadOptions {
                threads,
                exclude: loaded
                    .exclusions()
                    .unwrap_or_else(|error| panic!("bench: {error}")),
                extensions: loaded.extensions.clone(),
                ..ReadOptions::default()
            };
            let started = Instant::now();
            let (files, bytes) = read_only(paths, &options);
            println!("read={} files={files} bytes={bytes}", ms(started));
        }
        _ => {
            // As `callcheck --preset NAME PATH...` runs, through the same library entry: a
            // check, which reads in full only the bodies its rules can reach.
            let options = session::Options {
                paths: paths.to_vec(),
                config,
                threads,
                cache_dir,
                skim_bodies: true,
                ..session::Options::default()
            };
            let mut session = match Session::load(&options) {
                Ok(session) => session,
                Err(error) => {
                    eprintln!("bench: {error}");
                    std::process::exit(2);
                }
            };
            if let Some(problem) = session.cache.as_ref().and_then(|c| c.problem.as_ref()) {
                eprintln!("bench: cache: {problem}");
                std::process::exit(2);
            }
            let cached_files = session.cache.as_ref().map_or(0, |cache| cache.hits);
            let outcome = session
                .check(&CheckOptions::default())
                .unwrap_or_else(|error| panic!("bench: {error}"));
            let started = Instant::now();
            let mut sink = Vec::new();
            Format::Text
                .write(&mut sink, &session.report(&outcome))
                .expect("write to memory");
            let report_time = started.elapsed();
            let report = millis(report_time);
            let timings = session.timings;
            let stats = session.stats(&outcome, report_time);
            let bytes: u64 = paths_bytes(&session.graph);
            println!(
                "read_extract={} read_again={} graph={} check={} report={report} \
                 files={} bytes={bytes} functions={} edges={} violations={} \
                 cached_files={cached_files}",
                millis(timings.read_extract),
                millis(session.completion.time),
                millis(timings.graph),
                millis(timings.check),
                stats.graph.files,
                stats.functions(),
                stats.graph.edges.iter().sum::<usize>(),
                outcome.violations.len()
            );
        }
    }
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// The bytes of the files the graph was built from.
fn paths_bytes(graph: &Graph) -> u64 {
    (0..graph.file_count() as u32)
        .filter_map(|f| std::fs::metadata(graph.path(f)).ok())
        .map(|m| m.len())
        .sum()
}

fn print_tables(rows: &[Row], threads: usize, runs: usize) {
    println!(
        "\ncallcheck benchmark: {threads} threads, median of {runs} runs, times in ms, warm page cache\n"
    );
    println!(
        "{:<28} {:>7} {:>7} {:>8} {:>9} {:>6} | {:>9} {:>11} {:>10} {:>6} {:>6} {:>6} | {:>7} {:>8} {:>7}",
        "input",
        "files",
        "MB",
        "fns",
        "edges",
        "viol",
        "walk+read",
        "lex+extract",
        "read again",
        "graph",
        "check",
        "report",
        "total",
        "RSS MiB",
        "MB/s"
    );
    for r in rows {
        let mb = r.bytes as f64 / 1e6;
        println!(
            "{:<28} {:>7} {:>7.1} {:>8} {:>9} {:>6} | {:>9.1} {:>11.1} {:>10.1} {:>6.1} {:>6.1} {:>6.1} | {:>7.1} {:>8.1} {:>7.0}",
            r.label,
            r.files,
            mb,
            r.functions,
            r.edges,
            r.violations,
            r.walk_read,
            r.lex_extract,
            r.read_again,
            r.graph,
            r.check,
            r.report,
            r.total,
            r.peak_rss_mib,
            mb / (r.total / 1000.0)
        );
    }
    println!(
        "\n{:<28} {:>10} {:>12} {:>10} | {:>12} {:>14} {:>12} | {:>8} {:>8} {:>10} {:>9}",
        "input",
        "callcheck",
        "ripgrep",
        "vs rg",
        "python",
        "python RSS MiB",
        "speed-up",
        "cached",
        "RSS MiB",
        "cached/rg",
        "speed-up"
    );
    let first = rows
        .first()
        .map_or(0.0, |r| r.total / r.bytes.max(1) as f64);
    for r in rows {
        let rg = r.ripgrep.map_or("-".to_string(), |t| format!("{t:.1}"));
        let vs_rg = r
            .ripgrep
            .map_or("-".to_string(), |t| format!("{:.2}x", r.total / t));
        let (cached, cached_rss) = r.cached;
        let cached_vs_rg = r
            .ripgrep
            .map_or("-".to_string(), |t| format!("{:.2}x", cached / t));
        let (py, py_rss, speedup, cached_speedup) = match r.python {
            Some((t, rss)) => (
                format!("{t:.0}"),
                format!("{rss:.0}"),
                format!("{:.0}x", t / r.total),
                format!("{:.0}x", t / cached),
            ),
            None => ("-".into(), "-".into(), "-".into(), "-".into()),
        };
        println!(
            "{:<28} {:>10.1} {:>12} {:>10} | {:>12} {:>14} {:>12} | {:>8.1} {:>8.1} {:>10} {:>9}",
            r.label,
            r.total,
            rg,
            vs_rg,
            py,
            py_rss,
            speedup,
            cached,
            cached_rss,
            cached_vs_rg,
            cached_speedup
        );
    }
    if first > 0.0 {
        println!("\nscaling (time per byte relative to the first input):");
        for r in rows {
            let per_byte = r.total / r.bytes.max(1) as f64;
            println!("  {:<28} {:>6.2}", r.label, per_byte / first);
        }
    }
}
