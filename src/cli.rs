//! The command line's arguments, as clap reads them.

use callcheck::cache;
use callcheck::config::ConfigRequest;
use callcheck::error::Error;
use callcheck::report::Format;
use callcheck::session::{CheckOptions, Options};
use clap::CommandFactory;
use clap::builder::NonEmptyStringValueParser;
use clap::{Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;
use std::ffi::OsString;
use std::path::{Path, PathBuf};

const ABOUT: &str = "Check call contexts in C code: report every function that can reach, \
however indirectly, a function whose context its own context forbids.";

const LONG_ABOUT: &str = "\
Check call contexts in C code: report every function that can reach, however indirectly, a \
function whose context its own context forbids.

By default a function's context is a marker macro invoked in its body, and the rules are those \
of QEMU's block layer, checked as check_calls.py did:
  IO_CODE()        must not reach GLOBAL_STATE_CODE() nor IO_OR_GS_CODE()
  IO_OR_GS_CODE()  must not reach GLOBAL_STATE_CODE()
A callcheck.toml (see --print-config) or --preset changes the contexts and rules.

A path counts calls (f(...)) and references (a function named without being called, such as a \
callback handed to a scheduler); other presets and configurations also follow callback fields \
(x->open(...) reaches every function bound to a field named open), calls written in the \
function-like macros a function invokes (and the markers in them), and wrappers a build \
generates from prototypes. --calls-only keeps only direct calls. Each violation is shown with a \
shortest path as proof.";

const AFTER_HELP: &str = "\
Exit status: 0 no violation, 1 violations found, 2 usage or configuration error, nothing \
readable, or internal error. Unreadable files are reported on stderr and the rest is checked.

Examples:
  callcheck block.c block/ include/block/      check QEMU's block layer
  callcheck --format human .                   a report to read in a terminal
  callcheck --format gcc . > errors.txt        for vim -q errors.txt, Emacs compilation-mode
  callcheck --format sarif . > results.sarif   for GitHub code scanning
  callcheck --preset qemu .                    block-layer and coroutine rules
  callcheck callers bdrv_ref --depth 2 .       who calls bdrv_ref(), two levels up
  callcheck path blk_drain bdrv_ref .          how one function reaches another
  callcheck rules                              the rules in effect, and why
  callcheck explain io-reaches-global-state    one rule, with an example";

/// The arguments.
#[derive(Debug, Parser)]
#[command(
    name = "callcheck",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = AFTER_HELP,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A question about the call graph instead of the check.
    #[command(subcommand)]
    pub query: Option<Query>,

    /// What to read and how.
    #[command(flatten)]
    pub input: Input,

    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,

    /// Colour in text formats: auto = only on a terminal, and never when NO_COLOR is set.
    #[arg(long, value_enum, default_value_t = Color::Auto, global = true)]
    pub color: Color,

    /// Print the report only: no warnings or notes on stderr (errors are still shown).
    #[arg(short, long, global = true)]
    pub quiet: bool,

    /// Write the report to FILE instead of stdout.
    #[arg(short, long, value_name = "FILE", global = true)]
    pub output: Option<PathBuf>,

    /// Print a shell completion script or the man page, generated from these options, and
    /// exit: `callcheck --generate complete-bash > /etc/bash_completion.d/callcheck`,
    /// `callcheck --generate man | man -l -`.
    #[arg(long, value_enum, value_name = "KIND")]
    pub generate: Option<Generate>,

    /// Print the configuration in effect, counts (files, files whose bodies no checked
    /// function reaches and were left out, functions, edges by kind, unresolved calls) and the
    /// time of each stage on stderr.
    #[arg(long)]
    pub stats: bool,

    /// Exit with status 0, not 2, when no C file is found (for hooks run on any change).
    #[arg(long)]
    pub allow_empty: bool,

    /// Treat stale suppressions (ones that no longer suppress anything) as failures: exit 1.
    #[arg(long)]
    pub strict: bool,

    /// Report and fail only on violations not recorded in this baseline file; say how many of
    /// its entries are fixed now.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,

    /// Record today's violations in FILE (keyed by rule, function and contexts, not lines) and
    /// exit 0.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Analyse the whole tree but report only violations whose function or any step of whose
    /// path is defined in FILE (repeat it for several files).
    #[arg(long, value_name = "FILE", conflicts_with = "changed_since")]
    pub report_files: Vec<PathBuf>,

    /// The PATHs are the files to report on, not what to analyse: analyse the configuration's
    /// `paths` (else .) and report only violations these files take part in (for pre-commit
    /// hooks, which append the staged files).
    #[arg(long, conflicts_with_all = ["changed_since", "report_files"])]
    pub report_paths: bool,

    /// Like --report-files, with the files git says changed since REV (`git diff --name-only`).
    #[arg(long, value_name = "REV")]
    pub changed_since: Option<String>,

    /// Report only paths that avoid guessed steps (through a callback field, or to one of
    /// several definitions of a name): what the graph knows, for a strict CI gate. Every rule
    /// becomes `certain = true`.
    #[arg(long)]
    pub certain: bool,

    /// Show the violations in one block per cause (the last step of their paths, which they
    /// share), with `--format human`. JSON and SARIF carry each violation's cause instead.
    #[arg(long, value_enum, value_name = "WHAT")]
    pub group_by: Option<GroupBy>,

    /// Print the effective configuration (presets included) as TOML and exit.
    #[arg(long)]
    pub print_config: bool,

    /// Before checking, write into the files the missing contexts that a rule forces (see
    /// `callcheck suggest`); say what changed and what is left for review.
    #[arg(long)]
    pub fix: bool,
}

/// What to read and how: the same for the check and every query.
#[derive(Debug, Clone, Args)]
pub struct Input {
    /// C files and directories to read [default: the configuration's `paths`, else .].
    /// Directories are walked for *.c and *.h files, honouring .gitignore and skipping hidden
    /// entries; named files are always read.
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Configuration file [default: callcheck.toml or .callcheck.toml in the first PATH's
    /// directory (or here, with no PATH) or the nearest parent; with none, the qemu-block
    /// preset].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Built-in preset of contexts and rules: qemu-block (check_calls.py's), qemu-coroutine,
    /// qemu (both). Replaces the configuration file's `preset`.
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,

    /// Follow direct calls only: not functions mentioned without a call (callbacks), callback
    /// fields, calls in macros or generated wrappers' calls.
    #[arg(long)]
    pub calls_only: bool,

    /// Skip files larger than SIZE (bytes, or with a K, M or G suffix), with a warning.
    #[arg(long, value_name = "SIZE", default_value = "64M", value_parser = parse_size)]
    pub max_file_size: u64,

    /// Follow symbolic links while walking directories (link loops are reported and skipped).
    #[arg(short = 'L', long)]
    pub follow: bool,

    /// Keep what extraction finds in each file in a cache, and take a file from it while its
    /// size, modification time and inode are unchanged, or else its bytes (one cache per
    /// configuration and binary): a run after a small change, a checkout or a fresh clone
    /// extracts only what changed. The cache lives in $CALLCHECK_CACHE_DIR, else
    /// $XDG_CACHE_HOME/callcheck, else ~/.cache/callcheck.
    #[arg(long)]
    pub cache: bool,

    /// Keep the cache in DIR (implies --cache).
    #[arg(long, value_name = "DIR")]
    pub cache_dir: Option<PathBuf>,

    /// Read and extract every file, even if --cache or --cache-dir is given too (as the
    /// pre-commit hook gives --cache).
    #[arg(long)]
    pub no_cache: bool,

    /// Threads for reading and extracting files [default: number of CPUs].
    #[arg(short = 'j', long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,

    /// Read the build in DIR the way the compiler does, as clang-tidy's -p: the translation
    /// units DIR/compile_commands.json lists (generated sources included) and the headers
    /// they include, found through the units' -I/-iquote/-isystem directories, with the
    /// -D/-U every unit agrees on (a macro the units disagree about is unknown) and their
    /// -include files. PATHs given as well only narrow the report to violations in files
    /// under them. Replaces the configuration's `build_dir`.
    #[arg(short = 'p', long = "build-dir", value_name = "DIR")]
    pub build_dir: Option<PathBuf>,

    /// Take the macro NAME as defined (to VALUE, else 1) in `#if` conditions, as a build's -D
    /// does; added to the configuration's `[preprocessor] defines`. Repeatable.
    #[arg(short = 'D', long = "define", value_name = "NAME[=VALUE]")]
    pub defines: Vec<String>,

    /// Take the macros matching NAME (a name or a glob such as DEBUG_*) as undefined in `#if`
    /// conditions; added to the configuration's `[preprocessor] undefined`. Repeatable.
    #[arg(short = 'U', long = "undefine", value_name = "NAME")]
    pub undefines: Vec<String>,
}

/// What `--generate` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Generate {
    /// The man page, in roff.
    Man,
    /// A completion script for bash.
    CompleteBash,
    /// A completion script for zsh.
    CompleteZsh,
    /// A completion script for fish.
    CompleteFish,
    /// A completion script for PowerShell.
    CompletePowershell,
    /// A completion script for elvish.
    CompleteElvish,
}

impl Generate {
    /// Writes the man page or completion script of the command line to `out`.
    pub fn write(self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        let mut command = Cli::command();
        let shell = match self {
            Generate::Man => return clap_mangen::Man::new(command).render(out),
            Generate::CompleteBash => Shell::Bash,
            Generate::CompleteZsh => Shell::Zsh,
            Generate::CompleteFish => Shell::Fish,
            Generate::CompletePowershell => Shell::PowerShell,
            Generate::CompleteElvish => Shell::Elvish,
        };
        clap_complete::generate(shell, &mut command, "callcheck", out);
        Ok(())
    }
}

/// What `--group-by` groups violations by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GroupBy {
    /// Their cause: the last step of the path, from the last caller to the forbidden function.
    Cause,
}

/// When to colour text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Color {
    /// On a terminal, unless NO_COLOR is set.
    Auto,
    /// Always.
    Always,
    /// Never.
    Never,
}

/// Questions about the call graph.
#[derive(Debug, Subcommand)]
pub enum Query {
    /// The functions that use NAME, as a tree with file:line.
    Callers(TreeArgs),
    /// The functions NAME uses, as a tree with file:line.
    Callees(TreeArgs),
    /// A shortest path from FROM to TO, or a message that there is none (exit 1).
    Path(PathArgs),
    /// The annotated functions per context, with where each context came from.
    Contexts(ContextsArgs),
    /// The call graph, or the part around one function, as DOT or JSON.
    Graph(GraphArgs),
    /// The contexts functions are missing, inferred from the rules: explained, as JSON, as a
    /// patch, or written into the files with --fix.
    Suggest(SuggestArgs),
    /// The rules of the configuration in effect (presets and callcheck.toml), with their
    /// contexts, edges and rationale.
    Rules(RulesArgs),
    /// One rule in full: what it forbids, the edges it follows, why, and an example of C that
    /// breaks it with the report callcheck gives on it.
    Explain(ExplainArgs),
}

/// Arguments of `rules`.
#[derive(Debug, Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = QueryFormat::Text)]
    pub format: QueryFormat,
    /// Where the configuration is looked for, and how (no file is read).
    #[command(flatten)]
    pub input: Input,
}

/// Arguments of `explain`.
#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// The rule's name, as `callcheck rules` lists it and violations carry it.
    #[arg(value_parser = NonEmptyStringValueParser::new())]
    pub rule: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = QueryFormat::Text)]
    pub format: QueryFormat,
    /// Where the configuration is looked for, and how (no file is read).
    #[command(flatten)]
    pub input: Input,
}

/// Arguments of `suggest`.
#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = SuggestFormat::Human)]
    pub format: SuggestFormat,
    /// Write every suggestion into the files (atomically, only inside the paths given).
    #[arg(long)]
    pub fix: bool,
    /// Also suggest a direct rule's context for helpers that do not surely reach code of an
    /// allowed context (only called from it, but needing nothing of it, or reaching it only by
    /// a guessed step: a callback field, a name with several definitions).
    #[arg(long)]
    pub helpers: bool,
    /// What to read and how.
    #[command(flatten)]
    pub input: Input,
}

/// Formats of `suggest`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SuggestFormat {
    /// Each suggestion with its evidence and confidence, then the conflicts.
    Human,
    /// One JSON document with the suggestions, their evidence and the conflicts.
    Json,
    /// A unified diff for `git apply` or `patch -p1`.
    Patch,
}

/// Arguments of `callers` and `callees`.
#[derive(Debug, Args)]
pub struct TreeArgs {
    /// The function.
    #[arg(value_parser = NonEmptyStringValueParser::new())]
    pub name: String,
    /// Levels to follow.
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    /// Output format.
    #[arg(long, value_enum, default_value_t = QueryFormat::Text)]
    pub format: QueryFormat,
    /// What to read and how.
    #[command(flatten)]
    pub input: Input,
}

/// Arguments of `path`.
#[derive(Debug, Args)]
pub struct PathArgs {
    /// Where the path starts.
    #[arg(value_parser = NonEmptyStringValueParser::new())]
    pub from: String,
    /// Where it ends.
    #[arg(value_parser = NonEmptyStringValueParser::new())]
    pub to: String,
    /// Output format.
    #[arg(long, value_enum, default_value_t = QueryFormat::Text)]
    pub format: QueryFormat,
    /// What to read and how.
    #[command(flatten)]
    pub input: Input,
}

/// Arguments of `contexts`.
#[derive(Debug, Args)]
pub struct ContextsArgs {
    /// Only this context.
    #[arg(long)]
    pub context: Option<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = QueryFormat::Text)]
    pub format: QueryFormat,
    /// What to read and how.
    #[command(flatten)]
    pub input: Input,
}

/// Arguments of `graph`.
#[derive(Debug, Args)]
pub struct GraphArgs {
    /// Only the functions within --depth uses of this one, either way.
    #[arg(long, value_name = "NAME")]
    pub focus: Option<String>,
    /// Levels around the focus (around six block-layer functions of QEMU 10.0, one level is
    /// 18 to 44 functions, two levels 151 to 31,470).
    #[arg(long, default_value_t = 1)]
    pub depth: usize,
    /// Draw at most N functions: the nearest to the focus first, then by name; what is left
    /// out is said in the picture and on stderr.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u64).range(1..))]
    pub max_nodes: Option<u64>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = GraphFormat::Dot)]
    pub format: GraphFormat,
    /// What to read and how.
    #[command(flatten)]
    pub input: Input,
}

/// Formats of the queries that print lists or trees.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum QueryFormat {
    /// Indented text with file:line.
    Text,
    /// JSON.
    Json,
}

/// Formats of the `graph` query.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum GraphFormat {
    /// A Graphviz digraph.
    Dot,
    /// `{"functions":[...],"edges":[...]}`.
    Json,
}

/// Parses a size such as `1048576`, `512K`, `64M`, `2G` (powers of 1024; a trailing `B` or
/// `iB` is allowed).
impl Cli {
    /// Parses the process's arguments, with options written before a subcommand's name given
    /// to the subcommand (`callcheck --preset qemu callers f .`).
    pub fn parse_args() -> Cli {
        Cli::parse_from(hoist_subcommand(std::env::args_os().collect()))
    }

    /// What the check reports and how it narrows the violations. Writing a baseline records
    /// every violation, so it takes neither a baseline nor a change filter.
    pub fn check_options(&self) -> CheckOptions {
        let narrow = self.write_baseline.is_none();
        let report_files = match self.report_paths {
            true => self.input.paths.clone(),
            false => self.report_files.clone(),
        };
        CheckOptions {
            strict: self.strict,
            baseline: self.baseline.clone(),
            report_files: (narrow && (self.report_paths || !report_files.is_empty()))
                .then_some(report_files),
            changed_since: self.changed_since.clone().filter(|_| narrow),
            certain: self.certain,
        }
    }
}

impl Input {
    /// The session's options, with the configuration looked for from the current directory.
    pub fn session_options(&self) -> Result<Options, Error> {
        self.session_options_for(self.paths.clone())
    }

    /// The session's options with `paths` to analyse instead of the PATHs given. The
    /// configuration is looked for from the first path's directory up, as ruff and clang-tidy
    /// do, else from the current directory.
    pub fn session_options_for(&self, paths: Vec<PathBuf>) -> Result<Options, Error> {
        let cwd = std::env::current_dir().map_err(Error::CurrentDirectory)?;
        let start = match paths.first().map(|path| cwd.join(path)) {
            Some(path) if path.is_dir() => path,
            Some(path) => path.parent().map_or(cwd, Path::to_path_buf),
            None => cwd,
        };
        Ok(Options {
            paths,
            config: ConfigRequest {
                file: self.config.clone(),
                preset: self.preset.clone(),
                start,
                defines: self.defines.clone(),
                undefines: self.undefines.clone(),
            },
            calls_only: self.calls_only,
            threads: self.threads.map_or(0, usize::from),
            max_file_size: self.max_file_size,
            follow_links: self.follow,
            build_dir: self.build_dir.clone(),
            skim_bodies: false,
            cache_dir: match (&self.cache_dir, self.cache) {
                _ if self.no_cache => None,
                (Some(dir), _) => Some(dir.clone()),
                (None, true) => Some(cache::default_dir().ok_or(Error::NoCacheDir)?),
                (None, false) => None,
            },
        })
    }
}

impl Query {
    /// The input options the query was given.
    pub fn input(&self) -> &Input {
        match self {
            Query::Callers(args) | Query::Callees(args) => &args.input,
            Query::Path(args) => &args.input,
            Query::Contexts(args) => &args.input,
            Query::Graph(args) => &args.input,
            Query::Suggest(args) => &args.input,
            Query::Rules(args) => &args.input,
            Query::Explain(args) => &args.input,
        }
    }
}

/// Moves the first word that names a subcommand right after the program name, when only
/// options (and their values) come before it: clap takes a subcommand only as the first word.
/// Which options take a value is clap's own knowledge of the top-level arguments. A word after
/// `--`, or after a PATH, is never moved.
fn hoist_subcommand(mut args: Vec<OsString>) -> Vec<OsString> {
    let command = Cli::command();
    let subcommands: Vec<&str> = command.get_subcommands().map(|c| c.get_name()).collect();
    let takes_value = |arg: &clap::Arg| arg.get_action().takes_values();
    let long_takes_value = |name: &str| {
        command
            .get_arguments()
            .any(|arg| arg.get_long() == Some(name) && takes_value(arg))
    };
    let short_takes_value = |letter: char| {
        command
            .get_arguments()
            .any(|arg| arg.get_short() == Some(letter) && takes_value(arg))
    };
    let mut at = 1;
    while at < args.len() {
        let Some(word) = args[at].to_str() else {
            return args;
        };
        if word == "--" || word == "-" || !word.starts_with('-') {
            if at > 1 && subcommands.contains(&word) {
                let name = args.remove(at);
                args.insert(1, name);
            }
            return args;
        }
        let value_follows = match word.strip_prefix("--") {
            Some(long) => !long.contains('=') && long_takes_value(long),
            // A cluster of short options: a value is the rest of the word, or the next word.
            None => word[1..]
                .char_indices()
                .find(|&(_, letter)| short_takes_value(letter))
                .is_some_and(|(offset, letter)| offset + letter.len_utf8() == word.len() - 1),
        };
        at += if value_follows { 2 } else { 1 };
    }
    args
}

/// A byte count as `--max-file-size` takes it: digits, then an optional `K`, `M` or `G`
/// (powers of 1024; `KB`, `KiB` and lower case are the same), such as `512K`.
pub fn parse_size(text: &str) -> Result<u64, String> {
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
        .map_err(|error: std::num::ParseIntError| match error.kind() {
            std::num::IntErrorKind::PosOverflow => format!("'{text}' is too large"),
            _ => format!("'{text}' is not a size such as 1048576, 512K, 64M or 2G"),
        })?;
    value
        .checked_mul(1 << shift)
        .ok_or_else(|| format!("'{text}' is too large"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_parse_with_suffixes() {
        assert_eq!(parse_size("1048576"), Ok(1 << 20));
        assert_eq!(parse_size("512K"), Ok(512 << 10));
        assert_eq!(parse_size("64M"), Ok(64 << 20));
        assert_eq!(parse_size("64MiB"), Ok(64 << 20));
        assert_eq!(parse_size("2gb"), Ok(2 << 30));
        assert!(parse_size("big").is_err());
        assert!(parse_size("-1").is_err());
        assert_eq!(
            parse_size("99999999999G"),
            Err("'99999999999G' is too large".to_string())
        );
        assert_eq!(
            parse_size("99999999999999999999"),
            Err("'99999999999999999999' is too large".to_string()),
            "more digits than a u64 holds"
        );
    }

    fn hoisted(words: &[&str]) -> Vec<String> {
        let args = std::iter::once("callcheck").chain(words.iter().copied());
        hoist_subcommand(args.map(OsString::from).collect())
            .into_iter()
            .skip(1)
            .map(|w| w.into_string().unwrap())
            .collect()
    }

    #[test]
    fn subcommands_are_hoisted_over_options_and_their_values() {
        let moved = [
            (
                &["--preset", "qemu", "callers", "f"][..],
                &["callers", "--preset", "qemu", "f"][..],
            ),
            (
                &["-j", "2", "-L", "path", "a", "b"],
                &["path", "-j", "2", "-L", "a", "b"],
            ),
            (
                &["-j2", "--calls-only", "graph"],
                &["graph", "-j2", "--calls-only"],
            ),
            (
                &["--format=json", "callees", "f"],
                &["callees", "--format=json", "f"],
            ),
            (
                &["--format", "json", "contexts"],
                &["contexts", "--format", "json"],
            ),
        ];
        for (words, expected) in moved {
            assert_eq!(hoisted(words), expected, "{words:?}");
        }
        let kept: [&[&str]; 4] = [
            &["callers", "f"],
            &["dir", "callers"],
            &["--", "callers"],
            &["--config", "callers", "x"],
        ];
        for words in kept {
            assert_eq!(hoisted(words), words, "{words:?}");
        }
    }

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}
