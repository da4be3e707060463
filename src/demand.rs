//! Bodies read on demand: a check whose rules are all reachability rules reads in full only the
//! function bodies that the functions it checks can reach.
//!
//! Such a check needs the uses of the functions that carry a rule's `from` context and of every
//! function they reach, nothing else; in QEMU's tree that is a few percent of its bodies. So
//! every file is first read with its bodies skimmed ([`Recognizer::skim_bodies`]), unless it
//! mentions a marker or a `callcheck:` comment, and [`reach`] then reads again, in full, each
//! skimmed file that defines a function reachable, by name, from a checked function
//! ([`Reach::complete`] puts them in place). Files that come whole (from the extraction cache
//! or a build directory) are not read again: those that no checked function reaches drop their
//! uses instead. The functions the configuration's own cuts and boundaries name are reached
//! too, and a file with an `ignore` comment keeps its uses, so that none of them goes stale.
//!
//! Going by names over-approximates the graph's resolution (every definition of a name in any
//! file, and every function a generated wrapper of the name calls; a `static` one only from its
//! own file or if its file may be included; but where a file defines the name `static` itself,
//! only that one, as in the graph), so the graph built afterwards reaches no skimmed
//! body and reports what a run that reads every body reports. [`reaches_skimmed`] checks that
//! on the built graph; a session that finds otherwise (an attribute alias that gives a context,
//! a file that changed or vanished between the two reads) reads everything again in full.
//!
//! In the files a checked function reaches, only the uses of the definitions reached are kept:
//! the others' are forgotten ([`FileFunctions::keep_uses_of`]), as if their bodies had been
//! skimmed, so the graph does not resolve them. Most definitions of a tree are then in files
//! that no checked function reaches. Those that no use names and that carry no context are left
//! out of the graph altogether: they are on no path, and no edge ends at them.

use crate::context::{ContextSet, Rule, RuleKind, Wrapper};
use crate::extract::{
    Extractor, FileFunctions, FunctionDef, Pragma, PragmaKind, Recognizer, name_hash,
};
use crate::graph::{Graph, NodeKind, wrapper_of};
use crate::model::{EdgeKinds, NodeId, UseKind};
use crate::source::{SourceFile, read_and_extract};
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The contexts whose functions the rules check, if every rule is a reachability rule that
/// follows only edges a skimmed body cannot hide from its callers (calls, references and
/// generated wrappers' calls: a callback field's binding or a macro's marker may sit in any
/// body). `None` if the check needs every body.
pub fn checked_contexts(rules: &[Rule], kinds: EdgeKinds) -> Option<ContextSet> {
    if kinds.includes(UseKind::Field) || kinds.includes(UseKind::Macro) {
        return None;
    }
    let mut from = ContextSet::default();
    for rule in rules {
        match rule.kind {
            RuleKind::Reachability { from: context, .. } => from.insert(context),
            RuleKind::Direct { .. } | RuleKind::Binding { .. } => return None,
        }
    }
    Some(from)
}

/// What [`Reach::complete`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Completion {
    /// Skimmed files read again in full.
    pub read_again: usize,
    /// Files read in full whose uses were dropped: no checked function reaches them.
    pub dropped: usize,
    /// Definitions left out of the graph: no checked function reaches them, and none carries
    /// a context.
    pub definitions_left_out: usize,
    /// The time reading again took: the wall time of [`reach`], in which the files a checked
    /// function reaches are read again as they are reached.
    pub time: Duration,
}

/// Reads again in full, with `recognizer` (which must not skim), the skimmed files of `files`
/// that define a function reachable by name from one carrying a context of `from` (the
/// definitions carrying one, and the functions of prototypes carrying one) or from one named in
/// `cut_from` (the functions whose edges the configuration's own cuts and boundaries count, so
/// that they cut what they would cut with every body read). `max_size` is the reading limit.
/// A file that cannot be read again, or no longer has the same definitions, stays skimmed.
/// Nothing changes in `files` until [`Reach::complete`]: what only their paths and includes
/// decide can be worked out meanwhile.
pub fn reach(
    files: &[SourceFile],
    (from, cut_from): (ContextSet, &[&str]),
    wrappers: &[Wrapper],
    recognizer: &Recognizer,
    max_size: u64,
) -> Reach {
    let started = Instant::now();
    let mut seeds = seeds(files, from);
    seeds.extend_from_slice(cut_from);
    // With nothing checked, no body is needed.
    let (reread, reached, followed) = match seeds.is_empty() {
        true => (FxHashMap::default(), vec![false; files.len()], Vec::new()),
        false => reach_from(&seeds, files, wrappers, recognizer, max_size),
    };
    Reach {
        reread,
        reached,
        followed,
        aliases: recognizer.extras.aliases,
        time: started.elapsed(),
    }
}

/// What [`reach`] found: the files a checked function reaches, and the skimmed ones among them
/// read again in full.
#[derive(Debug)]
pub struct Reach {
    /// The full extraction of each file read again, by index.
    reread: FxHashMap<u32, FileFunctions>,
    /// Whether a definition of each file was reached, by index.
    reached: Vec<bool>,
    /// The definitions reached whose uses were followed, as (file, index in its functions),
    /// in no order.
    followed: Vec<(u32, u32)>,
    /// Whether attribute aliases were recorded: names then do not show which definitions
    /// carry a context.
    aliases: bool,
    /// How long [`reach`] took.
    time: Duration,
}

impl Reach {
    /// True if every file read again has the includes it had when skimmed: then what its
    /// includes decide, worked out from `files` as [`reach`] read them, still holds.
    pub fn keeps_includes(&self, files: &[SourceFile]) -> bool {
        let same = |(&file, full): (&u32, &FileFunctions)| {
            files[file as usize].functions.includes == full.includes
        };
        self.reread.iter().all(same)
    }

    /// Puts the full extractions in place in `files` (those [`reach`] was given). The files
    /// read in full (from the start, or from a cache) that no checked function reaches, and
    /// that hold no `callcheck: ignore` comment, have their uses dropped, so the graph does not
    /// resolve them. The definitions of unreached files that no use names and that carry no
    /// context are dropped too.
    pub fn complete(self, files: &mut [SourceFile]) -> Completion {
        let mut completion = Completion {
            read_again: self.reread.len(),
            time: self.time,
            ..Completion::default()
        };
        for (file, full) in self.reread {
            *files[file as usize].functions = full;
        }
        keep_followed_uses(files, self.followed);
        for (file, &reached) in files.iter_mut().zip(&self.reached) {
            if !reached && droppable(&file.functions) {
                file.functions.drop_uses();
                completion.dropped += 1;
            }
        }
        // Where an alias may give a definition a context, names do not show which ones have
        // one.
        if !self.aliases {
            let left_out = left_out(files, &self.reached);
            for (file, left_out) in files.iter_mut().zip(left_out) {
                if left_out {
                    completion.definitions_left_out += file.functions.functions.len();
                    file.functions.drop_definitions();
                }
            }
        }
        completion
    }
}

/// Forgets the uses of the definitions of `files` that no checked function reaches, all but
/// those `followed` lists, as (file, index): the graph need not resolve them. A file with an
/// `ignore` comment keeps them, so that the comment does not go stale.
fn keep_followed_uses(files: &mut [SourceFile], mut followed: Vec<(u32, u32)>) {
    followed.sort_unstable();
    followed.dedup();
    for group in followed.chunk_by(|a, b| a.0 == b.0) {
        let functions = &mut files[group[0].0 as usize].functions;
        if functions.skimmed || !droppable_when_known(functions) {
            continue;
        }
        let kept: Vec<u32> = group.iter().map(|&(_, at)| at).collect();
        functions.keep_uses_of(&kept);
    }
}

/// Whether the definitions of each of `files` can be left out of the graph, by index: no
/// checked function reaches the file (`reached` says which do), no use left in any file names
/// one, none carries a context (a marker, an attribute, or a prototype's: the prototypes'
/// names are kept, and a generated wrapper's), and no `callcheck:` comment in the file points
/// at one. Such a definition is on no path, no edge ends at it and no suppression counts it,
/// so the graph has nothing to do with it.
fn left_out(files: &[SourceFile], reached: &[bool]) -> Vec<bool> {
    let named: FxHashSet<&str> = files
        .iter()
        .flat_map(|file| {
            let functions = &file.functions;
            let prototypes = functions.prototypes.iter().map(|p| p.name);
            let uses = functions.known_uses().map(|used| used.name);
            prototypes.chain(uses).map(|name| functions.name(name))
        })
        .collect();
    // Where nothing is named (no use is left, as in a tree without a checked function), no
    // definition's name need be looked up.
    let plain = |functions: &FileFunctions, function: &FunctionDef| {
        function.markers.is_empty()
            && function.attributes.is_empty()
            && (named.is_empty() || !named.contains(functions.name(function.name)))
    };
    files
        .par_iter()
        .zip(reached)
        .map(|(file, &reached)| {
            let functions = &file.functions;
            !reached
                && functions.pragmas.is_empty()
                && functions.functions.iter().all(|f| plain(functions, f))
        })
        .collect()
}

/// Follows the uses from the definitions of `seeds`, reading skimmed files again as it
/// reaches them. Reads run on the thread pool as soon as a file is reached, and the uses of
/// each are followed as soon as it is read, with no round waiting for its slowest file. Returns
/// the files read again, by index, whether each file was reached, and the definitions whose
/// uses were followed.
fn reach_from(
    seeds: &[&str],
    files: &[SourceFile],
    wrappers: &[Wrapper],
    recognizer: &Recognizer,
    max_size: u64,
) -> ReachedFrom {
    let mut reread: FxHashMap<u32, FileFunctions> = FxHashMap::default();
    let mut closure = Closure::new(files, wrappers);
    for name in seeds {
        closure.reach(name, None);
    }
    let (done, finished) = std::sync::mpsc::channel();
    let readers = Readers::new(recognizer);
    let readers = &readers;
    rayon::in_place_scope(|scope| {
        let mut reading = 0;
        loop {
            closure.expand(&reread);
            for file in closure.schedule() {
                reading += 1;
                let mut report = ReadDone {
                    file,
                    sent: false,
                    done: done.clone(),
                };
                scope.spawn(move |_| {
                    report.send(readers.read_again(&files[file as usize], max_size));
                });
            }
            if reading == 0 {
                break;
            }
            let (file, full) = next_read(&finished);
            reading -= 1;
            match full {
                Some(full) => {
                    reread.insert(file, full);
                }
                None => {
                    closure.unreadable.insert(file);
                }
            }
            closure.resume(file);
        }
    });
    (reread, closure.reached, closure.followed)
}

/// What [`reach_from`] found: the files read again, by index, whether each file was reached,
/// and the definitions whose uses were followed.
type ReachedFrom = (FxHashMap<u32, FileFunctions>, Vec<bool>, Vec<(u32, u32)>);

/// Where a read's result goes. Dropped unsent (the read panicked), it reports the file as
/// unreadable: the closure waits for every read it started, and the scope raises the panic
/// once all are back.
struct ReadDone {
    file: u32,
    sent: bool,
    done: std::sync::mpsc::Sender<(u32, Option<FileFunctions>)>,
}

impl ReadDone {
    fn send(&mut self, full: Option<FileFunctions>) {
        // The receiver outlives every read.
        let _ = self.done.send((self.file, full));
        self.sent = true;
    }
}

impl Drop for ReadDone {
    fn drop(&mut self) {
        if !self.sent {
            self.send(None);
        }
    }
}

/// The next read to finish. On a thread of the pool (a library caller's), the wait runs other
/// tasks, so a pool of one thread still reads; elsewhere it blocks.
fn next_read(
    finished: &std::sync::mpsc::Receiver<(u32, Option<FileFunctions>)>,
) -> (u32, Option<FileFunctions>) {
    loop {
        if let Ok(read) = finished.try_recv() {
            return read;
        }
        match rayon::yield_now() {
            None => return finished.recv().expect("a read in progress always reports"),
            Some(rayon::Yield::Executed) => {}
            Some(rayon::Yield::Idle) => std::thread::yield_now(),
        }
    }
}

/// The means of the reads again: an extractor and a read buffer for each read under way, kept
/// for the next read once it is done. A new extractor would grow its tables again for every
/// file, and a new buffer its bytes.
struct Readers<'r> {
    recognizer: &'r Recognizer,
    /// Those no read is using.
    idle: Mutex<Vec<(Extractor<'r>, Vec<u8>)>>,
}

impl<'r> Readers<'r> {
    /// None yet: each is made when a read finds none idle.
    fn new(recognizer: &'r Recognizer) -> Self {
        Readers {
            recognizer,
            idle: Mutex::new(Vec::new()),
        }
    }

    /// `skimmed` read again in full: its extraction, or `None` if it cannot be read or no
    /// longer has the definitions it had.
    fn read_again(&self, skimmed: &SourceFile, max_size: u64) -> Option<FileFunctions> {
        // The lock is held only to take and give back, never while reading: a read that
        // panics leaves nothing poisoned, and its means are just not given back.
        let idle = || {
            self.idle
                .lock()
                .unwrap_or_else(|poison| poison.into_inner())
        };
        let taken = idle().pop();
        let (mut extractor, mut buffer) =
            taken.unwrap_or_else(|| (Extractor::new(self.recognizer), Vec::new()));
        let path = Path::new(&skimmed.path);
        let means = (&mut extractor, &mut buffer);
        let read = read_and_extract(path, &skimmed.path, max_size, means, None);
        idle().push((extractor, buffer));
        read.ok()
            .filter(|full| same_definitions(&skimmed.functions, full))
    }
}

/// True if a whole file that no checked function reaches may drop its uses: an `ignore`
/// comment in it cuts some of them, and would go stale without them.
fn droppable(functions: &FileFunctions) -> bool {
    !functions.skimmed && droppable_when_known(functions)
}

/// True if the uses of `functions`, where known, may be dropped: no `ignore` comment in it cuts
/// any of them.
fn droppable_when_known(functions: &FileFunctions) -> bool {
    let ignores = |pragma: &Pragma| matches!(pragma.kind, PragmaKind::Ignore);
    !functions.pragmas.iter().any(ignores)
}

/// The names of the definitions and prototypes that carry a context of `from`.
fn seeds(files: &[SourceFile], from: ContextSet) -> Vec<&str> {
    // In parallel: the walk touches every definition of the tree (654,221 in Linux's).
    files
        .par_iter()
        .flat_map_iter(|file| {
            let functions = &file.functions;
            let definitions = functions.functions.iter().filter(move |function| {
                function.markers.intersects(from) || function.attributes.intersects(from)
            });
            let prototypes = (functions.prototypes.iter())
                .filter(move |prototype| prototype.contexts.intersects(from));
            let names = definitions.map(|function| function.name);
            names
                .chain(prototypes.map(|prototype| prototype.name))
                .map(|name| functions.name(name))
        })
        .collect()
}

/// True if the two extractions of one file have the same definitions, in the same order.
fn same_definitions(skimmed: &FileFunctions, full: &FileFunctions) -> bool {
    skimmed.functions.len() == full.functions.len()
        && skimmed
            .functions
            .iter()
            .zip(full.functions.iter())
            .all(|(a, b)| a.line == b.line && skimmed.name(a.name) == full.name(b.name))
}

/// The functions reachable by name from the checked ones, found a file at a time.
struct Closure<'f> {
    files: &'f [SourceFile],
    /// Every definition, by the hash of its name.
    definitions: Definitions,
    /// Whether another file may see each file's `static` definitions, by file index: its name
    /// ends an `#include` path (or a generated wrapper's include). The graph's includes resolve
    /// to files of the name the path ends with, so those it finds are among these.
    includable: Vec<bool>,
    /// The names a generated wrapper of each name calls.
    wrapped: FxHashMap<&'f str, Vec<String>>,
    /// The names reached so far.
    names: FxHashSet<String>,
    /// The `static` definitions of reached names in files that no other file may include,
    /// left out because only uses in other files reached their names yet, by name. A use in
    /// their own file reaches them as its own ([`Closure::reach_own_static`]); a reach from any
    /// file (a generated wrapper's call) reaches them all.
    hidden: FxHashMap<String, Vec<(u32, u32)>>,
    /// Definitions reached whose uses are still to be followed.
    queue: Vec<(u32, u32)>,
    /// Definitions reached in skimmed files, by the file they wait for to be read in full
    /// (the index of each in its file's functions). A file enters when its first definition
    /// starts waiting, and leaves once read: then no definition of it waits again.
    waiting: FxHashMap<u32, Vec<u32>>,
    /// The files that entered `waiting` since the last [`Closure::schedule`]: to read again.
    to_start: Vec<u32>,
    /// Skimmed files that could not be read again: their definitions' uses stay unknown.
    unreadable: FxHashSet<u32>,
    /// Whether a definition of each file was reached, by file index.
    reached: Vec<bool>,
    /// The `static` definitions reached from a use in their own file, as (file, index in its
    /// functions): each is followed once.
    own_statics: FxHashSet<(u32, u32)>,
    /// The definitions whose uses were followed, as (file, index in its functions).
    followed: Vec<(u32, u32)>,
}

impl<'f> Closure<'f> {
    fn new(files: &'f [SourceFile], wrappers: &[Wrapper]) -> Self {
        // Two walks over every file's records, one on each side.
        let (definitions, includable) =
            rayon::join(|| Definitions::new(files), || includable(files, wrappers));
        let mut wrapped: FxHashMap<&str, Vec<String>> = FxHashMap::default();
        for file in files.iter().filter(|_| !wrappers.is_empty()) {
            let functions = &file.functions;
            for prototype in &functions.prototypes {
                let Some(wrapper) = wrapper_of(wrappers, functions, prototype) else {
                    continue;
                };
                let name = functions.name(prototype.name);
                let called = wrapper.target_of(name).into_iter();
                let called = called.chain(wrapper.calls_of(name).into_iter().map(|(c, _)| c));
                wrapped.entry(name).or_default().extend(called);
            }
        }
        Closure {
            files,
            definitions,
            includable,
            wrapped,
            names: FxHashSet::default(),
            hidden: FxHashMap::default(),
            queue: Vec::new(),
            waiting: FxHashMap::default(),
            to_start: Vec::new(),
            unreadable: FxHashSet::default(),
            reached: vec![false; files.len()],
            own_statics: FxHashSet::default(),
            followed: Vec::new(),
        }
    }

    /// Reaches the definitions of `name` that a use in file `from` may mean (every one if
    /// `from` is `None`), and what its generated wrapper calls: all but the `static` ones of
    /// other files that no file may include. Where `from` defines `name` itself as `static`,
    /// the use means that definition alone, as the graph resolves it.
    fn reach(&mut self, name: &str, from: Option<u32>) {
        let hash = name_hash(name.as_bytes());
        if let Some(from) = from
            && self.reach_own_static(name, hash, from)
        {
            return;
        }
        // `from` defines no `static` one of the name: another file's is seen from any file, or
        // where its file may be included.
        let from_anywhere = from.is_none();
        if self.names.contains(name) {
            // Reached before from other files, which did not see the `static` ones left.
            if from_anywhere && let Some(hidden) = self.hidden.remove(name) {
                for (file, at) in hidden {
                    self.queue.push((file, at));
                    self.reached[file as usize] = true;
                }
            }
            return;
        }
        self.names.insert(name.to_string());
        let files = self.files;
        for (file, at) in self.definitions.of(hash) {
            let functions = &files[file as usize].functions;
            let function = &functions.functions[at as usize];
            if functions.name(function.name) != name {
                continue;
            }
            let seen = from_anywhere || !function.is_static || self.includable[file as usize];
            if seen {
                self.queue.push((file, at));
                self.reached[file as usize] = true;
            } else {
                let hidden = self.hidden.entry(name.to_string()).or_default();
                hidden.push((file, at));
            }
        }
        // A generated wrapper's calls are resolved in the file of its prototype: any file.
        if let Some(called) = self.wrapped.get(name) {
            for name in called.clone() {
                self.reach(&name, None);
            }
        }
    }

    /// Reaches the `static` definitions of `name` (whose hash is `hash`) in file `from`, if it
    /// has any: true if it does. A name used in a file with a `static` definition of it means
    /// that one: the graph resolves it so (see `graph::names::meanings`), whatever else the name
    /// may mean elsewhere.
    fn reach_own_static(&mut self, name: &str, hash: u64, from: u32) -> bool {
        let functions = &self.files[from as usize].functions;
        let own = |&(file, at): &(u32, u32)| {
            file == from && {
                let function = &functions.functions[at as usize];
                function.is_static && functions.name(function.name) == name
            }
        };
        let mut found = false;
        for (file, at) in self.definitions.of(hash).filter(own) {
            found = true;
            if self.own_statics.insert((file, at)) {
                self.queue.push((file, at));
                self.reached[file as usize] = true;
            }
        }
        found
    }

    /// Follows the uses of the definitions reached, as far as files already read in full
    /// (`reread` holds the skimmed ones read again) show them.
    fn expand(&mut self, reread: &FxHashMap<u32, FileFunctions>) {
        let files = self.files;
        while let Some((file, at)) = self.queue.pop() {
            let functions: &FileFunctions = match files[file as usize].functions.skimmed {
                false => &files[file as usize].functions,
                true => match reread.get(&file) {
                    Some(full) => full,
                    None => {
                        if !self.unreadable.contains(&file) {
                            let waiting = self.waiting.entry(file).or_insert_with(|| {
                                self.to_start.push(file);
                                Vec::new()
                            });
                            waiting.push(at);
                        }
                        continue;
                    }
                },
            };
            self.followed.push((file, at));
            let function = &functions.functions[at as usize];
            for used in functions.uses_of(function) {
                self.reach(functions.name(used.name), Some(file));
            }
        }
    }

    /// The files to start reading again, in order: those waited for and not started yet.
    fn schedule(&mut self) -> Vec<u32> {
        let mut wanted = std::mem::take(&mut self.to_start);
        wanted.sort_unstable();
        wanted
    }

    /// Puts the definitions that waited for `file`, now read (or not readable), back in the
    /// queue.
    fn resume(&mut self, file: u32) {
        let resumed = self.waiting.remove(&file).unwrap_or_default();
        self.queue.extend(resumed.into_iter().map(|at| (file, at)));
    }
}

/// Every definition of a set of files by the hash of its name, grouped by the hash's top bits:
/// a counting sort, two passes over the definitions, where sorting them by hash took longer
/// than hashing them.
struct Definitions {
    /// (name hash, file, index in its functions), the definitions of each group in file order.
    entries: Vec<(u64, u32, u32)>,
    /// Where each group starts in `entries`, and where the last ends.
    starts: Vec<u32>,
    /// The shift that leaves a hash's group number.
    shift: u32,
}

impl Definitions {
    /// Indexes every definition of `files`.
    fn new(files: &[SourceFile]) -> Self {
        let count = files.iter().map(|file| file.functions.functions.len());
        let mut hashed: Vec<(u64, u32, u32)> = Vec::with_capacity(count.sum());
        for (index, file) in files.iter().enumerate() {
            let functions = &file.functions;
            let hashes = functions.functions.iter().enumerate();
            hashed.extend(
                hashes.map(|(at, f)| (functions.names.hash(f.name), index as u32, at as u32)),
            );
        }
        // About one definition per group.
        let bits = hashed.len().max(2).next_power_of_two().trailing_zeros();
        let shift = u64::BITS - bits;
        // Each group's end, then, as its definitions are placed from the last one back, its
        // start.
        let mut starts = vec![0u32; (1 << bits) + 1];
        for &(hash, ..) in &hashed {
            starts[(hash >> shift) as usize] += 1;
        }
        for group in 1..starts.len() {
            starts[group] += starts[group - 1];
        }
        let mut entries = vec![(0, 0, 0); hashed.len()];
        for definition in hashed.into_iter().rev() {
            let slot = &mut starts[(definition.0 >> shift) as usize];
            *slot -= 1;
            entries[*slot as usize] = definition;
        }
        Definitions {
            entries,
            starts,
            shift,
        }
    }

    /// The definitions whose name has `hash`, as (file, index in its functions), in file order.
    fn of(&self, hash: u64) -> impl Iterator<Item = (u32, u32)> + '_ {
        let group = (hash >> self.shift) as usize;
        let (start, end) = (self.starts[group], self.starts[group + 1]);
        let entries = &self.entries[start as usize..end as usize];
        entries
            .iter()
            .filter(move |&&(h, ..)| h == hash)
            .map(|&(_, file, at)| (file, at))
    }
}

/// Whether another file may include each of `files`, by index: its name is the last part of
/// some `#include` path (or of an include of one of `wrappers`). Generous (a name may be
/// included from another directory), never short of the files the graph finds included.
fn includable(files: &[SourceFile], wrappers: &[Wrapper]) -> Vec<bool> {
    fn base_name(path: &str) -> &str {
        path.rsplit(['/', '\\']).next().unwrap_or(path)
    }
    let included: FxHashSet<&str> = files
        .iter()
        .flat_map(|file| file.functions.includes.iter().map(|i| base_name(&i.path)))
        .chain(
            wrappers
                .iter()
                .flat_map(|w| w.includes.iter().map(|i| base_name(i))),
        )
        .collect();
    files
        .iter()
        .map(|file| included.contains(base_name(&file.path)))
        .collect()
}

/// True if a function carrying a context of `from` reaches, over any edge, a definition whose
/// uses are not known (itself included): its body was skimmed, or its uses forgotten.
pub fn reaches_skimmed(graph: &Graph, from: ContextSet) -> bool {
    if !graph.skims() {
        return false;
    }
    let mut seen = vec![false; graph.len()];
    let mut stack: Vec<NodeId> = graph
        .nodes()
        .filter(|&node| graph.function(node).contexts.intersects(from))
        .collect();
    for &node in &stack {
        seen[node as usize] = true;
    }
    while let Some(node) = stack.pop() {
        let function = graph.function(node);
        if function.kind == NodeKind::Definition && graph.uses_unknown(node) {
            return true;
        }
        for edge in graph.edges_from(node) {
            if !std::mem::replace(&mut seen[edge.to as usize], true) {
                stack.push(edge.to);
            }
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config;

    /// A tree of two files, `checked.c` and `helper.c`, first read as a check with the
    /// `qemu-block` preset reads them: each skimmed unless it mentions a marker.
    struct Tree {
        dir: tempfile::TempDir,
        recognizer: Recognizer,
        /// The contexts the preset checks.
        from: ContextSet,
        /// The preset's edge kinds.
        kinds: EdgeKinds,
        files: Vec<SourceFile>,
    }

    impl Tree {
        /// The tree of these two texts.
        fn new(checked: &str, helper: &str) -> Tree {
            let dir = tempfile::tempdir().expect("a temporary directory");
            let config = config::preset("qemu-block").expect("a built-in preset");
            let recognizer = config.recognizer(config.edges);
            let from = checked_contexts(&config.rules, config.edges).expect("reachability rules");
            let mut tree = Tree {
                dir,
                recognizer,
                from,
                kinds: config.edges,
                files: Vec::new(),
            };
            tree.write("checked.c", checked);
            tree.write("helper.c", helper);
            let mut skimming = tree.recognizer.clone();
            skimming.skim_bodies = true;
            for name in ["checked.c", "helper.c"] {
                let path = tree.dir.path().join(name).display().to_string();
                let text = std::fs::read(&path).expect("written above");
                let functions = Box::new(Extractor::new(&skimming).extract(&text));
                tree.files.push(SourceFile { path, functions });
            }
            tree
        }

        /// Writes `text` to file `name`, after the first reading or before it.
        fn write(&self, name: &str, text: &str) {
            std::fs::write(self.dir.path().join(name), text).expect("a writable directory");
        }

        /// What the check reaches from its files as they are.
        fn reach(&self) -> Reach {
            reach(
                &self.files,
                (self.from, &[]),
                &[],
                &self.recognizer,
                1 << 20,
            )
        }

        /// Reaches and completes its files.
        fn complete(&mut self) -> Completion {
            self.reach().complete(&mut self.files)
        }

        /// The graph of its files as they are, and the contexts the preset checks.
        fn graph(self) -> (Graph, ContextSet) {
            let options = crate::graph::BuildOptions::new(self.kinds);
            (Graph::build(self.files, &options), self.from)
        }
    }

    #[test]
    fn definitions_are_found_by_name_hash_in_file_order() {
        let recognizer = Recognizer::new(&Default::default());
        let sources = [
            "void a(void) {}\nvoid b(void) {}\n",
            "",
            "static void b(void) {}\nvoid c(void) {}\nvoid a(void) {}\n",
        ];
        let files: Vec<SourceFile> = (sources.iter().enumerate())
            .map(|(i, text)| SourceFile {
                path: format!("{i}.c"),
                functions: Box::new(Extractor::new(&recognizer).extract(text.as_bytes())),
            })
            .collect();
        let index = Definitions::new(&files);
        let of = |name: &str| index.of(name_hash(name.as_bytes())).collect::<Vec<_>>();
        assert_eq!(of("a"), [(0, 0), (2, 2)]);
        assert_eq!(of("b"), [(0, 1), (2, 0)]);
        assert_eq!(of("c"), [(2, 1)]);
        assert_eq!(of("d"), []);
        let none = Definitions::new(&files[1..2]);
        assert_eq!(none.of(name_hash(b"a")).count(), 0);
    }

    #[test]
    fn reaching_tells_whether_a_file_read_again_kept_its_includes() {
        let mut tree = Tree::new(
            "void checked(void) { IO_CODE(); helper(); }\n",
            "#include \"a.h\"\nvoid helper(void) { work(); }\n",
        );
        let files = &tree.files;
        assert!(files[1].functions.skimmed && !files[0].functions.skimmed);
        assert!(tree.reach().keeps_includes(files));

        // The same definitions on the same lines, and one include more.
        tree.write(
            "helper.c",
            "#include \"a.h\"\nvoid helper(void) { work(); }\n#include \"b.h\"\n",
        );
        let changed = tree.reach();
        assert!(!changed.keeps_includes(&tree.files));
        let completion = changed.complete(&mut tree.files);
        assert_eq!(completion.read_again, 1);
        let includes = tree.files[1].functions.includes.iter().map(|i| &*i.path);
        assert_eq!(includes.collect::<Vec<_>>(), ["a.h", "b.h"]);
    }

    #[test]
    fn only_the_uses_of_definitions_reached_are_kept() {
        let mut tree = Tree::new(
            "void checked(void) { IO_CODE(); helper(); }\nvoid unreached(void) { other(); }\n",
            "void spare(void) { more(); }\nvoid helper(void) { work(); }\n",
        );
        assert_eq!(tree.complete().read_again, 1);
        let files = &tree.files;
        let known = |file: &SourceFile| {
            let functions = &file.functions;
            let known = (0..functions.functions.len() as u32).map(|at| functions.uses_known(at));
            known.collect::<Vec<_>>()
        };
        // `checked` and `helper` are reached; `unreached` and `spare` are not.
        assert_eq!(known(&files[0]), [true, false]);
        assert_eq!(known(&files[1]), [false, true]);
        let uses = |file: &SourceFile, at: usize| {
            let functions = &file.functions;
            let used = functions.uses_of(&functions.functions[at]);
            used.map(|used| functions.name(used.name).to_string())
                .collect::<Vec<_>>()
        };
        assert_eq!(uses(&files[0], 0), ["helper"]);
        assert_eq!(uses(&files[0], 1), Vec::<String>::new());
        assert_eq!(uses(&files[1], 1), ["work"]);

        let (graph, from) = tree.graph();
        assert!(!reaches_skimmed(&graph, from));
        let skimmed = |file, at| graph.uses_unknown(graph.node_of(file, at));
        assert_eq!(
            [skimmed(0, 0), skimmed(0, 1), skimmed(1, 0), skimmed(1, 1)],
            [false, true, true, false]
        );
    }

    #[test]
    fn a_static_definition_hides_the_others_of_its_name_from_its_own_file() {
        let mut tree = Tree::new(
            "static void helper(void) {}\nvoid checked(void) { IO_CODE(); helper(); }\n",
            // Past the end of `checked.c`'s definitions: looked up, not indexed there.
            "void spare(void) {}\nvoid other(void) {}\nvoid helper(void) { work(); }\n",
        );
        // `checked` calls its own file's `helper`: `helper.c`'s is not read again.
        let completion = tree.complete();
        assert_eq!(completion.read_again, 0);
        assert!(tree.files[0].functions.uses_known(0));
        let (graph, from) = tree.graph();
        assert!(!reaches_skimmed(&graph, from));
    }

    #[test]
    fn with_nothing_checked_every_plain_definition_is_left_out() {
        let mut tree = Tree::new(
            // Read in full (it mentions a marker), yet no function carries a context.
            "/* no IO_CODE() here */\nvoid unchecked(void) { helper(); }\n",
            "void helper(void) {}\nvoid spare(void) {}\n",
        );
        let completion = tree.complete();
        assert_eq!(completion.read_again, 0);
        // `checked.c`, read in full, drops its uses; then nothing names `helper`.
        assert_eq!(completion.dropped, 1);
        assert_eq!(completion.definitions_left_out, 3);
        assert!(
            tree.files
                .iter()
                .all(|file| file.functions.functions.is_empty())
        );
    }

    #[test]
    fn a_file_with_an_ignore_comment_keeps_every_use() {
        let mut tree = Tree::new(
            "void checked(void) { IO_CODE(); }\n\
             void unreached(void) { other(); } // callcheck: ignore other\n",
            "void helper(void) {}\n",
        );
        assert!(!tree.files[0].functions.pragmas.is_empty());
        tree.complete();
        let checked = &tree.files[0].functions;
        assert!(!checked.skimmed && checked.uses_known(1));
    }

    #[test]
    fn a_read_that_never_sends_still_reports_its_file() {
        let (done, finished) = std::sync::mpsc::channel();
        let unsent = ReadDone {
            file: 7,
            sent: false,
            done: done.clone(),
        };
        // A read that panics drops its report unsent, on another thread.
        let reading = std::thread::spawn(move || {
            let _report = unsent;
            panic!("extraction failed");
        });
        assert!(reading.join().is_err());
        assert_eq!(
            finished
                .try_recv()
                .map(|(file, full)| (file, full.is_none())),
            Ok((7, true))
        );
        let mut sent = ReadDone {
            file: 8,
            sent: false,
            done,
        };
        sent.send(None);
        drop(sent);
        assert_eq!(finished.try_recv().map(|(file, _)| file), Ok(8));
        assert!(
            finished.try_recv().is_err(),
            "a report sent once is not sent again on drop"
        );
    }
}
