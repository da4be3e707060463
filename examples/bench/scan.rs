//! The scanner micro-benchmark: tokenizing and extracting files held in memory, on one thread,
//! so that reading costs nothing and only the stages themselves are timed; then the same
//! extraction from disk on one thread, as `callcheck -j1` reads and extracts, beside the
//! walking and reading alone: the floor of those two.

use callcheck::config;
use callcheck::extract::{Extractor, Recognizer};
use callcheck::lexer::LogosTokens;
use callcheck::scanner::Tokens;
use callcheck::source::{ReadOptions, read_contents, read_only, read_sources};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// The throughput of each in-memory stage over one tree, in MB/s (best of the runs).
pub struct ScanRow {
    /// What was scanned.
    pub label: String,
    /// Bytes held in memory.
    pub bytes: u64,
    /// The hand-written scanner alone.
    pub scanner: f64,
    /// The logos reference lexer alone, which the scanner replaced.
    pub logos: f64,
    /// The whole extraction (tokenizer and pass) with the preset's recognizer.
    pub extract: f64,
    /// The same with function bodies skimmed where a file mentions no marker and no
    /// `callcheck:` comment, as a check first reads every file.
    pub skim: f64,
    /// Walking, reading and extracting every body from disk on one thread, as `-j1` does
    /// where the rules need every body.
    pub read_extract_j1: f64,
    /// The same with bodies skimmed where a file mentions no marker, as a check's first
    /// reading with `-j1` does.
    pub read_skim_j1: f64,
    /// Walking and reading the same files from disk on one thread, extracting nothing: what
    /// the two `-j1` figures cannot beat, however fast extraction gets.
    pub read_only_j1: f64,
}

/// Reads every C file under `dir`/`paths` that the preset does not leave out (as a check
/// does) into memory and times each stage `runs` times.
pub fn measure(label: &str, dir: &Path, paths: &[PathBuf], runs: usize, preset: &str) -> ScanRow {
    // Read from the top of the tree, by the paths relative to it, as `callcheck -j1` run there
    // reads it and as the main table's runs and the peers do. Absolute paths (through the
    // corpus directory's symbolic links) make every open walk them again: on QEMU 10.0 that
    // took 7% of `-j1 skim` and 14% of `-j1 read`.
    let _in_dir = InDir::enter(dir);
    let config = config::preset(preset).expect("a built-in preset");
    let one_thread = ReadOptions {
        exclude: config.exclusions().expect("the built-in presets are valid"),
        ..ReadOptions::default()
    };
    let contents = read_contents(paths, &one_thread);
    let bytes: u64 = contents.iter().map(|c| c.len() as u64).sum();
    let recognizer = config.recognizer(config.edges);
    let best_mb_s = |work: &mut dyn FnMut() -> usize| {
        let mut best = f64::INFINITY;
        let mut check = 0;
        for _ in 0..runs.max(1) {
            let started = Instant::now();
            check = work();
            best = best.min(started.elapsed().as_secs_f64());
        }
        // The count is printed so that the work cannot be optimised away.
        eprintln!("bench:   {check} items");
        bytes as f64 / 1e6 / best
    };
    let scanner = best_mb_s(&mut || contents.iter().map(|c| Tokens::new(c).count()).sum());
    let logos = best_mb_s(&mut || contents.iter().map(|c| LogosTokens::new(c).count()).sum());
    // Extraction with `recognizer`, counting the definitions and uses found.
    let extraction_mb_s = |recognizer: &Recognizer| {
        let mut extractor = Extractor::new(recognizer);
        best_mb_s(&mut || {
            let found = contents.iter().map(|c| extractor.extract(c));
            found
                .map(|file| file.functions.len() + file.uses.len())
                .sum()
        })
    };
    let extract = extraction_mb_s(&recognizer);
    let mut skimming = recognizer.clone();
    skimming.skim_bodies = true;
    let skim = extraction_mb_s(&skimming);
    let read_j1 = |recognizer: &Recognizer| {
        best_mb_s(&mut || {
            let sources = read_sources(paths, &one_thread, recognizer, None);
            sources.files.iter().map(|f| f.functions.uses.len()).sum()
        })
    };
    let read_extract_j1 = read_j1(&recognizer);
    let read_skim_j1 = read_j1(&skimming);
    let read_only_j1 = best_mb_s(&mut || read_only(paths, &one_thread).0);
    ScanRow {
        label: label.to_string(),
        bytes,
        scanner,
        logos,
        extract,
        skim,
        read_extract_j1,
        read_skim_j1,
        read_only_j1,
    }
}

/// The process in another working directory until dropped, when it goes back.
struct InDir(PathBuf);

impl InDir {
    /// Makes `dir` the working directory.
    fn enter(dir: &Path) -> InDir {
        let previous = std::env::current_dir().expect("a working directory");
        std::env::set_current_dir(dir).expect("the input's directory exists");
        InDir(previous)
    }
}

impl Drop for InDir {
    fn drop(&mut self) {
        // Back where it was: the next input's directory may be relative to it.
        let _ = std::env::set_current_dir(&self.0);
    }
}

/// Prints the micro-benchmark's table.
pub fn print(rows: &[ScanRow]) {
    if rows.is_empty() {
        return;
    }
    println!(
        "\none thread, MB/s (best of the runs): the scanner, the logos reference lexer, \
         extract and extract with bodies skimmed on files held in memory, then read+extract \
         from disk (-j1), of every body and skimmed, and reading alone from disk (-j1), \
         which bounds the two before it"
    );
    println!(
        "{:<28} {:>8} {:>9} {:>9} {:>9} {:>9} {:>10} {:>10} {:>10}",
        "input", "MB", "scanner", "logos", "extract", "skim", "-j1 r+ext", "-j1 skim", "-j1 read"
    );
    for r in rows {
        println!(
            "{:<28} {:>8.1} {:>9.0} {:>9.0} {:>9.0} {:>9.0} {:>10.0} {:>10.0} {:>10.0}",
            r.label,
            r.bytes as f64 / 1e6,
            r.scanner,
            r.logos,
            r.extract,
            r.skim,
            r.read_extract_j1,
            r.read_skim_j1,
            r.read_only_j1
        );
    }
}
