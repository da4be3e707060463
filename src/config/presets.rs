//! The built-in presets: QEMU's block-layer rules (check_calls.py's), its coroutine rules, and
//! both.

use crate::model::UseKind;

/// The preset used when no configuration file is found.
pub const DEFAULT_PRESET: &str = "qemu-block";

/// A built-in preset.
pub(super) struct Preset {
    pub(super) name: &'static str,
    /// Its TOML texts (`qemu` is both QEMU presets), each with what all QEMU presets share.
    pub(super) texts: &'static [&'static str],
    /// The `edges` it defaults to, if not every kind.
    pub(super) edges: Option<&'static [UseKind]>,
    /// It sets `argument_constants = true`.
    pub(super) argument_constants: bool,
}

/// What every QEMU preset sets about the tree: `roms/` left out, and boundaries QEMU's sources
/// justify.
const QEMU_TREE: &str = include_str!("../presets/qemu-tree.toml");

/// What runs where on a POSIX host: Windows-only files left out, the calls that hand functions
/// over to run elsewhere (`[[deferred]]`), and replay events whose kind the caller fixes. Not in
/// `qemu-block`, whose graph is check_calls.py's.
const QEMU_RUNTIME: &str = include_str!("../presets/qemu-runtime.toml");

/// The built-in presets. `qemu-block` is check_calls.py's check, so it keeps to the script's
/// graph (calls and references, every `#if` branch but `#if 0`, every use whatever the
/// arguments) and its output stays the script's; the others see every edge kind, skip the
/// branches of switches no QEMU build turns on, and follow argument constants.
pub(super) const PRESETS: [Preset; 3] = [
    Preset {
        name: "qemu-block",
        texts: &[QEMU_TREE, include_str!("../presets/qemu-block.toml")],
        edges: Some(&[UseKind::Call, UseKind::Reference]),
        argument_constants: false,
    },
    Preset {
        name: "qemu-coroutine",
        texts: &[
            QEMU_TREE,
            include_str!("../presets/qemu-coroutine.toml"),
            include_str!("../presets/qemu-switches.toml"),
            QEMU_RUNTIME,
        ],
        edges: None,
        argument_constants: true,
    },
    Preset {
        name: "qemu",
        texts: &[
            QEMU_TREE,
            include_str!("../presets/qemu-block.toml"),
            include_str!("../presets/qemu-coroutine.toml"),
            include_str!("../presets/qemu-switches.toml"),
            QEMU_RUNTIME,
        ],
        edges: None,
        argument_constants: true,
    },
];

/// The names of the built-in presets.
pub fn preset_names() -> impl Iterator<Item = &'static str> {
    PRESETS.iter().map(|preset| preset.name)
}

/// The smallest built-in preset that defines the context `name`, if one does: for the hint of
/// an unknown-context error.
pub fn defining(name: &str) -> Option<&'static str> {
    PRESETS
        .iter()
        .filter(|preset| {
            preset.texts.iter().any(|text| {
                super::file::parse(text, preset.name).is_ok_and(|file| {
                    file.contexts
                        .iter()
                        .any(|context| context.name.get_ref() == name)
                })
            })
        })
        .min_by_key(|preset| preset.texts.len())
        .map(|preset| preset.name)
}
