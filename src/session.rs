//! The one entry to the pipeline: what the command line, the benchmark and the fuzz target all
//! call, so that each measures and exercises what users run.
//!
//! [`Session::load`] finds the configuration, reads and extracts the files and builds the graph.
//! [`Session::check`] applies the suppressions, checks the rules, and narrows the violations to
//! those a baseline does not know and a change touches: its [`Outcome`] is everything a report
//! shows. Queries use [`Session::graph`] as loaded, before any suppression cuts an edge.

use crate::baseline::Baseline;
use crate::cache::{self, CacheReport, FileCache};
use crate::changes::{self, FileFilter};
use crate::check::{Violation, check_with_steps};
use crate::compdb::{self, Agreement, Database};
use crate::config::{self, Config, ConfigRequest};
use crate::context::Rule;
use crate::demand::{self, Completion};
use crate::diagnostics::{self, Diagnostic};
use crate::error::Error;
use crate::extract::{Recognizer, extract};
use crate::graph::{self, BuildOptions, Graph, Layout, normalize_path};
use crate::idle;
use crate::limits::PathLimits;
use crate::model::EdgeKinds;
use crate::report::Report;
use crate::report::stats::RunStats;
use crate::source::{DEFAULT_MAX_FILE_SIZE, ReadOptions, SourceFile, read_sources};
use crate::suppress::{Suppressed, Suppressions};
use rustc_hash::FxHashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// What to read and how: the command line's input options, made ready.
#[derive(Debug, Clone)]
pub struct Options {
    /// The files and directories to check; empty means the configuration's `paths`.
    pub paths: Vec<PathBuf>,
    /// Where the configuration comes from.
    pub config: ConfigRequest,
    /// Follow direct calls only, in the graph and in every rule.
    pub calls_only: bool,
    /// Threads for reading, extracting and building the graph; 0 means one per CPU.
    pub threads: usize,
    /// Files larger than this many bytes are skipped with a diagnostic.
    pub max_file_size: u64,
    /// Follow symbolic links while walking.
    pub follow_links: bool,
    /// Read the build in this directory (`-p`): its `compile_commands.json`'s units and their
    /// headers, instead of walking the paths, which then narrow the report.
    pub build_dir: Option<PathBuf>,
    /// Keep what extraction finds in a cache in this directory, and take unchanged files from
    /// it (see [`crate::cache`]); `None` reads and extracts every file.
    pub cache_dir: Option<PathBuf>,
    /// Read in full only the function bodies the rules can reach, where they allow it (see
    /// [`crate::demand`]): for a run that only checks. Queries and inference need every body.
    /// Files from a cache or a build directory come whole, and drop the uses nothing reaches.
    pub skim_bodies: bool,
}

impl Default for Options {
    /// The configuration as [`ConfigRequest::default`] asks for it, its paths, one thread per
    /// CPU, and the default size limit.
    fn default() -> Self {
        Options {
            paths: Vec::new(),
            config: ConfigRequest::default(),
            calls_only: false,
            threads: 0,
            max_file_size: DEFAULT_MAX_FILE_SIZE,
            follow_links: false,
            build_dir: None,
            cache_dir: None,
            skim_bodies: false,
        }
    }
}

/// What a check reports besides the violations, and how it narrows them.
#[derive(Debug, Clone, Default)]
pub struct CheckOptions {
    /// Raise every diagnostic to an error.
    pub strict: bool,
    /// Report only the violations this baseline file does not record.
    pub baseline: Option<PathBuf>,
    /// Report only the violations that these files take part in.
    pub report_files: Option<Vec<PathBuf>>,
    /// Report only the violations that the files changed since this git revision take part in.
    pub changed_since: Option<String>,
    /// Make every rule `certain`: follow no guessed edge (see
    /// [`Edge::guessed`](crate::graph::Edge::guessed)).
    pub certain: bool,
}

/// How long each stage took.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Walking, reading and extracting the files.
    pub read_extract: Duration,
    /// Building the graph.
    pub graph: Duration,
    /// Suppressions, the check and the narrowing of its violations.
    pub check: Duration,
}

/// A configuration and the graph of the files it asked for.
pub struct Session {
    /// The configuration in effect.
    pub config: Config,
    /// The call graph of the files read.
    pub graph: Graph,
    /// The edge kinds queries follow: the configuration's, or direct calls with `calls_only`.
    pub kinds: EdgeKinds,
    /// What reading found: files skipped, extractions that may be incomplete.
    pub diagnostics: Vec<Diagnostic>,
    /// How long loading took.
    pub timings: Timings,
    /// The files and directories read (the PATHs, or the configuration's `paths`).
    pub roots: Vec<PathBuf>,
    /// What the run did with the extraction cache, if it used one.
    pub cache: Option<CacheReport>,
    /// What reading only the bodies the rules reach did (see [`crate::demand`]).
    pub completion: Completion,
    /// The suppressions, once [`Session::check`] has collected them and cut their edges.
    suppressions: Option<Suppressions>,
    /// With a build directory, the PATHs given, resolved: only violations in files under them
    /// are reported. Empty reports all.
    report_under: Vec<PathBuf>,
}

/// A baseline's effect on a check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaselineEffect {
    /// The baseline file.
    pub path: PathBuf,
    /// Violations it records that were found again, and so not reported.
    pub known: usize,
    /// Entries that no violation matches any more.
    pub fixed: usize,
}

/// Everything a check found.
#[derive(Debug, Clone, Default)]
pub struct Outcome {
    /// The violations to report, sorted, after suppressions, the baseline and the change filter.
    pub violations: Vec<Violation>,
    /// The violations an `allow` accepted.
    pub suppressed: Vec<Suppressed>,
    /// Everything else worth saying: files skipped, incomplete extractions, suppression
    /// problems and stale suppressions, in that order.
    pub diagnostics: Vec<Diagnostic>,
    /// What the baseline did, if one was given.
    pub baseline: Option<BaselineEffect>,
    /// Edges that suppressions cut.
    pub cut_edges: usize,
    /// Traversal steps the check took (a measure of its work).
    pub steps: u64,
}

impl Outcome {
    /// True if the run fails: a violation to report, or a diagnostic raised to an error.
    pub fn fails(&self) -> bool {
        !self.violations.is_empty() || diagnostics::any_error(&self.diagnostics)
    }

    /// How many stale suppressions there are.
    pub fn stale(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.code == diagnostics::Code::StaleSuppression)
            .count()
    }
}

impl Session {
    /// Finds the configuration, reads the files and builds the graph. A file that cannot be read
    /// becomes a diagnostic; no file at all is [`Error::NoFiles`].
    pub fn load(options: &Options) -> Result<Session, Error> {
        let mut config = config::load(&options.config)?;
        let kinds = if options.calls_only {
            for rule in &mut config.rules {
                rule.edges = EdgeKinds::CALLS_ONLY;
            }
            EdgeKinds::CALLS_ONLY
        } else {
            config.edges
        };
        let build_dir = build_dir(options, &config);
        // With a build directory the PATHs given narrow the report; they are not walked.
        let paths = match build_dir {
            Some(_) => options.paths.clone(),
            None => input_paths(options, &config),
        };
        for path in &paths {
            if let Err(source) = std::fs::metadata(path) {
                return Err(Error::Input {
                    path: path.clone(),
                    source,
                });
            }
        }
        let threads = match options.threads {
            0 => std::thread::available_parallelism().map_or(1, |n| n.get()),
            n => n,
        };
        // The graph stage's parallel parts run on rayon's global pool, with the same number of
        // threads. Building it fails only if it was built before (by an earlier session in this
        // process), and then that pool serves.
        let _ = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build_global();
        let read = ReadOptions {
            threads,
            max_file_size: options.max_file_size,
            follow_links: options.follow_links,
            exclude: config.exclusions()?,
            extensions: config.extensions.clone(),
        };
        let started = Instant::now();
        // Extraction records only what the graph will use.
        let mut recognizer = config.recognizer(kinds);
        // A check that needs only the bodies its rules reach (see `demand`): the files read
        // here skim theirs, and those that come whole (from the cache or a build directory)
        // drop the uses nothing reaches.
        let checked = options
            .skim_bodies
            .then(|| demand::checked_contexts(&config.rules, kinds))
            .flatten();
        let (mut sources, include_dirs, mut found, cache) = match &build_dir {
            None => {
                let cache = open_cache(options, &paths, &recognizer);
                // What the cache stores is always read in full.
                recognizer.skim_bodies = checked.is_some() && cache.used().is_none();
                let sources = read_sources(&paths, &read, &recognizer, cache.used());
                recognizer.skim_bodies = false;
                let dirs = include_dirs(&config, &paths, &options.config.start);
                (sources, dirs, Vec::new(), cache)
            }
            Some(dir) => {
                let database = Database::read(dir)?;
                let agreement = Agreement::of(&database.units);
                recognizer.switches.add_build(
                    agreement.defined.iter().map(String::as_str),
                    agreement.undefined.iter().map(String::as_str),
                    agreement.open.iter().map(String::as_str),
                );
                let root = std::path::absolute(&config.root).unwrap_or(config.root.clone());
                let extra: Vec<PathBuf> = config
                    .include
                    .iter()
                    .map(|dir| compdb::normalized(&root.join(dir)))
                    .collect();
                let cache = open_cache(options, std::slice::from_ref(dir), &recognizer);
                let build = compdb::read::read(&database, &extra, &read, &recognizer, cache.used());
                (build.sources, build.include_dirs, build.warnings, cache)
            }
        };
        // Written back before the graph is built, so its index is not held through the build.
        let cache = cache.finish();
        let (completion, layout) = match checked {
            Some(from) => {
                // What the configuration's own cuts and boundaries count must be read: with
                // edges missing, they would be reported as stale.
                let cuts = config.cuts.iter().filter(|cut| !cut.preset);
                let boundaries = config.boundaries.iter().filter(|b| !b.preset);
                let cut_from: Vec<&str> = (cuts.map(|cut| cut.from.get_ref().as_str()))
                    .chain(boundaries.map(|b| b.function.get_ref().as_str()))
                    .collect();
                // Sorted as the graph numbers them, so that a layout made now serves the graph.
                graph::sort_by_path(&mut sources.files);
                let (files, wrappers) = (&sources.files, &config.wrappers);
                let size = read.max_file_size;
                // Reading again leaves a core idle while it waits for reads: the layout, which
                // needs only paths and includes, is begun there, and finished on the thread
                // pool once the reading is done.
                let stop = AtomicBool::new(false);
                let (reach, layout) = std::thread::scope(|scope| {
                    let begun = idle::spawn(scope, || Layout::begin(files, &include_dirs, &stop));
                    let reach =
                        demand::reach(files, (from, &cut_from), wrappers, &recognizer, size);
                    stop.store(true, Ordering::Relaxed);
                    (reach, begun.map(idle::join).unwrap_or_default())
                });
                let layout = reach
                    .keeps_includes(files)
                    .then(|| layout.finish(files, &include_dirs));
                (reach.complete(&mut sources.files), layout)
            }
            None => (Completion::default(), None),
        };
        let read_extract = started.elapsed();
        found.extend(diagnostics::unreadable(&sources.errors));
        found.extend(diagnostics::incomplete_extractions(&sources.files));
        if sources.files.is_empty() {
            return Err(Error::NoFiles {
                paths: build_dir.map_or(paths, |dir| vec![dir]),
                skipped: found,
            });
        }
        let mut session = Session::build(
            config,
            kinds,
            &recognizer,
            (sources.files, &include_dirs, layout),
            found,
            read_extract,
        );
        if let Some(from) = checked
            && demand::reaches_skimmed(&session.graph, from)
        {
            // Names missed a way the graph found (see `demand`): read every body.
            let options = Options {
                skim_bodies: false,
                ..options.clone()
            };
            return Session::load(&options);
        }
        if build_dir.is_some() {
            session.report_under = paths.iter().filter_map(|p| resolve(p)).collect();
        }
        session.roots = paths;
        session.cache = cache;
        session.completion = completion;
        Ok(session)
    }

    /// A session over files held in memory, as (path, text) pairs, checked with `config` as it
    /// is: for tests and fuzzing, which have no files on disk.
    pub fn from_memory(config: Config, files: &[(String, &[u8])]) -> Session {
        let started = Instant::now();
        let kinds = config.edges;
        let recognizer = config.recognizer(kinds);
        let files: Vec<SourceFile> = files
            .iter()
            .map(|(path, text)| SourceFile {
                path: path.clone(),
                functions: Box::new(extract(text, &recognizer)),
            })
            .collect();
        let found = diagnostics::incomplete_extractions(&files);
        let include_dirs = include_dirs(&config, &[], &config.root);
        Session::build(
            config,
            kinds,
            &recognizer,
            (files, &include_dirs, None),
            found,
            started.elapsed(),
        )
    }

    /// Builds the graph of `files`, extracted with `recognizer`, with their include
    /// directories and, if it was made already, their layout (then `files` are sorted by path).
    fn build(
        config: Config,
        kinds: EdgeKinds,
        recognizer: &Recognizer,
        (files, include_dirs, layout): (Vec<SourceFile>, &[String], Option<Layout>),
        diagnostics: Vec<Diagnostic>,
        read_extract: Duration,
    ) -> Session {
        let started = Instant::now();
        let build = BuildOptions::configured(kinds, recognizer, &config.wrappers, include_dirs);
        let mut graph = match layout {
            Some(layout) => Graph::build_with(files, layout, &build),
            None => Graph::build(files, &build),
        };
        let overridden = graph.apply_overrides(&config.contexts);
        let mut diagnostics = diagnostics;
        diagnostics.extend(diagnostics::conflicting_contexts(
            &graph,
            &config.contexts,
            &overridden,
        ));
        Session {
            config,
            graph,
            kinds,
            diagnostics,
            timings: Timings {
                read_extract,
                graph: started.elapsed(),
                check: Duration::ZERO,
            },
            suppressions: None,
            roots: Vec::new(),
            cache: None,
            completion: Completion::default(),
            report_under: Vec::new(),
        }
    }

    /// Checks the rules. The first check collects the suppressions and cuts their edges from
    /// the graph; queries made after it see the graph without them.
    pub fn check(&mut self, options: &CheckOptions) -> Result<Outcome, Error> {
        let started = Instant::now();
        let mut cut_edges = 0;
        let suppressions = match &mut self.suppressions {
            Some(suppressions) => suppressions,
            slot @ None => {
                let mut suppressions = Suppressions::collect(&self.graph, &self.config);
                cut_edges = suppressions.cut_edges(&mut self.graph);
                slot.insert(suppressions)
            }
        };
        let contexts = &self.config.contexts;
        let certain_rules;
        let rules = match options.certain {
            true => {
                certain_rules = self
                    .config
                    .rules
                    .iter()
                    .map(|rule| Rule {
                        certain: true,
                        ..rule.clone()
                    })
                    .collect::<Vec<_>>();
                &certain_rules
            }
            false => &self.config.rules,
        };
        let limits = PathLimits::new(&self.config.path_limits, &self.graph);
        let (violations, steps) = check_with_steps(&self.graph, contexts, rules, &limits);
        let (mut violations, suppressed) = suppressions.allow(contexts, violations);
        let mut outcome = Outcome {
            suppressed,
            cut_edges,
            steps,
            ..Outcome::default()
        };
        outcome.diagnostics = self.diagnostics.clone();
        outcome.diagnostics.extend(suppressions.diagnostics());
        if options.strict {
            diagnostics::make_strict(&mut outcome.diagnostics);
        }
        if let Some(path) = &options.baseline {
            let baseline = Baseline::read(path)?;
            let report = Report::new(
                &self.graph,
                &self.config.contexts,
                &self.config.rules,
                &violations,
            );
            let (new, fixed) = baseline.compare(&report);
            outcome.baseline = Some(BaselineEffect {
                path: path.clone(),
                known: violations.len() - new.len(),
                fixed,
            });
            let mut index = 0;
            violations.retain(|_| {
                index += 1;
                new.binary_search(&(index - 1)).is_ok()
            });
        }
        let changed = match (&options.changed_since, &options.report_files) {
            (Some(rev), _) => {
                let root = self.roots.first().map_or(Path::new("."), PathBuf::as_path);
                Some(changes::changed_since(rev, root)?)
            }
            (None, Some(files)) => Some(files.clone()),
            (None, None) => None,
        };
        if let Some(files) = changed {
            let mut filter = FileFilter::new(&files);
            violations.retain(|v| filter.touches(&self.graph, v));
        }
        if !self.report_under.is_empty() {
            let mut under: FxHashMap<u32, bool> = FxHashMap::default();
            violations.retain(|v| {
                let file = self.graph.function(v.function).file;
                *under.entry(file).or_insert_with(|| {
                    resolve(Path::new(self.graph.file_of(v.function)))
                        .is_some_and(|path| self.report_under.iter().any(|r| path.starts_with(r)))
                })
            });
        }
        outcome.violations = violations;
        self.timings.check = started.elapsed();
        Ok(outcome)
    }

    /// The figures `--stats` shows for `outcome`, a check of this session, whose report took
    /// `report_time` to write.
    pub fn stats(&self, outcome: &Outcome, report_time: Duration) -> RunStats {
        RunStats {
            configuration: self.config.describe(),
            graph: self.graph.stats(),
            violations: outcome.violations.len(),
            suppressed: outcome.suppressed.len(),
            cut_edges: outcome.cut_edges,
            stale: outcome.stale(),
            steps: outcome.steps,
            stages: vec![
                ("read+extract", self.timings.read_extract),
                ("graph", self.timings.graph),
                ("check", self.timings.check),
                ("report", report_time),
            ],
            cache: self.cache.clone(),
            completion: self.completion,
        }
    }

    /// The report of `outcome`, a check of this session.
    pub fn report<'a>(&'a self, outcome: &'a Outcome) -> Report<'a> {
        Report {
            suppressed: &outcome.suppressed,
            suppressions: self
                .suppressions
                .as_ref()
                .map_or(&[], |s| s.entries.as_slice()),
            diagnostics: &outcome.diagnostics,
            ..Report::new(
                &self.graph,
                &self.config.contexts,
                &self.config.rules,
                &outcome.violations,
            )
        }
    }
}

/// The configured include directories as the paths of the files read start: each relative to
/// the configuration's directory (from `cwd`), then to each directory in `paths`.
fn include_dirs(config: &Config, paths: &[PathBuf], cwd: &Path) -> Vec<String> {
    let root = config.root.strip_prefix(cwd).unwrap_or(&config.root);
    let bases = std::iter::once(root).chain(
        paths
            .iter()
            .map(PathBuf::as_path)
            .filter(|p| p.is_dir() && *p != root),
    );
    let mut dirs = Vec::new();
    for base in bases {
        for dir in &config.include {
            let dir = normalize_path(&base.join(dir).to_string_lossy());
            if !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
    }
    dirs
}

/// The extraction cache a run asked for, opened for the walk of `roots` from the current
/// directory and for `recognizer`'s settings.
fn open_cache(options: &Options, roots: &[PathBuf], recognizer: &Recognizer) -> OpenCache {
    let Some(dir) = &options.cache_dir else {
        return OpenCache::Off;
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let mut scope = cwd.display().to_string();
    for root in roots {
        scope.push('\0');
        scope.push_str(&root.display().to_string());
    }
    match FileCache::open(dir, &scope, cache::fingerprint(recognizer)) {
        Ok(cache) => OpenCache::Open(cache),
        Err(error) => OpenCache::Failed(CacheReport {
            path: dir.clone(),
            problem: Some(format!("cannot create {}: {error}", dir.display())),
            ..CacheReport::default()
        }),
    }
}

/// The extraction cache of a run: not asked for, open, or asked for but not opened.
enum OpenCache {
    Off,
    Open(FileCache),
    Failed(CacheReport),
}

impl OpenCache {
    /// The cache to read and store entries in, if one is open.
    fn used(&self) -> Option<&FileCache> {
        match self {
            OpenCache::Open(cache) => Some(cache),
            _ => None,
        }
    }

    /// Writes the cache back and says what the run did with it.
    fn finish(self) -> Option<CacheReport> {
        match self {
            OpenCache::Off => None,
            OpenCache::Open(cache) => Some(cache.finish()),
            OpenCache::Failed(report) => Some(report),
        }
    }
}

/// The build directory: `-p`'s, else the configuration's `build_dir`, relative to its
/// directory.
fn build_dir(options: &Options, config: &Config) -> Option<PathBuf> {
    if let Some(dir) = &options.build_dir {
        return Some(dir.clone());
    }
    config.build_dir.as_ref().map(|dir| config.root.join(dir))
}

/// `path` made absolute with symbolic links resolved, if it exists.
fn resolve(path: &Path) -> Option<PathBuf> {
    std::fs::canonicalize(path).ok()
}

/// The PATHs given, or else the configuration's `paths`, relative to its directory.
fn input_paths(options: &Options, config: &Config) -> Vec<PathBuf> {
    if !options.paths.is_empty() {
        return options.paths.clone();
    }
    let (root, cwd) = (&config.root, &options.config.start);
    config
        .paths
        .iter()
        .map(|path| {
            if root == cwd {
                path.clone()
            } else if path == Path::new(".") {
                root.clone()
            } else {
                root.join(path)
            }
        })
        .collect()
}
